import type { ServerResponse } from 'node:http';

/** A request refused before it reaches MCP: an HTTP status and a message an agent or operator can act on. */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** JSON-RPC error codes used for refusals outside the protocol (the server-error range). */
export const JSONRPC_SERVER_ERROR = -32000;

export function sendJsonRpcError(
  res: ServerResponse,
  status: number,
  message: string,
  options: { id?: string | number | null; code?: number; headers?: Record<string, string> } = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code: options.code ?? JSONRPC_SERVER_ERROR, message }, id: options.id ?? null });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...options.headers });
  res.end(body);
}

/** A reply with no body at all (401, 404 off the MCP path): nothing to learn from it. */
export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-length': '0', ...headers });
  res.end();
}
