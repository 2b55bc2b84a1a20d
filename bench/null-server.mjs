// The MCP SDK's own null server: McpServer over stdio with zero tools (declaring the tools
// capability installs the SDK's tools/list handler). `npm run bench` times it from spawn to the
// tools/list reply exactly as it times confluence-steward, as the floor our start-up is held to.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new McpServer({ name: 'null-server', version: '1.0.0' }, { capabilities: { tools: {} } });
await server.connect(new StdioServerTransport());
