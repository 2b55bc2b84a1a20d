import { describe, expect, it } from 'vitest';
import { narrowSpaces, spaceAllowed } from '../../policies/space-allowlist.js';
import { PolicyDeniedError } from '../../src/errors.js';

const allow = ['IT', 'HR', '~alice'];

describe('space allowlist', () => {
  it.each([
    ['no request means the whole allowlist', undefined, ['IT', 'HR', '~alice']],
    ['an empty request means the whole allowlist', [], ['IT', 'HR', '~alice']],
    ['a subset narrows', ['HR'], ['HR']],
    ['lower case matches a global key', ['it'], ['IT']],
    ['surrounding whitespace is ignored', [' HR '], ['HR']],
    ['duplicates collapse', ['IT', 'it'], ['IT']],
    ['a personal space matches exactly', ['~alice'], ['~alice']],
  ])('%s', (_name, requested, expected) => {
    expect(narrowSpaces(allow, requested, 'read')).toEqual(expected);
  });

  it.each([
    ['a space outside the list', ['ENG']],
    ['a prefix look-alike', ['IT2']],
    ['a suffix look-alike', ['XIT']],
    ['a dotless-i look-alike', ['\u0131T']],
    ['a fullwidth look-alike', ['\uFF29\uFF34']],
    ['a personal key with other case', ['~Alice']],
    ['CQL smuggled into a key', ['IT" OR space = "SECRET']],
    ['a null byte', ['IT\u0000']],
    ['one bad key among good ones', ['IT', 'SECRET']],
  ])('refuses %s and names what is allowed', (_name, requested) => {
    expect(() => narrowSpaces(allow, requested, 'read')).toThrow(PolicyDeniedError);
    expect(() => narrowSpaces(allow, requested, 'read')).toThrow(/Allowed spaces: IT, HR, ~alice/);
  });

  it('allows nothing when the allowlist is empty', () => {
    expect(() => narrowSpaces([], undefined, 'draft')).toThrow(/allows no spaces for drafting/);
  });

  it.each([
    ['IT', true],
    ['it', true],
    ['ITX', false],
    ['', false],
    ['~ALICE', false],
  ])('spaceAllowed(%j) is %s', (space, expected) => {
    expect(spaceAllowed(allow, space)).toBe(expected);
  });
});
