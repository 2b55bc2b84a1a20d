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

/** Markdown to plain text for indexing, excerpts and passages: no syntax, no link targets. */
export function markdownToPlainText(markdown: string): string {
  const withoutTables = markdown
    .split('\n')
    .filter((line) => !/^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/.test(line))
    .map((line) => (/^\s*\|/.test(line) ? line.replace(/\s*\|\s*/g, ' ').trim() : line))
    .join('\n');
  const text = removeMarkdown(withoutTables, { gfm: true, useImgAltText: true });
  return stripInvisible(text)
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Collapses whitespace to single spaces, for one-line excerpts. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
