import { isIP } from 'node:net';

/**
 * Options of `serve --http`, resolved from flags and their environment twins. Pure: checking
 * that they are safe together (no unauthenticated non-loopback server) happens here too, so the
 * refusal comes before anything listens.
 */
export interface HttpFlags {
  host?: string;
  port?: string;
  stateless?: boolean;
  tokens?: string;
}

export interface HttpOptions {
  host: string;
  port: number;
  stateless: boolean;
  tokensFile?: string;
  /** Extra Host header values accepted (STEWARD_ALLOWED_HOSTS); `*` turns the Host check off. */
  extraHosts: string[];
  /** Extra Origin header values accepted (STEWARD_ALLOWED_ORIGINS). */
  extraOrigins: string[];
  maxBodyBytes: number;
  /** How long shutdown waits for in-flight calls before closing them. */
  shutdownGraceMs: number;
  /** A session with no request for this long is closed. */
  sessionIdleMs: number;
  /** Open sessions one principal may hold; opening one more closes its least recently used. */
  maxSessionsPerPrincipal: number;
}

export const DEFAULT_HTTP_HOST = '127.0.0.1';
export const DEFAULT_HTTP_PORT = 3333;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
}

export function resolveHttpOptions(flags: HttpFlags, env: NodeJS.ProcessEnv): HttpOptions {
  const host = nonEmpty(flags.host) ?? nonEmpty(env.STEWARD_HTTP_HOST) ?? DEFAULT_HTTP_HOST;
  const portText = nonEmpty(flags.port) ?? nonEmpty(env.STEWARD_HTTP_PORT);
  let port = DEFAULT_HTTP_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${JSON.stringify(portText)}`);
    port = Number(portText);
  }
  const tokensFile = nonEmpty(flags.tokens) ?? nonEmpty(env.STEWARD_TOKENS);
  const options: HttpOptions = {
    host: host.replace(/^\[(.*)\]$/, '$1'),
    port,
    stateless: flags.stateless === true || truthy(env.STEWARD_STATELESS),
    tokensFile,
    extraHosts: list(env.STEWARD_ALLOWED_HOSTS),
    extraOrigins: list(env.STEWARD_ALLOWED_ORIGINS),
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    shutdownGraceMs: 10_000,
    sessionIdleMs: 30 * 60_000,
    maxSessionsPerPrincipal: 16,
  };
  if (tokensFile === undefined && !isLoopback(options.host)) {
    // Policy: without tokens anyone who can reach the port acts as the --as user.
    throw new Error(
      `refusing to serve unauthenticated on ${host}: only loopback addresses (127.0.0.1, ::1, localhost) may run without --tokens FILE (STEWARD_TOKENS)`,
    );
  }
  if (isWildcard(options.host) && options.extraHosts.length === 0) {
    throw new Error(
      `listening on ${host} accepts any Host header: set STEWARD_ALLOWED_HOSTS to the host names clients use (e.g. steward.example.com:${port}), or "*" to turn the Host check off behind a proxy that does it`,
    );
  }
  return options;
}

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

export function isWildcard(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return bare === '0.0.0.0' || bare === '::' || bare === '';
}

/** `host:port` as it appears in a Host header (IPv6 in brackets). */
export function hostWithPort(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`.toLowerCase();
}
