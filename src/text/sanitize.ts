/**
 * Confluence text is data shown to a model. Invisible and bidirectional control characters
 * can hide instructions or reorder what a reader sees, so they are removed everywhere text
 * leaves a source.
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}
