import type { IncomingHttpHeaders } from 'node:http';
import { hostWithPort, isLoopback, isWildcard } from './http-options.js';

/**
 * DNS-rebinding protection: a browser tricked into sending requests to this server carries
 * the attacker's host name in Host and the attacker's page in Origin. Requests are accepted
 * only when Host is one this server is known by and Origin, when present, is one we allow.
 */
export interface HostAllowlist {
  /** `host:port` or bare `host` (any port); `'*'` accepts any Host. */
  hosts: string[] | '*';
  origins: string[];
}

export function allowlistFor(bindHost: string, port: number, extraHosts: string[], extraOrigins: string[]): HostAllowlist {
  const own: string[] = [];
  if (isLoopback(bindHost)) own.push(...['localhost', '127.0.0.1', '::1'].map((host) => hostWithPort(host, port)));
  if (!isWildcard(bindHost)) own.push(hostWithPort(bindHost, port));
  const anyHost = extraHosts.includes('*');
  const hosts = [...new Set([...own, ...extraHosts.filter((host) => host !== '*')])];
  const origins = [...new Set([...hosts.flatMap((host) => [`http://${host}`, `https://${host}`]), ...extraOrigins.map((origin) => origin.replace(/\/+$/, ''))])];
  return { hosts: anyHost ? '*' : hosts, origins };
}

/** Undefined when the request may proceed; otherwise why it may not (for the 403 body). */
export function checkHostAndOrigin(headers: IncomingHttpHeaders, allow: HostAllowlist): string | undefined {
  const host = headers.host?.trim().toLowerCase();
  if (!host) return 'Missing Host header.';
  if (allow.hosts !== '*' && !hostMatches(host, allow.hosts)) return 'Host not allowed.';
  const origin = headers.origin?.trim().toLowerCase();
  if (origin !== undefined && origin !== '' && !allow.origins.includes(origin.replace(/\/+$/, ''))) return 'Origin not allowed.';
  return undefined;
}

function hostMatches(host: string, allowed: string[]): boolean {
  // A bare entry (no port) matches that name on any port, e.g. behind a TLS proxy on 443.
  return allowed.includes(host) || allowed.includes(host.replace(/:\d+$/, ''));
}
