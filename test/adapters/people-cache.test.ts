import { describe, expect, it } from 'vitest';
import { createPeopleCache } from '../../src/adapters/confluence/people-cache.js';

describe('people cache', () => {
  it('reuses an answer until it expires, then asks again', async () => {
    let clock = 0;
    let loads = 0;
    const cache = createPeopleCache<string | undefined>(1_000, 10, () => clock);
    const load = async () => `name ${++loads}`;
    expect(await cache.get('a', load)).toBe('name 1');
    clock = 999;
    expect(await cache.get('a', load)).toBe('name 1');
    clock = 1_000;
    expect(await cache.get('a', load)).toBe('name 2');
  });

  it('keeps "nobody" but forgets a failure', async () => {
    const cache = createPeopleCache<string | undefined>(1_000, 10, () => 0);
    let loads = 0;
    expect(await cache.get('gone', async () => (loads++, undefined))).toBeUndefined();
    expect(await cache.get('gone', async () => (loads++, 'x'))).toBeUndefined();
    expect(loads).toBe(1);
    await expect(cache.get('down', () => Promise.reject(new Error('503')))).rejects.toThrow('503');
    expect(await cache.get('down', async () => 'back')).toBe('back');
  });

  it('drops the oldest person beyond its size', async () => {
    const cache = createPeopleCache<string>(1_000, 2, () => 0);
    let loads = 0;
    const load = async () => `n${++loads}`;
    await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('c', load);
    expect(await cache.get('b', load)).toBe('n2');
    expect(await cache.get('a', load)).toBe('n4');
  });
});
