import type { Page } from '../../domain/types.js';
import { markdownToPlainText, splitSections } from '../../text/markdown.js';

export interface Passage {
  /** Stable within a page version: `<pageId>#<index>`. */
  key: string;
  pageId: string;
  title: string;
  spaceKey: string;
  /** The heading of the section the passage sits in ('' before the first heading). */
  heading: string;
  /** Plain text, what is ranked, quoted and cited. */
  text: string;
}

const TARGET_CHARS = 700;
const MAX_CHARS = 1100;

/**
 * Splits a page into passages: by section, then by paragraph, merging short neighbours up to
 * a target size and cutting long paragraphs at sentence ends. Passages keep their section
 * heading so ranking can boost it and citations can name it.
 */
export function splitIntoPassages(page: Page): Passage[] {
  const passages: Passage[] = [];
  for (const section of splitSections(page.body)) {
    const body = section.level > 0 ? section.markdown.replace(/^[^\n]*\n?/, '') : section.markdown;
    const paragraphs = body
      .split(/\n\s*\n/)
      .map((paragraph) => markdownToPlainText(paragraph))
      .filter((text) => text !== '')
      .flatMap((text) => (text.length > MAX_CHARS ? splitLong(text) : [text]));
    let buffer = '';
    const flush = () => {
      if (buffer.trim() === '') return;
      passages.push({
        key: `${page.id}#${passages.length}`,
        pageId: page.id,
        title: page.title,
        spaceKey: page.spaceKey,
        heading: section.heading,
        text: buffer.trim(),
      });
      buffer = '';
    };
    for (const paragraph of paragraphs) {
      if (buffer !== '' && buffer.length + paragraph.length > TARGET_CHARS) flush();
      buffer = buffer === '' ? paragraph : `${buffer}\n${paragraph}`;
    }
    flush();
  }
  return passages;
}

export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}"'(])|\n+/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '');
}

function splitLong(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const sentence of splitSentences(text)) {
    if (current !== '' && current.length + sentence.length > TARGET_CHARS) {
      out.push(current);
      current = '';
    }
    current = current === '' ? sentence : `${current} ${sentence}`;
  }
  if (current !== '') out.push(current);
  return out;
}
