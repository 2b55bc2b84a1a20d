import type { InternalNote, Problem } from './problems.js';
import type { Selector } from './selection.js';

/**
 * A rule generator: a selector (step 1) plus generation (step 3). Implementations:
 * `offline` (deterministic, no model) and `sampling` (the MCP client's model). The
 * agent-supplied path needs no generator: the agent's rule is the generation output.
 */

export type GeneratorKind = 'sampling' | 'agent' | 'offline';

export interface GenerationRequest {
  prompt: string;
  /** Space scope; absent = global. */
  spaceKey?: string;
  /** The one trigger that passed the checks, or null (none, or several asked for). */
  trigger: string | null;
  /** Non-trigger catalog components that passed the checks, in selection order. */
  components: string[];
  /** Types that must be emitted with `config: {}`. */
  manualConfig: string[];
}

export interface GenerationResult {
  /** The simplified rule as produced; validated and normalized by the pipeline. */
  rule: unknown;
  problems?: Problem[];
  notes?: InternalNote[];
}

export interface RuleGenerator extends Selector {
  readonly kind: 'sampling' | 'offline';
  generate(request: GenerationRequest): Promise<GenerationResult>;
  /** Internal diagnostics gathered by the calls since the last drain (retries, dropped names). */
  drainNotes?(): InternalNote[];
}

/** A model call failed in a way retrying once didn't fix (e.g. non-JSON twice). */
export class GenerationFailedError extends Error {
  constructor(
    message: string,
    readonly notes: InternalNote[] = [],
  ) {
    super(message);
    this.name = 'GenerationFailedError';
  }
}
