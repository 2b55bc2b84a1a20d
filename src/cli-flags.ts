import type { CliValues } from './cli-options.js';
import { type CommonFlags, resolveConfig } from './config.js';
import { type Runtime, createRuntime } from './runtime.js';

export function commonFlags(values: CliValues): CommonFlags {
  return {
    site: values.site,
    as: values.as,
    policy: values.policy,
    dataDir: values['data-dir'],
    databaseUrl: values['database-url'],
    role: values.role,
    spacesFilter: values['spaces-filter'],
    readOnly: values['read-only'],
    enabledTools: values['enabled-tools'],
    toolsets: values.toolsets,
  };
}

/** The runtime for a reviewer command (drafts, report, review), or undefined after saying why not. */
export async function openReviewerRuntime(flags: CommonFlags, env: NodeJS.ProcessEnv, err: (line: string) => void): Promise<Runtime | undefined> {
  try {
    return await createRuntime(resolveConfig({ ...flags, role: 'reviewer' }, env), { reviewerCli: true });
  } catch (error) {
    err(`cannot start: ${(error as Error).message}`);
    return undefined;
  }
}
