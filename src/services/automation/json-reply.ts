/**
 * Pulls one JSON value out of a model reply: tolerates code fences, prose around the JSON,
 * and trailing commas. Returns undefined when there is no parseable JSON.
 */
export function parseJsonReply(reply: string): unknown {
  const text = reply.replace(/^\uFEFF/, '').trim();
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const candidates = [fenced?.[1], text, ...balancedSpans(text)].filter((c): c is string => typeof c === 'string' && c.trim() !== '');
  for (const c of candidates) {
    for (const attempt of [c, c.replace(/,\s*([}\]])/g, '$1')]) {
      try {
        return JSON.parse(attempt.trim());
      } catch {
        // try the next candidate
      }
    }
  }
  return undefined;
}

/** Balanced {…} / […] spans, outermost first, respecting strings. */
function balancedSpans(text: string): string[] {
  const spans: string[] = [];
  for (let start = 0; start < text.length; start++) {
    const open = text[start];
    if (open !== '{' && open !== '[') continue;
    const close = open === '{' ? '}' : ']';
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') inString = true;
      else if (ch === open) depth++;
      else if (ch === close && --depth === 0) {
        spans.push(text.slice(start, i + 1));
        start = i;
        break;
      }
    }
    if (spans.length >= 3) break;
  }
  return spans;
}
