/**
 * What the drafting pipeline reports back. One vocabulary for every generator, so the
 * reviewer and the calling agent see the same kinds whichever path produced the rule.
 */

/** The user-facing problem kinds of the `draft_automation_rule` contract. */
export type ProblemKind =
  | 'no_trigger'
  | 'multiple_triggers'
  | 'unsupported'
  | 'excluded_component'
  | 'invalid_structure'
  | 'unresolved'
  /** Part of the request the catalog can't express; the draft holds the rest, and the reviewer is told what was left out. */
  | 'not_included';

export interface Problem {
  kind: ProblemKind;
  message: string;
  /** The component type the problem is about, when there is one. */
  component?: string;
}

/** The kinds the evaluation calls "error kinds": the request itself can't be drafted as asked. */
export const REQUEST_ERROR_KINDS = ['no_trigger', 'multiple_triggers', 'unsupported', 'excluded_component'] as const;
export type RequestErrorKind = (typeof REQUEST_ERROR_KINDS)[number];

/**
 * The most important request-level problem, or null. Order matters when several apply: an
 * unsupported request outranks a missing trigger (the fix is different), and a refused step
 * outranks trigger-count problems.
 */
export function primaryErrorKind(problems: readonly Problem[]): RequestErrorKind | null {
  const rank: RequestErrorKind[] = ['unsupported', 'excluded_component', 'multiple_triggers', 'no_trigger'];
  for (const kind of rank) if (problems.some((p) => p.kind === kind)) return kind;
  return null;
}

/**
 * A component a person must configure during review: governance `manual-config-required`,
 * or an allowed component the safety rules forced to manual (then `reason` says why).
 */
export interface ManualConfigEntry {
  type: string;
  /** Where it sits in the simplified rule, e.g. `components[1].components[0]`. */
  path: string;
  reason: string;
}

/** A value the generator must not or could not fill (secrets such as webhook URLs, or a required field it had nothing for). */
export interface MissingInput {
  type: string;
  path: string;
  field: string;
  reason: string;
}

/** Diagnostics that are not user errors (e.g. a model named a component that doesn't exist and was retried). */
export interface InternalNote {
  kind: 'invalid_trigger' | 'invalid_component' | 'invalid_reply' | 'fallback' | 'normalized';
  message: string;
}
