import { describe, expect, it } from 'vitest';
import { ROLES } from '../../policies/tool-access.js';
import { toolsFor } from '../../tools/registry.js';
import { startHarness } from '../support/harness.js';
import { modelShownChars, toolListChars } from '../../bench/tool-list-size.js';

/**
 * What a model is shown of the tool list — every tool's name, description and input schema, as
 * JSON — is paid for in context on every turn. It stays within 9,000 characters per role as
 * tools are added (issues 13 and 15; for every role, the review tools and navigation included); `npm run bench` reports it with the whole tools/list reply.
 */
const BUDGET = 9_000;

describe('tool list size', () => {
  for (const role of ROLES) {
    it(`what a model is shown for role ${role} stays within ${BUDGET} characters`, async () => {
      const harness = await startHarness({ role });
      try {
        const { tools } = await harness.client.listTools();
        // Every tool of the role (not read-only, nothing narrowed), as the server lists it.
        expect(tools.map((t) => t.name)).toEqual(toolsFor(role, false).map((t) => t.name));
        const shown = modelShownChars(tools);
        const said = `role ${role}: ${shown} characters shown to a model (whole list ${toolListChars(tools)})`;
        expect(shown, said).toBeLessThanOrEqual(BUDGET);
        expect(shown).toBeLessThan(toolListChars(tools));
      } finally {
        await harness.close();
      }
    });
  }
});
