import { describe, expect, it } from 'vitest';
import { canRead } from '../../policies/restrictions.js';

const erin = { accountId: 'erin', displayName: 'Erin', groups: ['staff'] };
const harper = { accountId: 'harper', displayName: 'Harper', groups: ['staff', 'hr'] };
const nobody = { accountId: '', displayName: 'anonymous', groups: [] };

describe('read restrictions', () => {
  it.each([
    ['an unrestricted page', erin, [], true],
    ['a page whose restriction sets are empty', erin, [{ users: [], groups: [] }], true],
    ['a group restriction the user is in', harper, [{ users: [], groups: ['hr'] }], true],
    ['a group restriction the user is not in', erin, [{ users: [], groups: ['hr'] }], false],
    ['a user restriction naming the user', erin, [{ users: ['erin'], groups: [] }], true],
    ['a user restriction naming someone else', erin, [{ users: ['harper'], groups: [] }], false],
    ['an inherited set the user fails', harper, [{ users: [], groups: ['hr'] }, { users: ['lee'], groups: [] }], false],
    ['every inherited set satisfied', harper, [{ users: [], groups: ['hr'] }, { users: ['harper'], groups: [] }], true],
    ['anonymous on a restricted page', nobody, [{ users: [''], groups: [] }], false],
    ['a group named like an account id', erin, [{ users: [], groups: ['erin'] }], false],
  ])('%s', (_name, who, sets, expected) => {
    expect(canRead(who, sets)).toBe(expected);
  });

  it('trusts the source when it enforced permissions itself (undefined sets)', () => {
    expect(canRead(erin, undefined)).toBe(true);
  });
});
