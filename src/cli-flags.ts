import type { CliValues } from './cli-options.js';
import type { CommonFlags } from './config.js';

export function commonFlags(values: CliValues): CommonFlags {
  return { site: values.site, as: values.as, policy: values.policy, dataDir: values['data-dir'], role: values.role };
}
