import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { PolicyGate } from '../../policies/gate.js';
import type { Role } from '../../policies/tool-access.js';
import { type SamplingRequest, type ToolContext, type ToolDefinition, annotationsFor } from '../../tools/define-tool.js';
import { registerPageResources } from '../../tools/page-resource.js';
import { registerPrompts } from '../../tools/prompts.js';
import { toolsFor } from '../../tools/registry.js';
import { StewardError } from '../errors.js';
import { PACKAGE_VERSION } from '../package-root.js';
import type { Services } from '../services/services.js';

export interface ServerOptions {
  gate: PolicyGate;
  services: Services;
  role: Role;
  /** ENABLED_TOOLS and TOOLSETS (narrowedToolNames): when given, only these of the role's tools are registered. */
  enabledTools?: ReadonlySet<string>;
  /** Where unexpected errors are logged (stderr in the CLI); never stdout. */
  log?: (message: string) => void;
}

/**
 * What a client shows the model first: the rules of this server, and only tools, resources and
 * prompts this session really has (ENABLED_TOOLS / TOOLSETS may have narrowed them).
 */
function instructionsFor(toolNames: ReadonlySet<string>): string {
  const parts = [
    'Governed access to Confluence. You can only see pages this user may read in the spaces the policy allows; a page you cannot see is reported as not found.',
  ];
  if (toolNames.has('answer_with_sources')) parts.push('For a question, call answer_with_sources: it answers with cited passages or says plainly that the pages do not answer it.');
  const read = ['search_pages', 'get_page'].filter((name) => toolNames.has(name));
  if (read.length > 0) parts.push(`To look around yourself, use ${read.join(' and ')}${toolNames.has('get_page') ? ', or read a page as the resource confluence://page/{id}' : ''}.`);
  parts.push('Anything that would change Jira or Confluence is only ever drafted: a human reviewer approves it before it runs.');
  return parts.join(' ');
}

/**
 * Builds the MCP server for one identity and role. Only the role's tools are registered, so
 * the same filtered list answers tools/list and tools/call; page resources and prompts follow
 * the tools (a session without get_page has no resources, a prompt needs every tool it names). Every call goes through one choke
 * point (runTool) that applies the tool-level policy and turns failures into isError results.
 */
export function createStewardServer(options: ServerOptions): McpServer {
  const enabled = options.enabledTools;
  const tools = toolsFor(options.role, options.gate.policy.readOnly).filter((t) => !enabled || enabled.has(t.name));
  const toolNames = new Set(tools.map((tool) => tool.name));
  const server = new McpServer(
    { name: 'confluence-steward', version: PACKAGE_VERSION },
    { capabilities: { logging: {} }, instructions: instructionsFor(toolNames) },
  );
  // Resources are get_page by another door: offered exactly when the session may call get_page.
  if (toolNames.has('get_page')) registerPageResources(server, options.gate);
  registerPrompts(server, options.gate, toolNames);
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: annotationsFor(tool),
      },
      (async (args: unknown, extra: { signal: AbortSignal; _meta?: { progressToken?: string | number }; sendNotification: (n: never) => Promise<void> }) => {
        const context: ToolContext = {
          gate: options.gate,
          services: options.services,
          signal: extra.signal,
          sample: samplerFor(server),
          progress: async (done, total, message) => {
            const token = extra._meta?.progressToken;
            if (token === undefined) return;
            await extra.sendNotification({
              method: 'notifications/progress',
              params: { progressToken: token, progress: done, total, message },
            } as never);
          },
        };
        return runTool(tool, args, context, options.log);
      }) as never,
    );
  }
  return server;
}

export async function runTool(
  tool: ToolDefinition,
  args: unknown,
  context: ToolContext,
  log: (message: string) => void = () => {},
): Promise<CallToolResult> {
  try {
    context.gate.authorizeTool(tool.name, tool.access);
    const result = await tool.handler(args as never, context);
    return {
      content: [{ type: 'text', text: result.text ?? JSON.stringify(result.structured) }],
      structuredContent: result.structured as Record<string, unknown>,
    };
  } catch (error) {
    if (error instanceof StewardError) {
      return { isError: true, content: [{ type: 'text', text: error.message }] };
    }
    // A bug: tell the agent plainly, keep the stack for the operator's log only.
    log(`tool ${tool.name} failed: ${(error as Error)?.stack ?? String(error)}`);
    return {
      isError: true,
      content: [{ type: 'text', text: `${tool.name} failed unexpectedly; nothing was changed. Try again, or report this to the operator.` }],
    };
  }
}

/** Sampling through the client's model, when the client declared it can. */
function samplerFor(server: McpServer): ((request: SamplingRequest) => Promise<string>) | undefined {
  const capabilities = server.server.getClientCapabilities();
  if (!capabilities?.sampling) return undefined;
  return async (request) => {
    const result = await server.server.createMessage({
      systemPrompt: request.system,
      messages: [{ role: 'user', content: { type: 'text', text: request.prompt } }],
      maxTokens: request.maxTokens,
      includeContext: 'none',
      temperature: 0,
    });
    const content = result.content as { type: string; text?: string } | { type: string; text?: string }[];
    const blocks = Array.isArray(content) ? content : [content];
    return blocks
      .filter((block) => block.type === 'text')
      .map((block) => block.text ?? '')
      .join('\n');
  };
}
