/**
 * Bounded retries for remote calls (Confluence, Jira). Each adapter says which failures are
 * worth another try and how long the server asked us to wait; this module only schedules.
 * It never loops forever: attempts and every single wait are capped, so a caller always gets
 * either a result or an error.
 */
export interface RetryDecision {
  retry: boolean;
  /** Server-requested delay (Retry-After), in milliseconds. */
  afterMs?: number;
}

export interface RetryOptions {
  /** Total attempts including the first. */
  attempts: number;
  baseDelayMs: number;
  /** Cap for any single wait, including a server's Retry-After. */
  maxDelayMs: number;
  classify(error: unknown): RetryDecision;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const decision = options.classify(error);
      if (!decision.retry || attempt >= options.attempts) throw error;
      const backoff = options.baseDelayMs * 2 ** (attempt - 1);
      const requested = decision.afterMs !== undefined && Number.isFinite(decision.afterMs) ? decision.afterMs : backoff;
      const delay = Math.min(Math.max(requested, 0), options.maxDelayMs);
      options.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}

/** Parses a Retry-After header: delta-seconds or an HTTP date. Undefined when absent or unusable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : Number.MAX_SAFE_INTEGER;
  }
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
