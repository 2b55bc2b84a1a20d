import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Role } from '../../policies/tool-access.js';
import { type Authentication, loadPrincipals } from '../../src/auth/principals.js';
import { sha256Hex } from '../../src/auth/tokens-file.js';
import { resolveConfig } from '../../src/config.js';
import { type Runtime, createRuntime } from '../../src/runtime.js';
import { DEFAULT_MAX_BODY_BYTES, type HttpOptions } from '../../src/server/http/http-options.js';
import { type RunningHttpServer, startHttpServer } from '../../src/server/http/http-server.js';
import { createServices } from '../../src/services/services.js';
import { tempDir, writeFixture } from '../support/fixture-site.js';

export interface TokenSpec {
  user: string;
  role: Role;
}

export interface TestServer {
  server: RunningHttpServer;
  runtime: Runtime;
  /** Bearer token by the name given in `tokens`. */
  tokens: Record<string, string>;
  tokensFile?: string;
  logs: string[];
  close(): Promise<void>;
}

/** Writes a tokens file for the given users; returns the clear tokens by name. */
export function writeTokens(specs: Record<string, TokenSpec>, dir = tempDir('tokens')): { file: string; tokens: Record<string, string> } {
  const tokens: Record<string, string> = {};
  const entries = Object.entries(specs).map(([name, spec]) => {
    tokens[name] = randomBytes(24).toString('base64url');
    return { tokenSha256: sha256Hex(tokens[name]), user: spec.user, role: spec.role };
  });
  const file = join(dir, 'tokens.json');
  writeFileSync(file, JSON.stringify(entries, null, 2));
  return { file, tokens };
}

/**
 * The HTTP server in this process on a free loopback port: a real runtime (fixture site and
 * policy unless `env` points at a Confluence stub), real tokens file, real sockets.
 */
export async function startTestServer(
  options: {
    tokens?: Record<string, TokenSpec>;
    policy?: object;
    env?: NodeJS.ProcessEnv;
    as?: string;
    role?: Role;
    http?: Partial<HttpOptions>;
  } = {},
): Promise<TestServer> {
  const fixture = writeFixture(options.policy ? { policy: options.policy } : {});
  const confluence = options.env?.CONFLUENCE_URL !== undefined;
  const config = resolveConfig(
    { site: confluence ? undefined : fixture.siteDir, policy: fixture.policyFile, dataDir: fixture.dataDir, as: options.as, role: options.role },
    options.env ?? {},
  );
  const runtime = await createRuntime(config);
  let auth: Authentication;
  let tokens: Record<string, string> = {};
  let tokensFile: string | undefined;
  if (options.tokens) {
    const written = writeTokens(options.tokens, fixture.root);
    tokens = written.tokens;
    tokensFile = written.file;
    auth = { mode: 'tokens', principals: await loadPrincipals(written.file, runtime.source) };
  } else {
    auth = { mode: 'none', principal: { key: 'loopback', identity: runtime.identity, role: config.role } };
  }
  const logs: string[] = [];
  const httpOptions: HttpOptions = {
    host: '127.0.0.1',
    port: 0,
    stateless: false,
    tokensFile,
    extraHosts: [],
    extraOrigins: [],
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    shutdownGraceMs: 5_000,
    sessionIdleMs: 60_000,
    maxSessionsPerPrincipal: 16,
    ...options.http,
  };
  const services = createServices({ db: runtime.db, audit: runtime.audit, shared: runtime.shared, issueTracker: runtime.issueTracker });
  const server = await startHttpServer({ runtime, services, auth, options: httpOptions, log: (line) => logs.push(line) });
  return {
    server,
    runtime,
    tokens,
    tokensFile,
    logs,
    async close() {
      await server.shutdown();
      await runtime.close();
    },
  };
}

/** An MCP SDK client over Streamable HTTP with the given headers on every request; `setup` declares sampling and installs handlers. */
export async function connect(url: string, headers: Record<string, string> = {}, setup?: (client: Client) => void): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: 'http-test', version: '1.0.0' }, { capabilities: setup ? { sampling: {} } : {} });
  setup?.(client);
  await client.connect(transport);
  return client;
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

export function text(result: CallToolResult): string {
  return result.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');
}

export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

/** A raw POST to /mcp, for what an SDK client would never send. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request through node:http, which (unlike fetch) lets a test set any Host header. */
export async function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawReply> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
