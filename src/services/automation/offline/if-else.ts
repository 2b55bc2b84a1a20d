import { clauseAt, type PreparedPrompt } from '../text.js';
import { byIndex, type Detection } from './detection.js';

/**
 * If/else: "if …, do A; otherwise do B". The split is found from the words alone before the
 * conditions are read, then settled once they are known: an "otherwise" with no condition
 * before it, or no step after it, is no if/else. Hands the orchestrator the IfElseCondition
 * to add and the split the generator uses to put steps on each path.
 */

/** Where an if/else splits the prompt; ifIndex -1 while the first condition is still to be found. */
export interface IfElseSplit {
  ifIndex: number;
  elseIndex: number;
}

/** The last "if" before the first "otherwise"; without one, ifIndex -1 until the conditions are known. */
export function findElseSplit(prepared: PreparedPrompt): IfElseSplit | null {
  const elseMatch = /\b(?:otherwise|else|if\s+not|or\s+else)\b/.exec(prepared.lower);
  let ifElse: IfElseSplit | null = null;
  if (elseMatch) {
    const ifs = [...prepared.lower.slice(0, elseMatch.index).matchAll(/\b(?:if|only\s+if|unless)\b/g)];
    const ifAt = ifs.length ? ifs[ifs.length - 1].index! : -1;
    if (ifAt >= 0) ifElse = { ifIndex: ifAt, elseIndex: elseMatch.index };
    // "when … and its title starts with Q, do A, otherwise B": the first condition opens the block.
    else ifElse = { ifIndex: -1, elseIndex: elseMatch.index };
  }
  return ifElse;
}

/** Anchors an open split on its first condition and keeps it only with a condition inside and a step after "otherwise". */
export function settleIfElse(
  prepared: PreparedPrompt,
  open: IfElseSplit | null,
  conditionDetections: Detection[],
  actions: Detection[],
): { ifElse: IfElseSplit | null; detection: Detection | null } {
  let ifElse = open;
  if (ifElse && ifElse.ifIndex === -1) {
    const first = conditionDetections.filter((c) => c.index < ifElse!.elseIndex).sort(byIndex)[0];
    ifElse = first ? { ifIndex: first.index, elseIndex: ifElse.elseIndex } : null;
  }
  // "otherwise do nothing" is not an if/else: it needs a step on the other path.
  if (ifElse && !actions.some((a) => a.index > ifElse!.elseIndex)) ifElse = null;
  if (ifElse && conditionDetections.some((c) => c.index >= ifElse!.ifIndex && c.index < ifElse!.elseIndex)) {
    return { ifElse, detection: { type: 'IfElseCondition', index: ifElse.ifIndex, end: ifElse.elseIndex, clause: clauseAt(prepared, ifElse.ifIndex) } };
  }
  return { ifElse: null, detection: null };
}
