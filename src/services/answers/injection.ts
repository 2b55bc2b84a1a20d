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
  return PATTERNS.some((pattern) => pattern.test(sentence));
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

