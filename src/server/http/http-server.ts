import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { type CredentialsResult, atlassianCredentials } from '../../auth/atlassian-credentials.js';
import { bearerToken, matchToken } from '../../auth/bearer.js';
import type { Authentication, Principal } from '../../auth/principals.js';
import type { Runtime } from '../../runtime.js';
import type { Services } from '../../services/services.js';
import { createStewardServer } from '../create-server.js';
import { narrowedToolNames } from '../enabled-tools.js';
import { type ActingContext, actingContextFor } from './acting-context.js';
import { BodyTooLargeError, readBody } from './body.js';
import { type HostAllowlist, allowlistFor, checkHostAndOrigin } from './host-guard.js';
import { type HttpOptions, hostWithPort } from './http-options.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import { HttpRefusal, sendEmpty, sendJsonRpcError } from './replies.js';
import { type Session, SessionRegistry } from './session-registry.js';

export const MCP_PATH = '/mcp';
export const HEALTH_PATH = '/healthz';

export interface HttpServerDeps {
  runtime: Runtime;
  /** Shared by every session: caches and stores hold no identity. */
  services: Services;
  auth: Authentication;
  options: HttpOptions;
  log: (message: string) => void;
  /** Injectable clock for the rate limiter and session sweeps. */
  now?: () => number;
}

export interface RunningHttpServer {
  /** `http://host:port/mcp` */
  url: string;
  port: number;
  allowlist: HostAllowlist;
  sessionCount(): number;
  /** Requests being answered now, not counting open GET notification streams. */
  inFlight(): number;
  /**
   * Refuses new work (503), lets in-flight calls finish (up to the grace period), then stops
   * listening and closes every session. Idempotent. Does not close the runtime: its owner does.
   */
  shutdown(): Promise<void>;
}

/**
 * MCP over Streamable HTTP at /mcp, with /healthz beside it. Every request to /mcp passes, in
 * order: the Host/Origin allowlist (403), shutdown (503), bearer authentication (401, empty),
 * the body limit (413), the session check (404: unknown and someone else's look the same), the
 * per-identity tool-call rate (429 with Retry-After), and only then the MCP transport.
 */
export async function startHttpServer(deps: HttpServerDeps): Promise<RunningHttpServer> {
  const { runtime, services, auth, options, log } = deps;
  const now = deps.now ?? Date.now;
  const limiter = new SlidingWindowLimiter(runtime.policy.limits.requestsPerMinute);
  const sessions = new SessionRegistry(options.maxSessionsPerPrincipal, log);
  let allowlist: HostAllowlist = { hosts: [], origins: [] };
  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const authenticate = (req: http.IncomingMessage): Principal | undefined => {
    if (auth.mode === 'none') return auth.principal;
    const token = bearerToken(req.headers.authorization);
    return token === undefined ? undefined : matchToken(token, auth.principals as (Principal & { tokenSha256: string })[]);
  };

  const openContext = async (principal: Principal, credentials: CredentialsResult): Promise<ActingContext> =>
    actingContextFor(runtime, principal, credentials.kind === 'given' ? credentials.credentials : undefined);

  const enabledTools = narrowedToolNames(runtime.config);
  const newServer = (context: ActingContext) => createStewardServer({ gate: context.gate, services, role: context.role, enabledTools, log });

  /** Tool calls count against the identity's per-minute budget; everything else is free. */
  const overRate = (principal: Principal, messages: unknown[]): number | undefined => {
    const calls = messages.filter((message) => (message as { method?: unknown } | null)?.method === 'tools/call').length;
    if (calls === 0) return undefined;
    const key = principal.identity.accountId !== '' ? `user:${principal.identity.accountId}` : principal.key;
    const decision = limiter.take(key, now(), calls);
    return decision.allowed ? undefined : decision.retryAfterSeconds;
  };

  async function handlePost(req: http.IncomingMessage, res: http.ServerResponse, principal: Principal, credentials: CredentialsResult) {
    let raw: Buffer;
    try {
      raw = await readBody(req, options.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return sendJsonRpcError(res, 413, `Request body too large: the limit is ${options.maxBodyBytes} bytes.`, { headers: { connection: 'close' } });
      }
      throw error;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return sendJsonRpcError(res, 400, 'Parse error: the body is not JSON.', { code: -32700 });
    }
    const messages = Array.isArray(body) ? body : [body];
    const firstId = (messages[0] as { id?: string | number } | null)?.id ?? null;
    if (draining && messages.some(isRequest)) return refuseDraining(res);
    const refuseRate = (retryAfter: number) =>
      sendJsonRpcError(
        res,
        429,
        `Rate limit: at most ${limiter.limit} tool calls per minute for ${principal.identity.displayName || 'this user'}. Retry in ${retryAfter} s.`,
        { id: firstId, headers: { 'retry-after': String(retryAfter) } },
      );

    if (options.stateless) {
      const retryAfter = overRate(principal, messages);
      if (retryAfter !== undefined) return refuseRate(retryAfter);
      const context = await openContext(principal, credentials);
      const server = newServer(context);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.once('close', () => {
        void transport.close().catch(() => {});
        void server.close().catch(() => {});
        void context.close().catch(() => {});
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
      return;
    }

    const sessionId = headerValue(req, 'mcp-session-id');
    if (sessionId !== undefined) {
      const session = sessionFor(sessionId, principal, credentials, res);
      if (!session) return;
      const retryAfter = overRate(principal, messages);
      if (retryAfter !== undefined) return refuseRate(retryAfter);
      return useSession(session, res, () => session.transport.handleRequest(req, res, body));
    }

    if (!(messages.length === 1 && isInitializeRequest(messages[0]))) {
      return sendJsonRpcError(res, 400, 'Bad Request: no Mcp-Session-Id; start a session with an initialize request first.', { id: firstId });
    }
    const context = await openContext(principal, credentials);
    const server = newServer(context);
    let session: Session | undefined;
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        session = { id, principalKey: principal.key, context, server, transport, lastUsed: now(), open: 0 };
        sessions.add(session);
      },
    });
    transport.onclose = () => {
      if (session) void sessions.close(session.id);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
    if (!session) {
      // The initialize was refused (bad version, bad headers): nothing to keep.
      await transport.close().catch(() => {});
      await server.close().catch(() => {});
      await context.close().catch(() => {});
    }
  }

  /** The caller's own session, or a reply saying why not. */
  function sessionFor(id: string, principal: Principal, credentials: CredentialsResult, res: http.ServerResponse): Session | undefined {
    const session = sessions.find(id, principal.key);
    if (!session) {
      sendJsonRpcError(res, 404, 'Session not found: start a new session with initialize.', { code: -32001 });
      return undefined;
    }
    const fingerprint = credentials.kind === 'given' ? credentials.credentials.fingerprint : undefined;
    if (fingerprint !== session.context.credentialFingerprint) {
      sendJsonRpcError(res, 403, 'This session was opened with different X-Atlassian-* credentials; send the same ones, or start a new session.');
      return undefined;
    }
    return session;
  }

  async function useSession(session: Session, res: http.ServerResponse, work: () => Promise<void>): Promise<void> {
    session.lastUsed = now();
    session.open += 1;
    res.once('close', () => {
      session.open -= 1;
      session.lastUsed = now();
    });
    await work();
  }

  async function handleMcp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const refused = checkHostAndOrigin(req.headers, allowlist);
    if (refused) return sendJsonRpcError(res, 403, `Forbidden: ${refused}`);
    // Draining: no new sessions and no new calls; answers to our own requests (a sampling
    // reply a call in flight waits for) and ending a session still get through.
    if (draining && !(req.method === 'DELETE' || (req.method === 'POST' && headerValue(req, 'mcp-session-id') !== undefined))) return refuseDraining(res);
    const principal = authenticate(req);
    if (!principal) return sendEmpty(res, 401, { 'www-authenticate': 'Bearer', connection: 'close' });
    const credentials = atlassianCredentials(req.headers);
    if (credentials.kind === 'invalid') return sendJsonRpcError(res, 400, credentials.message);

    switch (req.method) {
      case 'POST':
        return handlePost(req, res, principal, credentials);
      case 'GET':
      case 'DELETE': {
        if (options.stateless) return sendJsonRpcError(res, 405, 'Method not allowed: this server is stateless (POST only).', { headers: { allow: 'POST' } });
        const id = headerValue(req, 'mcp-session-id');
        if (id === undefined) return sendJsonRpcError(res, 400, 'Bad Request: Mcp-Session-Id header is required.');
        const session = sessionFor(id, principal, credentials, res);
        if (!session) return;
        return useSession(session, res, () => session.transport.handleRequest(req, res));
      }
      default:
        return sendJsonRpcError(res, 405, 'Method not allowed.', { headers: { allow: options.stateless ? 'POST' : 'GET, POST, DELETE' } });
    }
  }

  const httpServer = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === HEALTH_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendEmpty(res, 405, { allow: 'GET, HEAD' });
      // A replica whose database cannot be reached is unhealthy: the balancer should send elsewhere.
      const health = draining ? Promise.resolve('stopping') : runtime.shared.ping().then(() => 'ok', () => 'database unavailable');
      void health.then((status) => {
        const body = JSON.stringify({ status });
        res.writeHead(status === 'ok' ? 200 : 503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      });
      return;
    }
    if (path !== MCP_PATH) return sendEmpty(res, 404);
    // Open notification streams (GET) last as long as the session; they are not calls to wait for.
    const counted = req.method !== 'GET';
    if (counted) inFlight += 1;
    res.once('close', () => {
      if (!counted) return;
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    });
    handleMcp(req, res).catch((error: unknown) => {
      if (error instanceof HttpRefusal) return sendJsonRpcError(res, error.status, error.message, { headers: error.headers });
      log(`HTTP request failed: ${(error as Error)?.stack ?? String(error)}`);
      sendJsonRpcError(res, 500, 'Internal server error.', { code: -32603 });
    });
  });
  httpServer.headersTimeout = 30_000;
  httpServer.requestTimeout = 120_000;

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  allowlist = allowlistFor(options.host, port, options.extraHosts, options.extraOrigins);
  const closed = new Promise<void>((resolve) => httpServer.once('close', () => resolve()));

  const sweepTimer = setInterval(() => void sessions.sweep(now(), options.sessionIdleMs), Math.min(60_000, Math.max(1_000, options.sessionIdleMs / 2)));
  sweepTimer.unref();

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      // Still listening while draining: new work gets 503 (and /healthz says "stopping"), but a
      // call in flight can still receive what it waits for from its client (a sampling reply).
      draining = true;
      clearInterval(sweepTimer);
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.shutdownGraceMs);
          timer.unref();
          drained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      httpServer.close();
      await sessions.closeAll();
      httpServer.closeAllConnections();
      await closed;
    })());

  return {
    url: `http://${hostWithPort(options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host, port)}${MCP_PATH}`,
    port,
    allowlist,
    sessionCount: () => sessions.size,
    inFlight: () => inFlight,
    shutdown,
  };
}

function refuseDraining(res: http.ServerResponse): void {
  sendJsonRpcError(res, 503, 'The server is shutting down; reconnect in a moment.', { headers: { connection: 'close', 'retry-after': '5' } });
}

/** A JSON-RPC request (it has a method and an id), as opposed to a response or a notification. */
function isRequest(message: unknown): boolean {
  const candidate = message as { method?: unknown; id?: unknown } | null;
  return typeof candidate?.method === 'string' && candidate.id !== undefined;
}

function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const single = Array.isArray(value) ? value[0] : value;
  return single === undefined || single.trim() === '' ? undefined : single.trim();
}
