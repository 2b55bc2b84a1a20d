import { describe, expect, it } from 'vitest';
import { parsePolicy, staleAfterDays } from '../../policies/policy-schema.js';

const minimal = {
  read: { spaces: ['IT', 'HR'] },
  draft: { spaces: ['IT'] },
  jira: { projects: ['KB'], defaultProject: 'KB' },
  labels: { deny: ['Confidential'] },
  staleness: { defaultDays: 365 },
  readOnly: false,
};

const parse = (value: unknown) => parsePolicy(JSON.stringify(value), 'test.json');

describe('policy file', () => {
  it('accepts a file with only the required keys and fills safe defaults', () => {
    const policy = parse(minimal);
    expect(policy.read.spaces).toEqual(['IT', 'HR']);
    expect(policy.labels.deny).toEqual(['confidential']);
    expect(policy.limits.pendingDraftsPerHour).toBe(20);
    expect(policy.staleness.spaces).toEqual({});
    expect(policy.answers.maxSources).toBe(5);
  });

  it.each([
    ['a typo at the top level', { ...minimal, readonly: true }, 'readonly'],
    ['a typo inside read', { ...minimal, read: { spaces: ['IT'], space: ['HR'] } }, 'space'],
    ['a typo inside labels', { ...minimal, labels: { deny: [], allow: ['x'] } }, 'allow'],
    ['draft spaces outside read', { ...minimal, draft: { spaces: ['ENG'] } }, 'subset'],
    ['an empty read allowlist', { ...minimal, read: { spaces: [] }, draft: { spaces: [] } }, 'at least one'],
    ['a default project outside the list', { ...minimal, jira: { projects: ['KB'], defaultProject: 'OPS' } }, 'defaultProject'],
    ['a missing readOnly', { ...minimal, readOnly: undefined }, 'readOnly'],
    ['a look-alike space key', { ...minimal, read: { spaces: ['\u0131T'] }, draft: { spaces: [] } }, 'not a space key'],
    ['a space key with CQL in it', { ...minimal, read: { spaces: ['IT" OR space != "X'] }, draft: { spaces: [] } }, 'not a space key'],
    ['a negative staleness', { ...minimal, staleness: { defaultDays: -1 } }, 'defaultDays'],
  ])('rejects %s', (_name, value, fragment) => {
    expect(() => parse(value)).toThrow(fragment);
  });

  it('rejects text that is not JSON with the file name', () => {
    expect(() => parsePolicy('{read:', 'broken.json')).toThrow(/broken\.json is not valid JSON/);
  });

  it('normalises global space keys to upper case but keeps personal keys as written', () => {
    const policy = parse({ ...minimal, read: { spaces: ['it', '~Alice'] }, draft: { spaces: ['IT'] } });
    expect(policy.read.spaces).toEqual(['IT', '~Alice']);
  });

  it('applies per-space staleness overrides', () => {
    const policy = parse({ ...minimal, staleness: { defaultDays: 365, spaces: { hr: 90 } } });
    expect(staleAfterDays(policy, 'HR')).toBe(90);
    expect(staleAfterDays(policy, 'IT')).toBe(365);
  });
});
