import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Role } from '../../policies/tool-access.js';
import { resolveConfig } from '../../src/config.js';
import { type Runtime, createRuntime } from '../../src/runtime.js';
import { createStewardServer } from '../../src/server/create-server.js';
import { narrowedToolNames } from '../../src/server/enabled-tools.js';
import { type Services, createServices } from '../../src/services/services.js';
import type { WrittenSite } from '../../scripts/site-writer.js';
import { USERS, writeFixture } from './fixture-site.js';

export interface Harness {
  client: Client;
  runtime: Runtime;
  services: Services;
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/**
 * A real runtime (policy file, SQLite store, local source) behind a real MCP server, reached
 * by a real MCP client over the in-memory transport.
 */
export async function startHarness(
  options: { as?: string; role?: Role; site?: string; policyFile?: string; dataDir?: string; services?: Services; now?: () => Date; clientCapabilities?: object; env?: NodeJS.ProcessEnv } = {},
): Promise<Harness> {
  const fixture = options.site ? undefined : writeFixture();
  const config = resolveConfig(
    {
      site: options.site ?? fixture!.siteDir,
      policy: options.policyFile ?? fixture?.policyFile,
      dataDir: options.dataDir ?? fixture?.dataDir ?? writeFixture().dataDir,
      as: options.as,
      role: options.role,
    },
    options.env ?? {},
  );
  return connectConfig(config, config.role, options);
}

/**
 * A real runtime built from a resolved config (any source, e.g. Cloud on the loopback stub)
 * behind a real MCP server, reached by a real MCP client over the in-memory transport.
 */
export async function connectConfig(
  config: ReturnType<typeof resolveConfig>,
  role: Role = config.role,
  options: { services?: Services; now?: () => Date; clientCapabilities?: object } = {},
): Promise<Harness> {
  const runtime = await createRuntime(config);
  const services = options.services ?? createServices({ db: runtime.db, audit: runtime.audit, shared: runtime.shared, issueTracker: runtime.issueTracker, now: options.now, embedder: runtime.embedder });
  // ENABLED_TOOLS / TOOLSETS in the config narrow the tools as serve does.
  const server = createStewardServer({ gate: runtime.gateFor(runtime.identity, role), services, role, enabledTools: narrowedToolNames(config) });
  const client = new Client({ name: 'test-client', version: '1.0.0' }, { capabilities: options.clientCapabilities ?? {} });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  return {
    client,
    runtime,
    services,
    call: (name, args) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>,
    async close() {
      await client.close();
      await server.close();
      await runtime.close();
    },
  };
}

export function textOf(result: CallToolResult): string {
  return result.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');
}

/**
 * An employee's agent session and an HR reviewer's session on one fixture data dir (the usual
 * pair for draft → review tests); both are pushed onto `open` for the caller's afterEach.
 */
export async function startAgentAndReviewer(open: Harness[], site?: WrittenSite) {
  const fixture = writeFixture(site ? { site } : {});
  const common = { site: fixture.siteDir, policyFile: fixture.policyFile, dataDir: fixture.dataDir };
  const agent = await startHarness({ ...common, as: USERS.employee.email });
  const reviewer = await startHarness({ ...common, as: USERS.hr.email, role: 'reviewer' });
  open.push(agent, reviewer);
  return { agent, reviewer };
}
