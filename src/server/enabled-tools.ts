import type { Role } from '../../policies/tool-access.js';
import { allTools, toolsFor } from '../../tools/registry.js';
import { ALL_TOOLSETS, TOOLSETS, TOOLSET_NAMES } from '../../tools/toolsets.js';
import type { StewardConfig } from '../config.js';

type Narrowing = Pick<StewardConfig, 'enabledTools' | 'toolsets'>;

/**
 * The tool names ENABLED_TOOLS (`--enabled-tools`) and TOOLSETS (`--toolsets`) leave, both
 * applied (a tool must pass each one given); undefined when neither is set. It does not look at
 * the role: the server intersects this with the role's tools, so it can only ever remove tools.
 * Unknown names fail closed, the server refusing to start and naming them, because a misspelt
 * name would otherwise silently drop a tool or hide a typo in a safety setting.
 */
export function narrowedToolNames(config: Narrowing): ReadonlySet<string> | undefined {
  if (!config.enabledTools && !config.toolsets) return undefined;
  let names = allTools.map((tool) => tool.name);
  if (config.enabledTools) {
    const { tools, from } = config.enabledTools;
    const unknown = tools.filter((name) => !names.includes(name));
    if (unknown.length > 0) throw new Error(`${from} names unknown tools: ${unknown.join(', ')} (known: ${names.join(', ')})`);
    names = names.filter((name) => tools.includes(name));
  }
  if (config.toolsets) {
    const { toolsets, from } = config.toolsets;
    const unknown = toolsets.filter((name) => name !== ALL_TOOLSETS && !(TOOLSET_NAMES as string[]).includes(name));
    if (unknown.length > 0) {
      throw new Error(`${from} names unknown toolsets: ${unknown.join(', ')} (known: ${TOOLSET_NAMES.join(', ')}, or ${ALL_TOOLSETS})`);
    }
    if (!toolsets.includes(ALL_TOOLSETS)) {
      const chosen = new Set(allTools.filter((tool) => toolsets.includes(tool.toolset)).map((tool) => tool.name));
      names = names.filter((name) => chosen.has(name));
    }
  }
  return new Set(names);
}

/**
 * The tools a session gets for a role: the role's (and read-only mode's) tools, narrowed by
 * ENABLED_TOOLS and TOOLSETS. Never adds a tool. Names given that this role does not get are
 * reported (a notice, not a failure: one setting serves agent and reviewer sessions alike).
 */
export function resolveEnabledTools(config: Narrowing, role: Role, readOnly: boolean): { tools: ReadonlySet<string>; notices: string[] } {
  const allowed = toolsFor(role, readOnly).map((tool) => tool.name);
  const narrowed = narrowedToolNames(config);
  if (!narrowed) return { tools: new Set(allowed), notices: [] };
  const tools = new Set(allowed.filter((name) => narrowed.has(name)));
  const listed = `tools: ${[...tools].join(', ') || 'none'}`;
  const who = `role ${role}${readOnly ? ' (read-only)' : ''}`;
  const notices: string[] = [];
  if (config.enabledTools) {
    const unavailable = config.enabledTools.tools.filter((name) => !allowed.includes(name));
    if (unavailable.length > 0) notices.push(`${config.enabledTools.from}: ${unavailable.join(', ')} not available to ${who}; ignored (${listed})`);
    const outside = config.enabledTools.tools.filter((name) => allowed.includes(name) && !narrowed.has(name));
    if (outside.length > 0 && config.toolsets) notices.push(`${config.enabledTools.from}: ${outside.join(', ')} not in ${config.toolsets.from}; ignored (${listed})`);
  }
  if (config.toolsets) {
    const empty = config.toolsets.toolsets.filter(
      (name) => name !== ALL_TOOLSETS && !allTools.some((tool) => tool.toolset === name && tools.has(tool.name)),
    );
    if (empty.length > 0) notices.push(`${config.toolsets.from}: ${empty.map((name) => `${name} (${TOOLSETS[name as keyof typeof TOOLSETS]})`).join(', ')} gives ${who} no tools (${listed})`);
  }
  return { tools, notices };
}
