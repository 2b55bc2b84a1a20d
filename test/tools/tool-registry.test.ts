import { describe, expect, it } from 'vitest';
import { ROLES } from '../../policies/tool-access.js';
import { annotationsFor } from '../../tools/define-tool.js';
import { allTools, toolsFor } from '../../tools/registry.js';
import { startHarness } from '../support/harness.js';

/**
 * What agents see only changes on purpose: every tool's tools/list entry per role is a
 * snapshot file. `npx vitest run -u` regenerates them; in CI a missing snapshot fails.
 */
describe('tool schemas', () => {
  for (const role of ROLES) {
    it(`tools/list for role ${role} matches the snapshot`, async () => {
      const harness = await startHarness({ role });
      try {
        const { tools } = await harness.client.listTools();
        expect(tools.map((t) => t.name)).toEqual(toolsFor(role, false).map((t) => t.name));
        for (const tool of tools) {
          await expect(JSON.stringify(tool, null, 2) + '\n').toMatchFileSnapshot(`__toolsnaps__/${tool.name}.json`);
        }
      } finally {
        await harness.close();
      }
    });
  }
});

describe('registry invariants', () => {
  it('has unique snake_case, verb-first names and real descriptions', () => {
    const names = allTools.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const tool of allTools) {
      expect(tool.name).toMatch(/^[a-z]+(_[a-z]+)+$/);
      expect(tool.description.length).toBeGreaterThan(40);
      expect(tool.title.length).toBeGreaterThan(3);
    }
  });

  it('derives annotations from writes: read tools are read-only, tools that write never are', () => {
    for (const tool of allTools) {
      const annotations = annotationsFor(tool);
      expect(annotations.readOnlyHint, tool.name).toBe(!tool.writes);
      if (tool.access === 'read') expect(annotations.readOnlyHint, tool.name).toBe(true);
      for (const key of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
        expect(typeof annotations[key], `${tool.name}.${key}`).toBe('boolean');
      }
    }
  });

  it('keeps input schemas as plain objects (no top-level anyOf) with an output schema', () => {
    for (const tool of allTools) {
      const json = tool.input.toJSONSchema() as Record<string, unknown>;
      expect(json.type, tool.name).toBe('object');
      expect(json.anyOf, tool.name).toBeUndefined();
      expect((tool.output.toJSONSchema() as Record<string, unknown>).type).toBe('object');
    }
  });

  it('gives read-only mode no draft tools and the agent role no review tools', () => {
    expect(toolsFor('agent', true).every((t) => t.access === 'read')).toBe(true);
    expect(toolsFor('agent', false).some((t) => t.access === 'review')).toBe(false);
    expect(toolsFor('reviewer', false).some((t) => t.access === 'draft')).toBe(false);
  });
});
