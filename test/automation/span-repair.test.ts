import { describe, expect, it } from 'vitest';
import { candidateSpans } from '../../src/services/automation/span-repair.js';
import { createStaticResolver } from '../../src/services/automation/static-resolver.js';
import { draft, SITE } from './support.js';

/** The longest span of the request that the site knows wins over the name as first read (issue 14). */
describe('names resolved as the longest span the site knows', () => {
  const site = createStaticResolver({
    ...SITE,
    spaces: [...SITE.spaces, { key: 'QA', name: 'Quality and Safety' }],
    pages: [...SITE.pages, { id: '201', title: 'Health and safety', spaceKey: 'HR' }, { id: '202', title: 'Team', spaceKey: 'ENG' }],
  });

  it('grows a cut name across a lower-case "and" when the site knows the longer name', async () => {
    const r = await draft('When a page is labelled hs, move it under Health and safety', { resolver: site });
    expect(r.resolved).toContainEqual(expect.objectContaining({ kind: 'page', id: '201' }));
    expect(r.unresolved).toEqual([]);
  });

  it('never swaps in a different, shorter page: an unknown name stays unresolved', async () => {
    const r = await draft('When a page is labelled t, move it under Team Handbook', { resolver: site });
    expect(r.resolved.filter((x) => x.kind === 'page')).toEqual([]);
    expect(r.unresolved).toContainEqual(expect.objectContaining({ kind: 'page', reason: 'not_found' }));
  });

  it('lists longer spans first and cuts only before a word no name runs across', () => {
    expect(candidateSpans('move it under Health and safety now', 'Health')).toEqual(['Health and safety now', 'Health and safety']);
    expect(candidateSpans('file it under Product roadmap until someone checks', 'Product roadmap until someone')).toEqual(['Product roadmap until someone checks', 'Product roadmap']);
  });
});
