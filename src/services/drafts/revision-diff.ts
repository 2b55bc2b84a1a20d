import { diffLines } from 'diff';
import { previewIssue, type JiraDraftPayload } from './jira-issue.js';
import { canonicalJson } from '../../store/draft-store.js';

export interface DiffLine {
  kind: 'add' | 'del' | 'ctx' | 'gap';
  text: string;
}

/**
 * What a reviewer compares between revisions: the issue preview for Jira drafts (what will be
 * created), the canonical JSON of the payload for other kinds.
 */
export function revisionText(kind: string, payload: unknown): string {
  if (kind === 'jira' && payload && typeof payload === 'object' && 'summary' in payload) return previewIssue(payload as JiraDraftPayload);
  return JSON.stringify(JSON.parse(canonicalJson(payload ?? null)), null, 2);
}

/** A line diff with `context` unchanged lines around each change; longer unchanged runs fold into a gap line. */
export function lineDiff(before: string, after: string, context = 2): DiffLine[] {
  const lines: DiffLine[] = [];
  for (const change of diffLines(before, after)) {
    const kind = change.added ? 'add' : change.removed ? 'del' : 'ctx';
    const values = change.value.replace(/\n$/, '').split('\n');
    for (const text of values) lines.push({ kind, text });
  }
  const near = lines.map((line, index) =>
    line.kind !== 'ctx' || lines.slice(Math.max(0, index - context), index + context + 1).some((other) => other.kind !== 'ctx'),
  );
  const out: DiffLine[] = [];
  let hidden = 0;
  lines.forEach((line, index) => {
    if (near[index]) {
      if (hidden) out.push({ kind: 'gap', text: `… ${hidden} unchanged line${hidden === 1 ? '' : 's'}` });
      hidden = 0;
      out.push(line);
    } else hidden++;
  });
  if (hidden) out.push({ kind: 'gap', text: `… ${hidden} unchanged line${hidden === 1 ? '' : 's'}` });
  return out;
}
