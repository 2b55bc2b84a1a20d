/**
 * Errors a tool call can end in. Each becomes an `isError` tool result whose text the agent
 * can act on; anything else is a bug and is reported without its stack.
 */
export class StewardError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Missing and not-readable are one error with one message, so a miss leaks nothing. */
export class PageNotFoundError extends StewardError {
  constructor(id: string) {
    super(`No page with id ${JSON.stringify(id)} was found.`, 'not_found');
  }
}

/** A request the policy forbids. The message names the rule and what is allowed, never content. */
export class PolicyDeniedError extends StewardError {
  constructor(message: string) {
    super(message, 'policy_denied');
  }
}

export class InvalidInputError extends StewardError {
  constructor(message: string) {
    super(message, 'invalid_input');
  }
}

/** The content source or tracker failed after retries. */
export class UpstreamError extends StewardError {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message, 'upstream_error');
  }
}
