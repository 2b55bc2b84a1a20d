import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Runtime } from '../runtime.js';
import { servicesFor } from '../services/services.js';
import { createStewardServer } from './create-server.js';
import { narrowedToolNames } from './enabled-tools.js';

/** MCP over stdio: stdout carries only protocol messages; everything human goes to stderr. */
export async function serveStdio(runtime: Runtime, log: (message: string) => void): Promise<void> {
  const role = runtime.config.role;
  const server = createStewardServer({
    gate: runtime.gateFor(runtime.identity, role),
    services: servicesFor(runtime),
    role,
    enabledTools: narrowedToolNames(runtime.config),
    log,
  });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => {});
  await runtime.close();
}
