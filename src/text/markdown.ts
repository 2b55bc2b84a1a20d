import removeMarkdown from 'remove-markdown';
import { stripInvisible } from './sanitize.js';

export interface MarkdownSection {
  /** Heading text, or '' for the text before the first heading. */
  heading: string;
  level: number;
  /** The section's Markdown including its heading line. */
  markdown: string;
}

const FENCE = /^\s{0,3}(```|~~~)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;

/**
 * Splits Markdown at ATX headings (outside code fences). Each section runs to the next
 * heading of any level, so sections never nest and concatenating them gives the page back.
 */
export function splitSections(markdown: string): MarkdownSection[] {
  const sections: MarkdownSection[] = [];
  let current: MarkdownSection = { heading: '', level: 0, markdown: '' };
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (FENCE.test(line)) inFence = !inFence;
    const match = inFence ? null : HEADING.exec(line);
    if (match) {
      if (current.markdown.trim() !== '' || current.heading !== '') sections.push(current);
      current = { heading: match[2].trim(), level: match[1].length, markdown: `${line}\n` };
    } else {
      current.markdown += `${line}\n`;
    }
  }
  if (current.markdown.trim() !== '' || current.heading !== '') sections.push(current);
  return sections.map((section) => ({ ...section, markdown: section.markdown.replace(/\n+$/, '\n') }));
}

export function headingsOf(markdown: string): string[] {
  return splitSections(markdown)
    .filter((section) => section.level > 0)
    .map((section) => section.heading);
}

const TABLE_RULE = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;
const BLOCK_START = /^\s*([-*+]\s|\d+[.)]\s|\||#{1,6}\s|```|~~~)/;

/**
 * Joins hard-wrapped lines into one line per paragraph, list item or table row, and drops
 * blockquote markers, so a sentence is never split by the editor's line width.
 */
export function unwrapLines(markdown: string): string {
  const out: string[] = [];
  let inFence = false;
  let previousQuoted = false;
  for (const raw of markdown.split('\n')) {
    const quoted = !inFence && /^\s{0,3}>/.test(raw);
    const line = quoted ? raw.replace(/^\s{0,3}(>\s?)+/, '') : raw;
    if (FENCE.test(line)) inFence = !inFence;
    const previous = out.length > 0 ? out[out.length - 1] : undefined;
    const continues =
      !inFence && previous !== undefined && previous.trim() !== '' && line.trim() !== '' && quoted === previousQuoted &&
      !BLOCK_START.test(line) && !/^\s*\|/.test(previous) && !HEADING.test(previous) && !FENCE.test(previous);
    if (continues) out[out.length - 1] = `${previous.trimEnd()} ${line.trim()}`;
    else out.push(line);
    previousQuoted = quoted;
  }
  return out.join('\n');
}

/**
 * Tables become one line per row that names its columns ("City: Eindhoven; Nightly limit:
 * €140"), so each row reads as a self-contained statement for search and answers.
 */
function tablesToStatements(lines: string[]): string[] {
  const out: string[] = [];
  const cells = (line: string) => line.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((cell) => cell.trim());
  for (let i = 0; i < lines.length; i++) {
    const isTable = /^\s*\|/.test(lines[i]) && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1]);
    if (!isTable) {
      if (!TABLE_RULE.test(lines[i]) || !/\|/.test(lines[i])) out.push(lines[i]);
      continue;
    }
    const header = cells(lines[i]);
    i += 2;
    for (; i < lines.length && /^\s*\|/.test(lines[i]); i++) {
      const row = cells(lines[i]);
      const parts = row
        .map((value, column) => (value === '' ? '' : header[column] ? `${header[column]}: ${value}` : value))
        .filter((part) => part !== '');
      if (parts.length > 0) out.push(`${parts.join('; ')}${/[.!?]$/.test(parts[parts.length - 1]) ? '' : '.'}`);
    }
    i--;
  }
  return out;
}

/** Keeps `<placeholders>` in code spans from being taken for HTML tags and removed. */
function protectCode(markdown: string): string {
  return markdown.replace(/`([^`\n]+)`/g, (_match, code: string) => code.replace(/</g, '\uE000').replace(/>/g, '\uE001'));
}

/** Markdown to plain text for indexing, excerpts and passages: no syntax, no link targets. */
export function markdownToPlainText(markdown: string): string {
  const prepared = tablesToStatements(unwrapLines(protectCode(markdown)).split('\n')).join('\n');
  const text = removeMarkdown(prepared, { gfm: true, useImgAltText: true }).replace(/\uE000/g, '<').replace(/\uE001/g, '>');
  return stripInvisible(text)
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Collapses whitespace to single spaces, for one-line excerpts. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
