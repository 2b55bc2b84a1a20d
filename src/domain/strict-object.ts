import { z } from 'zod';

/**
 * A strict object whose refusal of unknown keys says what went wrong and what would be
 * right: `unknown argument "extra"; approve_draft accepts: draftId, revision`. Used for every
 * tool input (defineTool) and for the fixed-shape objects nested in them, so an agent's typo
 * is refused instead of silently dropped. `where` names the object (a tool, "rule", "a step").
 */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape, where: string): z.ZodObject<Shape, z.core.$strict> {
  const accepted = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, accepted, where) : undefined),
  });
}

export function unknownKeysMessage(keys: readonly string[], accepted: readonly string[], where: string): string {
  const named = keys.map((key) => JSON.stringify(key)).join(', ');
  const list = accepted.length ? `accepts: ${accepted.join(', ')}` : 'accepts no arguments';
  return `unknown argument${keys.length === 1 ? '' : 's'} ${named}; ${where} ${list}`;
}
