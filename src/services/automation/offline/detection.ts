/**
 * The record every pass hands on: one detection is a named thing (trigger, condition, action,
 * branch) found at a place in the prompt. Each pass reads the prepared prompt and returns
 * detections, so later passes can compare places (inside a trigger phrase, same clause, before
 * an "otherwise") without knowing how the earlier pass found them.
 */

export interface Detection {
  type: string;
  index: number;
  end: number;
  clause: number;
  /** Conditions and branches: the config the wording implies. */
  config?: Record<string, unknown>;
}

export interface AnalysisContext {
  /** Space scope; absent = global scope. */
  spaceKey?: string;
}

/** All matches that pass the guard; after a rejected match the search resumes one character later, so a shorter valid match inside it is still found. */
export function guardedMatches(text: string, source: RegExp, guard?: (m: RegExpExecArray) => boolean): RegExpExecArray[] {
  // Keep the source's other flags: without "u", "\\p{L}" in a name pattern is no letter class, and a name that
  // starts like a stop word ("Ortiz", "Haddad") would read as that word.
  const re = new RegExp(source.source, source.flags.includes('g') ? source.flags : `${source.flags}g`);
  const out: RegExpExecArray[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (!guard || guard(m)) {
      out.push(m);
      re.lastIndex = m.index + Math.max(1, m[0].length);
    } else re.lastIndex = m.index + 1;
  }
  return out;
}

export function byIndex(a: { index: number }, b: { index: number }) {
  return a.index - b.index;
}
