import type { RuleResolver } from './resolution.js';
import { findRefs } from './resolution.js';
import type { SimplifiedRule } from './rule-schema.js';
import { normalizePrompt } from './text.js';

/**
 * Names the offline reading cut short or let run on ("Health" for "Health and safety", "Product
 * roadmap until someone" for "Product roadmap"): when a page title or space name does not resolve,
 * the spans of the request that start where it starts are tried, longest first, and the first one
 * the site knows replaces it. Lookups go through the same policy-scoped resolver as resolution, so
 * a name the user may not see is never found this way either. Nothing is replaced when no span
 * resolves: the reference then stays unresolved for the reviewer, as before.
 */

/** Words a page or space name does not run across. */
const SPAN_STOP = /^(?:when|whenever|if|then|once|after|before|until|unless|because|while|so|but|every|each|with|to|into|under|in|on|from|for|by|at|is|are|was|were|and\s+then|titled|called|named|labell?ed|tagged)$/i;
const MAX_EXTRA_WORDS = 4;

/** Spans that start at the name: grown across "and"/"&" and further words, or cut before a word no name runs across. */
export function candidateSpans(prompt: string, name: string): string[] {
  const text = normalizePrompt(prompt);
  const at = text.toLowerCase().indexOf(name.toLowerCase());
  if (at < 0) return [];
  const words = text.slice(at).split(/[,;.!?:()"']/)[0].trim().split(/\s+/);
  const own = name.trim().split(/\s+/).length;
  const out: string[] = [];
  // Longer spans first: up to MAX_EXTRA_WORDS more words, never ending on a joining word.
  for (let n = Math.min(words.length, own + MAX_EXTRA_WORDS); n > own; n--) {
    const extra = words.slice(own, n);
    if (extra.some((w, i) => SPAN_STOP.test(w) && !(/^(?:and|&)$/i.test(w) && i < extra.length - 1))) continue;
    if (/^(?:and|&|or|of|the)$/i.test(words[n - 1])) continue;
    out.push(words.slice(0, n).join(' '));
  }
  // Shorter only where the name ran on across a word no name runs across ("Product roadmap until someone"):
  // never a guess at a different, shorter page.
  for (let n = own - 1; n >= 1; n--) {
    if (SPAN_STOP.test(words[n]) && !/^(?:and|&|or|of|the)$/i.test(words[n - 1])) out.push(words.slice(0, n).join(' '));
  }
  return out.filter((s) => s.toLowerCase() !== name.toLowerCase());
}

export async function repairSpans(rule: SimplifiedRule, prompt: string, resolver: RuleResolver): Promise<void> {
  for (const found of findRefs(rule)) {
    const ref = found.value as Record<string, unknown>;
    const field = found.kind === 'page' && typeof ref.pageTitle === 'string' ? 'pageTitle' : found.kind === 'space' && typeof ref.spaceName === 'string' ? 'spaceName' : null;
    if (!field) continue;
    const name = ref[field] as string;
    const spaceKeys = typeof ref.spaceKey === 'string' ? [ref.spaceKey] : undefined;
    const known = async (value: string) =>
      field === 'pageTitle'
        ? (await resolver.findPages(value, spaceKeys)).some((p) => p.title.toLowerCase() === value.toLowerCase())
        : (await resolver.findSpaces({ spaceName: value })).some((s) => s.name.toLowerCase() === value.toLowerCase());
    try {
      if (await known(name)) continue;
      for (const span of candidateSpans(prompt, name)) {
        if (await known(span)) {
          ref[field] = span;
          break;
        }
      }
    } catch {
      // A failed lookup leaves the name as read; resolution reports it.
    }
  }
}
