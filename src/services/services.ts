/**
 * Long-lived services shared by all tool calls of one runtime (caches, stores, executors).
 * They hold no policy and no raw source: every content access goes through the gate a tool
 * passes in.
 */
export interface Services {
  /** The clock, injectable so staleness is testable. */
  now(): Date;
}

export function createServices(options: { now?: () => Date } = {}): Services {
  return { now: options.now ?? (() => new Date()) };
}
