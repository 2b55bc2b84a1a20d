import type { Page } from '../../domain/types.js';
import { markdownToPlainText, splitSections } from '../../text/markdown.js';
import { splitSentences } from '../../text/sentences.js';
import { tokenize } from '../../text/terms.js';
import { cleanPassageText } from './injection.js';

export { splitSentences };

export interface Passage {
  /** Stable within a page version: `<pageId>#<index>`. */
  key: string;
  pageId: string;
  title: string;
  spaceKey: string;
  /** The heading of the section the passage sits in ('' before the first heading). */
  heading: string;
  /** Plain text, what is ranked, quoted and cited; text addressed to AI readers already removed. */
  text: string;
  /** Whether such text was removed from it. */
  cleaned?: boolean;
}

/** A passage as embedding and the missing-word check read it: page title, section heading and text. */
export function passageWithContext(passage: Passage): string {
  return `${passage.title} ${passage.heading} ${passage.text}`;
}

const contextTokens = new WeakMap<Passage, string[]>();

/**
 * tokenize(passageWithContext(passage)), computed once per passage (passages live in the page
 * cache): the embedding and the missing-word check of an answer both read it. Shared: read only.
 */
export function passageTokens(passage: Passage): string[] {
  let tokens = contextTokens.get(passage);
  if (!tokens) {
    tokens = tokenize(passageWithContext(passage));
    contextTokens.set(passage, tokens);
  }
  return tokens;
}

const TARGET_CHARS = 700;
const MAX_CHARS = 1100;
/** Markdown converted to text at a time (remove-markdown's regexes are not linear on huge inputs). */
const MAX_MARKDOWN_CHARS = 8_000;

/**
 * Splits a page into passages: by section, then by paragraph, merging short neighbours up to
 * a target size and cutting long paragraphs at sentence ends. Passages keep their section
 * heading so ranking can boost it and citations can name it.
 */
export function splitIntoPassages(page: Page): Passage[] {
  return [...passagesOf(page)];
}

/**
 * The same, without holding the event loop: a huge page (any editor can paste megabytes into
 * one paragraph) is split in slices of at most `sliceMs` of work, so other sessions of an HTTP
 * server keep being answered meanwhile.
 */
export async function splitIntoPassagesCooperatively(page: Page, sliceMs = 8): Promise<Passage[]> {
  const passages: Passage[] = [];
  let started = performance.now();
  for (const passage of passagesOf(page)) {
    passages.push(passage);
    if (performance.now() - started > sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      started = performance.now();
    }
  }
  return passages;
}

/** Passages one at a time; each piece of Markdown is converted only when it is reached. */
function* passagesOf(page: Page): Generator<Passage> {
  let count = 0;
  for (const section of splitSections(page.body)) {
    const body = section.level > 0 ? section.markdown.replace(/^[^\n]*\n?/, '') : section.markdown;
    let buffer = '';
    const flush = (): Passage | undefined => {
      const text = buffer.trim();
      buffer = '';
      if (text === '') return undefined;
      const cleaned = cleanPassageText(text);
      return {
        key: `${page.id}#${count++}`,
        pageId: page.id,
        title: page.title,
        spaceKey: page.spaceKey,
        heading: section.heading,
        text: cleaned.text,
        ...(cleaned.removed ? { cleaned: true } : {}),
      };
    };
    for (const block of body.split(/\n\s*\n/)) {
      // Converted in bounded pieces: a page editor's 3 MB paragraph costs linear time, not quadratic.
      for (const piece of block.length > MAX_MARKDOWN_CHARS ? cutAtSpaces(block, MAX_MARKDOWN_CHARS) : [block]) {
        const text = markdownToPlainText(piece);
        if (text === '') continue;
        for (const paragraph of text.length > MAX_CHARS ? splitLong(text) : [text]) {
          if (buffer !== '' && buffer.length + paragraph.length > TARGET_CHARS) {
            const passage = flush();
            if (passage) yield passage;
          }
          buffer = buffer === '' ? paragraph : `${buffer}\n${paragraph}`;
        }
      }
    }
    const last = flush();
    if (last) yield last;
  }
}

/** Pieces of at most `max` characters, cut at the last whitespace before the limit when there is one. */
export function cutAtSpaces(text: string, max: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (text.length - start > max) {
    const window = text.slice(start, start + max);
    const space = Math.max(window.lastIndexOf(' '), window.lastIndexOf('\n'));
    const end = space > max / 2 ? start + space : start + max;
    out.push(text.slice(start, end));
    start = end;
  }
  out.push(text.slice(start));
  return out.map((piece) => piece.trim()).filter((piece) => piece !== '');
}

function splitLong(text: string): string[] {
  const out: string[] = [];
  let current = '';
  // A "sentence" with no full stop for thousands of characters is cut at spaces like any other text.
  const sentences = splitSentences(text).flatMap((sentence) => (sentence.length > MAX_CHARS ? cutAtSpaces(sentence, TARGET_CHARS) : [sentence]));
  for (const sentence of sentences) {
    if (current !== '' && current.length + sentence.length > TARGET_CHARS) {
      out.push(current);
      current = '';
    }
    current = current === '' ? sentence : `${current} ${sentence}`;
  }
  if (current !== '') out.push(current);
  return out;
}
