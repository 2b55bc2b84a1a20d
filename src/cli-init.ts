import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { normalizeSpaceKey } from '../policies/space-key.js';
import type { CliContext } from './cli-options.js';
import { startFailure } from './cli-serve.js';
import { commonFlags } from './cli-flags.js';
import { type StewardConfig, resolveConfig } from './config.js';
import { openSource } from './runtime.js';

/** What a starter policy names when the source shows no spaces: valid, but matches nothing until edited. */
export const PLACEHOLDER_SPACE = 'YOUR_SPACE_KEY';

/**
 * `confluence-steward init [--policy FILE] [--force]`: lists the source's spaces and writes a
 * read-only starter policy reading them. JSON has no comments, so the explanation goes into the
 * policy's `$comment` (the one key the schema accepts for people, top level only) and, longer, to
 * stderr. An existing file is never overwritten without `--force`.
 */
export async function runInit(context: CliContext): Promise<number> {
  let config: StewardConfig;
  try {
    config = resolveConfig(commonFlags(context.values), process.env);
  } catch (error) {
    context.err(`cannot init: ${(error as Error).message}`);
    return 1;
  }
  // Never the shipped default: a starter policy goes where the user said, else ./policy.json.
  const given = context.values.policy?.trim() || process.env.STEWARD_POLICY?.trim();
  const file = resolve(given || 'policy.json');

  let keys: string[];
  let personal = 0;
  let where: string;
  try {
    const source = await openSource(config);
    try {
      where = source.describe();
      const listed = (await source.listSpaces()).map((space) => normalizeSpaceKey(space.key)).filter((key): key is string => key !== undefined);
      personal = listed.filter((key) => key.startsWith('~')).length;
      keys = [...new Set(listed.filter((key) => !key.startsWith('~')))].sort();
    } finally {
      await source.close();
    }
  } catch (error) {
    context.err(`cannot init: ${startFailure(config, error, 'listing its spaces').replace(/\s*\n\s*/g, ' ')}`);
    return 1;
  }

  const spaces = keys.length > 0 ? keys : [PLACEHOLDER_SPACE];
  const policy = {
    $comment: [
      `Starter policy written by confluence-steward init from ${where}. Only read.spaces is required; every other key has a safe default.`,
      'read.spaces: the spaces agents may read. Remove the ones agents should not see.',
      'readOnly: true means agents get no draft tools. To let them draft for review, set it to false and add draft.spaces (a subset of read.spaces) and jira.projects with jira.defaultProject.',
      'Also available: labels.deny (labels never returned), staleness.defaultDays, review.reviewers (who may approve drafts; absent: nobody). See README, "The policy file".',
    ],
    read: { spaces },
    readOnly: true,
  };
  try {
    writeFileSync(file, `${JSON.stringify(policy, null, 2)}\n`, { flag: context.values.force ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    context.err(code === 'EEXIST' ? `cannot init: ${file} already exists; edit it, or pass --force to overwrite it` : `cannot init: cannot write ${file}: ${code ?? (error as Error).message}`);
    return 1;
  }
  context.err(`wrote a read-only starter policy to ${file}`);
  if (keys.length > 0) {
    context.err(`  read.spaces: ${keys.join(', ')} (every space ${where} lists${personal > 0 ? `; ${personal} personal spaces left out` : ''})`);
    context.err('  edit read.spaces down to what agents should read;');
  } else {
    context.err(`  ${where} lists no spaces to this user: read.spaces holds the placeholder ${PLACEHOLDER_SPACE}; replace it with your space keys;`);
  }
  context.err('  readOnly is true (no draft tools); for drafting set it to false and add draft.spaces and jira.projects (README, "The policy file").');
  context.err(`  then: confluence-steward serve --policy ${file}`);
  return 0;
}
