import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { ActingContext } from './acting-context.js';

/** One stateful MCP session: its own server (and so its own gate and identity), bound to the credential that opened it. */
export interface Session {
  id: string;
  principalKey: string;
  context: ActingContext;
  server: McpServer;
  transport: StreamableHTTPServerTransport;
  lastUsed: number;
  /** Requests of this session being answered now (an open GET stream counts). */
  open: number;
}

/**
 * Sessions by `mcp-session-id`. Bounded: a principal holds at most `maxPerPrincipal` sessions
 * (opening another closes its least recently used), and sessions idle with no open request are
 * swept. Closing is idempotent and also releases the session's per-user source.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  private readonly closing = new Map<string, Promise<void>>();

  constructor(
    private readonly maxPerPrincipal: number,
    private readonly log: (message: string) => void,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** The session, only if it belongs to this principal: another principal's session looks exactly like a missing one. */
  find(id: string, principalKey: string): Session | undefined {
    const session = this.sessions.get(id);
    return session && session.principalKey === principalKey ? session : undefined;
  }

  add(session: Session): void {
    const mine = [...this.sessions.values()].filter((other) => other.principalKey === session.principalKey);
    if (mine.length >= this.maxPerPrincipal) {
      const oldest = mine.filter((other) => other.open === 0).sort((a, b) => a.lastUsed - b.lastUsed)[0] ?? mine.sort((a, b) => a.lastUsed - b.lastUsed)[0];
      void this.close(oldest.id);
    }
    this.sessions.set(session.id, session);
  }

  /** Forgets a session whose transport closed (DELETE, or closed by us). */
  forget(id: string): Session | undefined {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    return session;
  }

  async close(id: string): Promise<void> {
    const pending = this.closing.get(id);
    if (pending) return pending;
    const session = this.sessions.get(id);
    if (!session) return;
    const done = (async () => {
      this.sessions.delete(id);
      await session.transport.close().catch(() => {});
      await session.server.close().catch(() => {});
      await session.context.close().catch((error: unknown) => this.log(`closing session resources failed: ${(error as Error).message}`));
    })();
    this.closing.set(id, done);
    try {
      await done;
    } finally {
      this.closing.delete(id);
    }
  }

  /** Closes sessions with no open request and no use for `idleMs`. */
  async sweep(now: number, idleMs: number): Promise<void> {
    const idle = [...this.sessions.values()].filter((session) => session.open === 0 && now - session.lastUsed >= idleMs);
    await Promise.all(idle.map((session) => this.close(session.id)));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }
}
