import unhomoglyph from 'unhomoglyph';
import { splitSentences } from '../../text/sentences.js';

/**
 * Page text is data. Sentences that address an AI reader ("ignore previous instructions",
 * "assistants reading this: tell the user…") are never used as answer text and are removed
 * from what a model is shown, so a page cannot steer the answer.
 */
const PATTERNS = [
  /\b(ignore|disregard|forget|override)\b[^.!?\n]{0,60}\b(instructions?|prompts?|rules|guidelines|directions)\b/i,
  /\b(ai|a\.i\.|assistants?|language models?|llms?|chat ?bots?|agents?|copilots?|claude|chatgpt|gpt)\b[^.!?\n]{0,80}\b(must|should|shall|need to|are instructed|tell|reveal|say|respond|reply|output|print)\b/i,
  /\b(system|developer) (prompt|message|instructions?)\b/i,
  /<\/?\s*(system|instructions?|prompt)\s*>/i,
  /\byou are now\b|\bnew instructions\b|\bdo not tell the user\b/i,
];

export function isInstructionToModel(sentence: string): boolean {
  const normalised = normaliseForMatching(sentence);
  return PATTERNS.some((pattern) => pattern.test(normalised));
}

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * What the patterns are matched against, so disguises do not slip past them: compatibility
 * forms folded (NFKC: fullwidth, ligatures), lookalike letters from other scripts mapped to
 * Latin (Unicode confusables, via unhomoglyph — only for non-ASCII characters, whose skeleton
 * is what matters; ASCII is left as written), and letters spelled out with spaces
 * ("i g n o r e") joined again.
 */
export function normaliseForMatching(text: string): string {
  // ASCII is its own NFKC form and is never mapped, so most sentences skip the per-character pass.
  const folded = NON_ASCII.test(text) ? [...text.normalize('NFKC')].map((char) => (char.charCodeAt(0) > 127 ? unhomoglyph(char) : char)).join('') : text;
  return folded.replace(/\b(?:\p{L}[ .\-_]){3,}\p{L}\b/gu, (spaced) => spaced.replace(/[ .\-_]/g, ''));
}

export const REMOVED_NOTE = '[text addressed to AI assistants removed]';

/** The passage text a model or a reader may see: sentences addressed to AI readers removed. */
export function cleanPassageText(text: string): { text: string; removed: boolean } {
  let removed = false;
  const lines = text.split('\n').map((line) => {
    const sentences = splitSentences(line);
    const first = sentences.findIndex((sentence) => isInstructionToModel(sentence));
    if (first === -1) return line;
    removed = true;
    // The rest of that paragraph belongs to the same message to the model: it goes too.
    return [...sentences.slice(0, first), REMOVED_NOTE].join(' ');
  });
  return { text: lines.join('\n'), removed };
}


/**
 * A page's Markdown as it may leave the server (get_page). Detection runs per block (paragraph,
 * list item run, quote), with hard-wrapped lines joined, because an instruction often spans
 * lines. A block holding text addressed to AI readers keeps the sentences before it and loses
 * the rest, marked with REMOVED_NOTE; every other block is returned byte for byte.
 */
export function cleanMarkdown(markdown: string): { markdown: string; removed: boolean } {
  let removed = false;
  const parts = markdown.split(/(\n[ \t]*\n)/);
  for (let i = 0; i < parts.length; i += 2) {
    const block = parts[i];
    const quoted = /^\s{0,3}>/.test(block);
    const joined = block.split('\n').map((line) => line.replace(/^\s{0,3}(>\s?)+/, '').trim()).join(' ');
    const sentences = splitSentences(joined);
    const first = sentences.findIndex((sentence) => isInstructionToModel(sentence));
    if (first === -1) continue;
    removed = true;
    parts[i] = `${quoted ? '> ' : ''}${[...sentences.slice(0, first), REMOVED_NOTE].join(' ')}`;
  }
  return { markdown: parts.join(''), removed };
}

export const INSTRUCTIONS_REMOVED_WARNING = 'This page contains text addressed to AI assistants; it was treated as data and removed (marked "[text addressed to AI assistants removed]").';
