import type { PolicyGate } from '../../../policies/gate.js';
import { PageNotFoundError } from '../../errors.js';
import { draftVisibleTo } from '../drafts/evidence.js';
import type { ReportLookups } from './trust-report.js';

/**
 * Report lookups through the reader's gate: a cited page is named only if this reader may
 * open it (each lookup is an audited read, like any other); pages they may not read stay
 * anonymous ids. Results are cached for `ttlMs` so a console refresh does not re-read them.
 */
export function gateLookups(gate: PolicyGate, tool: string, ttlMs = 0): ReportLookups {
  const pages = new Map<string, { at: number; value: Promise<{ title: string; space: string; url: string } | undefined> }>();
  const people = new Map<string, Promise<string | undefined>>();
  return {
    page(id) {
      const cached = pages.get(id);
      if (cached && Date.now() - cached.at < ttlMs) return cached.value;
      const value = gate.readPage(tool, id).then(
        (page) => ({ title: page.title, space: page.spaceKey, url: page.url }),
        (error: unknown) => {
          if (error instanceof PageNotFoundError) return undefined;
          throw error;
        },
      );
      if (ttlMs > 0) pages.set(id, { at: Date.now(), value });
      return value;
    },
    draft(record) {
      return draftVisibleTo(gate, record);
    },
    person(accountId) {
      let value = people.get(accountId);
      if (!value) {
        value = gate.displayNameOf(accountId).catch(() => undefined);
        people.set(accountId, value);
      }
      return value;
    },
  };
}
