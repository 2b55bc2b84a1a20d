import { findLabels, valueAfter } from '../entities.js';
import { clauseAt, COUNT, parseCount, toLabel, unitToDays, unmask, type PreparedPrompt } from '../text.js';
import { BLOG_N, PAGE_N } from './vocabulary.js';

/**
 * Readers for filters on pages: age ("older than 90 days"), labels ("labelled x", "has the
 * approved label", a hyphenated label as adjective) and title comparisons. Both the conditions pass
 * and the branch pass ask the same questions of the prompt, so the readers are shared; the caller
 * decides whether an answer becomes a condition or a branch criterion.
 */

const AGE_RE = new RegExp(
  `(?:\\bolder\\s+than|(?:\\bnot|n't|\\bnever)\\s+(?:been\\s+)?(?:updated|edited|modified|touched|changed|viewed|looked\\s+at|reviewed)\\s+(?:in|for|since|within)(?:\\s+(?:over|more\\s+than|the\\s+(?:last|past)|at\\s+least))?|\\b(?:last\\s+)?(?:updated|edited|modified|changed|touched)\\s+(?:more\\s+than|over|at\\s+least)|\\bstale\\s+for(?:\\s+(?:over|more\\s+than))?|\\buntouched\\s+for(?:\\s+(?:over|more\\s+than))?|\\binactive\\s+for(?:\\s+(?:over|more\\s+than))?|\\bno\\s+(?:updates?|edits?|changes?|activity)\\s+(?:in|for)(?:\\s+(?:over|more\\s+than|the\\s+(?:last|past)))?|\\b(?:nobody|no\\s+one|no-one)\\s+(?:has\\s+|have\\s+)?(?:updated|edited|modified|touched|changed|viewed|opened|looked\\s+at)(?:\\s+(?:it|them))?\\s+(?:in|for|since|within)(?:\\s+(?:over|more\\s+than|the\\s+(?:last|past)|at\\s+least))?|\\bcreated\\s+(?:more\\s+than|over|at\\s+least))\\s+${COUNT}\\s+(days?|weeks?|months?|years?)\\b|\\b(?:a|one)\\s+(year|month|week)\\s+old\\b|\\b${COUNT}[- ](days?|weeks?|months?|years?)[- ]old\\b`,
  'g',
);

interface AgeFilter {
  field: 'lastUpdatedMoreThanDaysAgo' | 'createdMoreThanDaysAgo';
  days: number;
  index: number;
}

export function findAge(p: PreparedPrompt): AgeFilter | null {
  for (const m of p.lower.matchAll(AGE_RE)) {
    const count = m[1] ? parseCount(m[1]) : 1;
    const unit = m[2] ?? m[3] ?? m[5];
    const num = m[4] ? parseCount(m[4]) : count;
    if (num === null || !unit) continue;
    const created = /\bcreated\b/.test(m[0]);
    return { field: created ? 'createdMoreThanDaysAgo' : 'lastUpdatedMoreThanDaysAgo', days: unitToDays(num, unit), index: m.index! };
  }
  if (/\b(?:stale|outdated|out-of-date|out of date)\b/.test(p.lower)) return null;
  return null;
}

const LABEL_BEFORE_NOUN =
  /\b(has|have|having|with|carries|carrying|bears|bearing|that\s+(?:has|have)|without|lacking|missing)\s+(?:both\s+|either\s+)?(?:the\s+|a\s+|an\s+)?((?:«q\d+»|[a-z0-9][\w-]*)(?:\s*(?:,|and|&|or)\s*(?:the\s+)?(?:«q\d+»|[a-z0-9][\w-]*))*)\s+(?:labels?|tags?)\b(?!\s+(?:«q\d+»|[a-z0-9][\w-]*\s*(?:$|[,;.]|\b(?:is|are|gets?|to|and|then)\b)))/g;
const NOT_A_LABEL_NAME = /^(?:the|a|an|same|new|following|right|any|no|some|that|this|its|their|one|two|both|either|page|space|whole|correct|wrong|old)$/;

export function findFilterLabels(p: PreparedPrompt, excludeRanges: Array<[number, number]>): { labels: string[]; negated: string[]; index: number } | null {
  const labels: string[] = [];
  const negated: string[] = [];
  let index = -1;
  const re = /\b(?:(?:has|have|having|with|carries|carrying|bears|bearing|without|lacking|missing|not\s+labell?ed|that\s+(?:has|have))\s+(?:the\s+|a\s+|an\s+)?(?:«q\d+»\s+)?(?:label|tag)s?\b|\b(?:(?:isn't|aren't|wasn't|is\s+not|are\s+not|hasn't\s+been|has\s+not\s+been|not|never\s+been)\s+)?(?:labell?ed|tagged)\b)/g;
  for (const m of p.lower.matchAll(re)) {
    if (excludeRanges.some(([s, e]) => m.index! >= s && m.index! < e)) continue;
    // "a button labelled 'Request review'" names the button.
    if (/\bbutton\s*$/.test(p.lower.slice(Math.max(0, m.index! - 8), m.index!))) continue;
    const clause = p.clauses[clauseAt(p, m.index!)];
    // The labels a step adds or removes later in the clause are not the filter's ("labelled triage … and add the label done").
    const stepAfter = excludeRanges.filter(([s]) => s > m.index!).map(([s]) => s);
    const found = findLabels(p, Math.max(clause.start, m.index! - 20), Math.min(clause.end, ...stepAfter));
    // "it isn't labelled frozen", "has not been tagged x": a negated state filters the label out.
    const neg = /^(?:without|lacking|missing|not|never|isn't|aren't|wasn't|is\s+not|are\s+not|hasn't|has\s+not)/.test(m[0]);
    for (const l of found) (neg ? negated : labels).includes(l) || (neg ? negated : labels).push(l);
    if (found.length && index === -1) index = m.index!;
  }
  // The label named before its noun: "has the approved label", "has both the contract and signed labels".
  for (const m of p.lower.matchAll(LABEL_BEFORE_NOUN)) {
    if (excludeRanges.some(([s, e]) => m.index! >= s && m.index! < e)) continue;
    const names = m[2].split(/\s*(?:,|\band\b|&|\bor\b)\s*(?:the\s+)?/).map((n) => n.trim()).filter((n) => n && !NOT_A_LABEL_NAME.test(n));
    if (!names.length) continue;
    const neg = /^(?:without|lacking|missing)/.test(m[1]);
    for (const n of names) {
      const label = toLabel(n.startsWith('«') ? unmask(p, n) : n);
      if (label && !(neg ? negated : labels).includes(label)) (neg ? negated : labels).push(label);
    }
    if (index === -1) index = m.index!;
  }
  // A hyphenated label as the page's adjective: "if a customer-facing page is changed".
  for (const m of p.lower.matchAll(HYPHEN_LABEL_BEFORE_PAGE)) {
    const at = m.index! + m[0].indexOf(m[1]);
    if (excludeRanges.some(([s, e]) => at >= s && at < e) || COMMON_COMPOUND.test(m[1]) || labels.includes(m[1])) continue;
    labels.push(m[1]);
    if (index === -1) index = m.index!;
  }
  return labels.length || negated.length ? { labels, negated, index } : null;
}

const HYPHEN_LABEL_BEFORE_PAGE = new RegExp(`\\b(?:a|an|any|every|each)\\s+([a-z0-9]+(?:-[a-z0-9]+)+)\\s+(?:${PAGE_N}|${BLOG_N})\\b`, 'g');
/** Hyphenated words that describe any page rather than name a label. */
const COMMON_COMPOUND = /^(?:brand-new|top-level|high-level|low-level|well-known|so-called|up-to-date|out-of-date|long-running|read-only|one-off|sub-page|half-finished|half-done|work-in-progress|in-progress|non-[a-z]+|re-[a-z]+|self-[a-z]+|long-form|short-form|one-page|two-page|multi-[a-z]+|full-page|single-page)$/;

const TITLE_OPS: Array<[RegExp, string]> = [
  [/doesn't\s+contain|does\s+not\s+contain|don't\s+contain|do\s+not\s+contain|not\s+containing|without/, 'NOT_CONTAINS'],
  [/starts?\s+with|begins?\s+with|starting\s+with|beginning\s+with|prefixed\s+(?:with|by)/, 'STARTS_WITH'],
  [/ends?\s+with|ending\s+(?:with|in)/, 'ENDS_WITH'],
  [/matches(?:\s+the)?\s+(?:regex|pattern|regular\s+expression)/, 'REGEX_MATCHES'],
  [/is\s+not|isn't|not\s+equal/, 'NOT_EQUALS'],
  [/contains?|includes?|has|containing|including|mentions?|with/, 'CONTAINS'],
  [/is|equals|=|exactly|titled|named|called/, 'EQUALS'],
];

export function operatorFor(text: string): string {
  for (const [re, op] of TITLE_OPS) if (re.test(text)) return op;
  return 'CONTAINS';
}

interface TitleFilter {
  operator: string;
  value: string;
  index: number;
  end: number;
}

const EVENT_PARTICIPLE = /^(?:published|created|edited|updated|changed|modified|moved|copied|archived|deleted|labell?ed|tagged|commented|added|removed|renamed|set|empty|missing|blank)$/i;

export function findTitleFilters(p: PreparedPrompt, skip: (index: number) => boolean): TitleFilter[] {
  const out: TitleFilter[] = [];
  const re =
    /\b(?:page\s+|its\s+|the\s+|page's\s+|whose\s+|with\s+a\s+|with\s+the\s+|their\s+|post's\s+|blog's\s+)?titles?\s+(?:of\s+(?:the|a|an|this|that|each|every|any)\s+(?:[\w-]+\s+){0,3}?(?:page|post|blog\s*post|document|doc)\s+)?(?:that\s+)?(doesn't\s+contain|does\s+not\s+contain|don't\s+contain|do\s+not\s+contain|is\s+not\s+containing|isn't\s+containing|is\s+not\s+including|contains?|includes?|has|starts?\s+with|begins?\s+with|ends?\s+with|is\s+not|isn't|is\s+exactly|is|equals|matches(?:\s+the)?\s+(?:regex|pattern|regular\s+expression)|=|containing|including|starting\s+with|beginning\s+with|ending\s+(?:with|in)|mentions?)(?![\w'])\s*/g;
  for (const m of p.lower.matchAll(re)) {
    if (skip(m.index!)) continue;
    const value = valueAfter(p, m.index! + m[0].length);
    // "a title that is published" describes an event, it names no title text.
    if (value && /^is\b|^=$|^equals$/.test(m[1]) && EVENT_PARTICIPLE.test(value)) continue;
    if (value) out.push({ operator: operatorFor(m[1]), value, index: m.index!, end: m.index! + m[0].length });
  }
  for (const m of p.lower.matchAll(/\b(?:with|having|containing|has|have)\s+(«q\d+»|[\w-]+)\s+in\s+(?:the|its|their)\s+(?:page\s+)?title\b/g)) {
    if (skip(m.index!)) continue;
    const value = valueAfter(p, m.index! + m[0].indexOf(m[1]), 1);
    if (value) out.push({ operator: 'CONTAINS', value, index: m.index!, end: m.index! + m[0].length });
  }
  for (const m of p.lower.matchAll(/\b(titled|named|called)\s+/g)) {
    if (skip(m.index!)) continue;
    // "a button called 'Request review'", "a channel named ops" name that thing, not a page title.
    if (/\b(?:button|rule|automation|channel|group|team|label|tag|space|template|variable|user|person)\s+$/.test(p.lower.slice(Math.max(0, m.index! - 12), m.index!))) continue;
    const value = valueAfter(p, m.index! + m[0].length);
    if (value) out.push({ operator: 'EQUALS', value, index: m.index!, end: m.index! + m[0].length });
  }
  return out;
}
