import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Role } from '../../policies/tool-access.js';

/**
 * The team server's tokens file: a JSON array of `{tokenSha256, user, role}`. Only the SHA-256
 * of each bearer token is stored, never the token itself. Strict like the policy file: an
 * unknown key or a malformed hash is an error, because a typo must not widen access.
 */
const Sha256Hex = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be the hex SHA-256 of the token (64 hex characters)')
  .transform((hex) => hex.toLowerCase());

const TokenEntrySchema = z.strictObject({
  tokenSha256: Sha256Hex,
  user: z.string().trim().min(1, 'must name a user: accountId, email or display name'),
  role: z.enum(['agent', 'reviewer']),
});

const TokensFileSchema = z
  .array(TokenEntrySchema)
  .min(1, 'lists no tokens')
  .superRefine((entries, ctx) => {
    const seen = new Map<string, number>();
    entries.forEach((entry, index) => {
      const first = seen.get(entry.tokenSha256);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: [index, 'tokenSha256'], message: `same token as entry ${first}` });
      } else {
        seen.set(entry.tokenSha256, index);
      }
    });
  });

export interface TokenEntry {
  /** Position in the file, for messages that must not show the hash. */
  index: number;
  tokenSha256: string;
  user: string;
  role: Role;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Parses tokens-file text; throws an Error listing every problem by entry and key (never a hash value). */
export function parseTokensFile(text: string, origin: string): TokenEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`tokens file ${origin} is not valid JSON: ${(error as Error).message}`);
  }
  const result = TokensFileSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const [index, ...rest] = issue.path;
      const where = typeof index === 'number' ? `entry ${index}${rest.length > 0 ? `.${rest.join('.')}` : ''}` : '(root)';
      return `  - ${where}: ${issue.message}`;
    });
    throw new Error(`tokens file ${origin} is invalid:\n${problems.join('\n')}`);
  }
  return result.data.map((entry, index) => ({ index, ...entry }));
}

export function loadTokensFile(file: string): TokenEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read tokens file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseTokensFile(text, file);
}
