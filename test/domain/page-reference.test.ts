import { describe, expect, it } from 'vitest';
import { openCursor, sealCursor } from '../../policies/search-cursor.js';
import { pageIdFromReference, pageIdFromTinyCode, tinyCodeOf } from '../../src/domain/page-reference.js';

describe('page references an agent is pasted', () => {
  it('decodes a real Cloud tiny link (945029121 is /x/AQBUO) and round-trips ids past 32 bits', () => {
    expect(pageIdFromTinyCode('AQBUO')).toBe('945029121');
    expect(tinyCodeOf('945029121')).toBe('AQBUO');
    for (const id of ['1', '1001', '65536', '4294967296', '5000000000123']) expect(pageIdFromTinyCode(tinyCodeOf(id)), id).toBe(id);
  });

  it('takes the id from every URL form and nothing from others', () => {
    const cases: [string, string | undefined][] = [
      ['123456', '123456'],
      ['https://acme.atlassian.net/wiki/spaces/IT/pages/123456/VPN+setup', '123456'],
      ['https://acme.atlassian.net/wiki/spaces/IT/pages/123456', '123456'],
      ['https://acme.atlassian.net/wiki/spaces/IT/pages/edit-v2/123456', '123456'],
      ['https://acme.atlassian.net/wiki/pages/viewpage.action?pageId=123456', '123456'],
      ['/wiki/x/AQBUO', '945029121'],
      ['https://acme.atlassian.net/wiki/x/AQBUO/', '945029121'],
      ['https://acme.atlassian.net/wiki/pages/viewpage.action?pageId=12ab', undefined],
      ['https://acme.atlassian.net/wiki/spaces/IT/overview', undefined],
      ['https://acme.atlassian.net/wiki/x/not+a+code', undefined],
      ['VPN setup', undefined],
    ];
    for (const [reference, id] of cases) expect(pageIdFromReference(reference), reference).toBe(id);
  });
});

describe('search cursors', () => {
  const scope = { reader: 'acc-1', search: { text: 'vpn', spaces: ['IT'] } };

  it('open to the sealed position only for the same reader and search', () => {
    const cursor = sealCursor(57, scope);
    // Encrypted, not encoded: the position's plaintext is nowhere in it, and each sealing differs.
    // (Not "no '57' in the text": random base64 contains any two characters now and then.)
    expect(Buffer.from(cursor, 'base64url').includes(Buffer.from('{"s":57}'))).toBe(false);
    expect(cursor).not.toContain(Buffer.from('{"s":57}').toString('base64url').slice(0, 8));
    expect(sealCursor(57, scope)).not.toBe(cursor);
    expect(openCursor(cursor, scope)).toBe(57);
    expect(() => openCursor(cursor, { ...scope, reader: 'acc-2' })).toThrow(/does not continue this search/);
    expect(() => openCursor(cursor, { ...scope, search: { text: 'vpn', spaces: ['HR'] } })).toThrow(/does not continue this search/);
  });

  it('refuse tampered or invented cursors', () => {
    const cursor = sealCursor(3, scope);
    const flipped = Buffer.from(cursor, 'base64url');
    flipped[flipped.length - 1] ^= 1;
    for (const bad of [flipped.toString('base64url'), 'eyJzIjo1MH0', '', 'x'.repeat(400)]) {
      expect(() => openCursor(bad, scope), bad).toThrow(/does not continue this search/);
    }
  });
});
