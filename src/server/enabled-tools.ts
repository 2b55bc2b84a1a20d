import type { Role } from '../../policies/tool-access.js';
import { allTools, toolsFor } from '../../tools/registry.js';
import type { StewardConfig } from '../config.js';

/**
 * ENABLED_TOOLS (or `--enabled-tools`): the tools a session gets, narrowed from what the role and
 * the policy allow. It never adds a tool: a name the role may not use stays absent (and is
 * reported). Unknown names fail closed: the server refuses to start, naming them, because a
 * misspelt name would otherwise silently drop a tool or hide a typo in a safety setting.
 */
export function resolveEnabledTools(
  enabled: StewardConfig['enabledTools'],
  role: Role,
  readOnly: boolean,
): { tools: ReadonlySet<string>; notices: string[] } {
  const allowed = toolsFor(role, readOnly).map((tool) => tool.name);
  if (!enabled) return { tools: new Set(allowed), notices: [] };
  const known = new Set(allTools.map((tool) => tool.name));
  const unknown = enabled.tools.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(`${enabled.from} names unknown tools: ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  }
  const unavailable = enabled.tools.filter((name) => !allowed.includes(name));
  const tools = new Set(allowed.filter((name) => enabled.tools.includes(name)));
  const notices =
    unavailable.length > 0
      ? [`${enabled.from}: ${unavailable.join(', ')} not available to role ${role}${readOnly ? ' (read-only)' : ''}; ignored (tools: ${[...tools].join(', ') || 'none'})`]
      : [];
  return { tools, notices };
}
