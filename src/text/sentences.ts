/**
 * Sentences of plain text: cut after . ! ? before a capital, digit, quote or bracket, and at
 * line breaks. Linear in the text's length (one regex pass, no backtracking across sentences).
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}"'(])|\n+/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '');
}
