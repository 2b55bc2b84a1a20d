import { splitSections } from '../../text/markdown.js';

/**
 * Text-level signals on one page: placeholders and empty sections (incomplete), and dates
 * or years that the text presents as current but that have passed (stale).
 */
const PLACEHOLDERS: RegExp[] = [
  /\b(TBD|TBC|TODO|FIXME)\b/g,
  /\bto be (determined|confirmed|decided|written|added)\b/gi,
  /\blorem ipsum\b/gi,
  /\(?\b(content )?coming soon\b\)?/gi,
  /\bunder construction\b/gi,
  /\[\s*placeholder[^\]]*\]|\bplaceholder text\b/gi,
];

const FENCED = /^(```|~~~)[\s\S]*?^\1/gm;

export function placeholdersIn(markdown: string): string[] {
  const text = markdown.replace(FENCED, ' ').replace(/`[^`\n]*`/g, ' ');
  const found = new Set<string>();
  for (const pattern of PLACEHOLDERS) for (const match of text.matchAll(pattern)) found.add(match[0].trim());
  return [...found];
}

/** Headings with nothing under them before the next heading of the same or a higher level. */
export function emptySections(markdown: string): string[] {
  const sections = splitSections(markdown).filter((s) => s.level > 0);
  const empty: string[] = [];
  sections.forEach((section, index) => {
    const body = section.markdown.replace(/^[^\n]*\n?/, '').trim();
    if (body !== '') return;
    const next = sections[index + 1];
    if (next === undefined || next.level <= section.level) empty.push(section.heading);
  });
  return empty;
}

/**
 * True when the page says nothing besides its headings: no word is left once placeholders
 * ("TBD", "coming soon") are taken out. Length is no measure: "We release every Tuesday." is a
 * whole answer, not a gap.
 */
export function onlyHeadings(markdown: string): boolean {
  let text = splitSections(markdown)
    .map((s) => (s.level > 0 ? s.markdown.replace(/^[^\n]*\n?/, '') : s.markdown))
    .join(' ');
  for (const pattern of PLACEHOLDERS) text = text.replace(pattern, ' ');
  return !/[\p{L}\p{N}]/u.test(text);
}

const MONTHS = 'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec';
const DATE = `(\\d{4}-\\d{2}-\\d{2}|(?:${MONTHS})\\.? \\d{1,2},? \\d{4}|\\d{1,2} (?:${MONTHS})\\.? \\d{4}|Q[1-4] \\d{4}|(?:${MONTHS}) \\d{4})`;
const EXPIRING = new RegExp(
  `\\b(valid (?:until|through|thru|till)|effective (?:until|through)|expires?(?: on)?|review(?:ed)? (?:by|before|due)|next review(?: date)?(?: is| due)?|review date|until)[:\\s]+${DATE}`,
  'gi',
);
const AS_OF = /\b(as of|current(?:ly)? as of|accurate as of|up to date as of)\s+(?:[a-z]+\s+)?(\d{4})\b/gi;

function parseDate(text: string): Date | undefined {
  const quarter = /^Q([1-4]) (\d{4})$/i.exec(text);
  if (quarter) return new Date(Date.UTC(Number(quarter[2]), Number(quarter[1]) * 3, 0));
  const monthYear = new RegExp(`^(${MONTHS})\\.? (\\d{4})$`, 'i').exec(text);
  if (monthYear) {
    const start = new Date(`${monthYear[1]} 1, ${monthYear[2]} UTC`);
    return Number.isNaN(start.getTime()) ? undefined : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0));
  }
  const time = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : `${text} UTC`);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/** Phrases such as "valid until 2025-06-30" or "as of 2023" whose date has passed. */
export function expiredStatements(markdown: string, now: Date): string[] {
  const text = markdown.replace(FENCED, ' ');
  const found: string[] = [];
  for (const match of text.matchAll(EXPIRING)) {
    const date = parseDate(match[2]);
    if (date && date.getTime() < now.getTime()) found.push(match[0].trim());
  }
  for (const match of text.matchAll(AS_OF)) {
    if (Number(match[2]) < now.getUTCFullYear() - 1) found.push(match[0].trim());
  }
  return [...new Set(found)];
}

/** A title naming a past year as its subject ("Public holidays 2024"). */
export function pastYearInTitle(title: string, now: Date): string | undefined {
  const years = [...title.matchAll(/\b(19|20)\d{2}\b/g)].map((m) => Number(m[0]));
  const latest = Math.max(...years);
  return years.length > 0 && latest < now.getUTCFullYear() ? String(latest) : undefined;
}

export function internalLinks(markdown: string): string[] {
  return [...new Set([...markdown.matchAll(/\(confluence-page:(\d+)(?:#[^)]*)?\)/g)].map((m) => m[1]))];
}
