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
    ['a readOnly that is not a boolean', { ...minimal, readOnly: 'yes' }, 'readOnly'],
    ['a missing read', { draft: { spaces: [] } }, 'read'],
    ['a default project without projects', { read: { spaces: ['IT'] }, jira: { defaultProject: 'KB' } }, 'defaultProject'],
    ['a $comment that is not text', { ...minimal, $comment: 42 }, '$comment'],
    ['a look-alike space key', { ...minimal, read: { spaces: ['\u0131T'] }, draft: { spaces: [] } }, 'not a space key'],
    ['a space key with CQL in it', { ...minimal, read: { spaces: ['IT" OR space != "X'] }, draft: { spaces: [] } }, 'not a space key'],
    ['a negative staleness', { ...minimal, staleness: { defaultDays: -1 } }, 'defaultDays'],
  ])('rejects %s', (_name, value, fragment) => {
    expect(() => parse(value)).toThrow(fragment);
  });

  it('accepts a one-line policy naming only read.spaces; every other key gets its safe default', () => {
    const policy = parsePolicy('{"read":{"spaces":["ENG"]}}', 'one-line.json');
    expect(policy.read.spaces).toEqual(['ENG']);
    expect(policy.draft.spaces).toEqual([]);
    expect(policy.jira.projects).toEqual([]);
    expect(policy.jira.defaultProject).toBeUndefined();
    expect(policy.jira.issueTypes).toEqual(['Task', 'Bug', 'Story']);
    expect(policy.labels.deny).toEqual([]);
    expect(policy.staleness).toEqual({ defaultDays: 365, spaces: {} });
    expect(policy.readOnly).toBe(false);
    expect(policy.review.reviewers).toBeUndefined();
  });

  it('accepts a $comment (text or lines) at the top level and nowhere else', () => {
    expect(parse({ ...minimal, $comment: 'why this policy' }).read.spaces).toEqual(['IT', 'HR']);
    expect(parse({ ...minimal, $comment: ['line one', 'line two'] }).read.spaces).toEqual(['IT', 'HR']);
    expect(() => parse({ ...minimal, read: { spaces: ['IT'], $comment: 'x' } })).toThrow('$comment');
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

  it('rejects duplicate keys instead of letting the last one win (a second readOnly could widen access)', () => {
    const text = JSON.stringify(minimal).replace('"readOnly":false', '"readOnly":true,"readOnly":false');
    expect(() => parsePolicy(text, 'dup.json')).toThrow(/dup\.json.*duplicate key "readOnly"/s);
    const nested = JSON.stringify(minimal).replace('"spaces":["IT","HR"]', '"spaces":["IT"],"spaces":["IT","HR"]');
    expect(() => parsePolicy(nested, 'dup.json')).toThrow(/duplicate key "spaces" in read/);
    // The same key in different objects, and keys inside strings, are fine.
    expect(parsePolicy(JSON.stringify({ ...minimal, labels: { deny: ['"readOnly":1'] } }), 'ok.json').labels.deny).toEqual(['"readonly":1']);
  });

  it('names reviewers by users and groups; without review.reviewers nobody may review', () => {
    expect(parse(minimal).review.reviewers).toBeUndefined();
    const policy = parse({ ...minimal, review: { reviewers: { users: ['acc-1', 'lee@example.test'], groups: ['hr'] } } });
    expect(policy.review.reviewers).toEqual({ users: ['acc-1', 'lee@example.test'], groups: ['hr'] });
    expect(() => parse({ ...minimal, review: { reviewer: { users: [] } } })).toThrow('reviewer');
    expect(() => parse({ ...minimal, review: { reviewers: { users: ['x'.repeat(500)] } } })).toThrow('review.reviewers.users');
  });
});
