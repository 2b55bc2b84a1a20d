import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bearerToken, matchToken } from '../../src/auth/bearer.js';
import { loadPrincipals } from '../../src/auth/principals.js';
import { loadTokensFile, parseTokensFile, sha256Hex } from '../../src/auth/tokens-file.js';
import { resolveConfig } from '../../src/config.js';
import { createRuntime } from '../../src/runtime.js';
import { allowlistFor, checkHostAndOrigin } from '../../src/server/http/host-guard.js';
import { isLoopback, resolveHttpOptions } from '../../src/server/http/http-options.js';
import { SlidingWindowLimiter } from '../../src/server/http/rate-limit.js';
import { USERS, tempDir, writeFixture } from '../support/fixture-site.js';

const HASH = sha256Hex('s3cret');

describe('tokens file', () => {
  it('accepts hashed tokens with a user and a role, normalising the hex', () => {
    const entries = parseTokensFile(JSON.stringify([{ tokenSha256: HASH.toUpperCase(), user: 'erin@example.test', role: 'agent' }]), 'f');
    expect(entries).toEqual([{ index: 0, tokenSha256: HASH, user: 'erin@example.test', role: 'agent' }]);
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['empty', '[]', /lists no tokens/],
    ['an object', '{}', /\(root\)/],
    ['a clear token', JSON.stringify([{ token: 's3cret', user: 'u', role: 'agent' }]), /entry 0: Unrecognized key.*token|entry 0.tokenSha256/s],
    ['a short hash', JSON.stringify([{ tokenSha256: 'abc', user: 'u', role: 'agent' }]), /entry 0.tokenSha256: must be the hex SHA-256/],
    ['an unknown role', JSON.stringify([{ tokenSha256: HASH, user: 'u', role: 'admin' }]), /entry 0.role/],
    ['an empty user', JSON.stringify([{ tokenSha256: HASH, user: ' ', role: 'agent' }]), /entry 0.user/],
    ['an unknown key', JSON.stringify([{ tokenSha256: HASH, user: 'u', role: 'agent', scope: 'all' }]), /entry 0: Unrecognized key.*scope/],
    [
      'a duplicate token',
      JSON.stringify([
        { tokenSha256: HASH, user: 'u', role: 'agent' },
        { tokenSha256: HASH, user: 'v', role: 'reviewer' },
      ]),
      /entry 1.tokenSha256: same token as entry 0/,
    ],
  ])('refuses %s, saying where, never echoing a hash', (_name, textValue, message) => {
    let error: Error | undefined;
    try {
      parseTokensFile(textValue, 'tokens.json');
    } catch (caught) {
      error = caught as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain(HASH);
  });

  it('refuses an unreadable file', () => {
    expect(() => loadTokensFile(join(tempDir('tokens'), 'missing.json'))).toThrow(/cannot read tokens file .*ENOENT/);
  });

  it('resolves users through the source and lists every unknown one by entry and name', async () => {
    const fixture = writeFixture();
    const runtime = await createRuntime(resolveConfig({ site: fixture.siteDir, policy: fixture.policyFile, dataDir: fixture.dataDir }, {}));
    try {
      const file = join(fixture.root, 'tokens.json');
      writeFileSync(
        file,
        JSON.stringify([
          { tokenSha256: sha256Hex('a'), user: USERS.hr.displayName, role: 'reviewer' },
          { tokenSha256: sha256Hex('b'), user: 'mallory', role: 'agent' },
          { tokenSha256: sha256Hex('c'), user: 'eve@example.test', role: 'agent' },
        ]),
      );
      await expect(loadPrincipals(file, runtime.source)).rejects.toThrow(/entry 1 \(user "mallory"\)[^]*entry 2 \(user "eve@example.test"\)/);
      writeFileSync(file, JSON.stringify([{ tokenSha256: sha256Hex('a'), user: USERS.hr.displayName, role: 'reviewer' }]));
      const [principal] = await loadPrincipals(file, runtime.source);
      expect(principal).toMatchObject({ role: 'reviewer', identity: { accountId: USERS.hr.accountId, groups: ['staff', 'hr'] } });
    } finally {
      await runtime.close();
    }
  });
});

describe('bearer tokens', () => {
  const entries = [{ tokenSha256: sha256Hex('alpha') }, { tokenSha256: sha256Hex('beta') }];

  it('parses only a well-formed Bearer header', () => {
    expect(bearerToken('Bearer abc.DEF-123')).toBe('abc.DEF-123');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(`Bearer ${'x'.repeat(5000)}`)).toBeUndefined();
  });

  it('matches a token to its entry by hash, and nothing else', () => {
    expect(matchToken('beta', entries)).toBe(entries[1]);
    expect(matchToken('gamma', entries)).toBeUndefined();
    expect(matchToken(sha256Hex('alpha'), entries)).toBeUndefined(); // the hash itself is not a token
  });
});

describe('HTTP options', () => {
  it('defaults to loopback port 3333, stateful', () => {
    expect(resolveHttpOptions({}, {})).toMatchObject({ host: '127.0.0.1', port: 3333, stateless: false, tokensFile: undefined });
    expect(resolveHttpOptions({}, { STEWARD_HTTP_PORT: '4000', STEWARD_STATELESS: '1', STEWARD_TOKENS: '/t.json' })).toMatchObject({
      port: 4000,
      stateless: true,
      tokensFile: '/t.json',
    });
  });

  it('refuses to run unauthenticated on anything but loopback', () => {
    for (const host of ['0.0.0.0', '192.0.2.10', 'steward.example.com', '::']) {
      expect(() => resolveHttpOptions({ host }, {})).toThrow(/refusing to serve unauthenticated/);
    }
    expect(resolveHttpOptions({ host: '::1' }, {}).host).toBe('::1');
    expect(resolveHttpOptions({ host: '192.0.2.10', tokens: 't.json' }, {}).host).toBe('192.0.2.10');
  });

  it('wants the client-facing host names when listening on every interface', () => {
    expect(() => resolveHttpOptions({ host: '0.0.0.0', tokens: 't.json' }, {})).toThrow(/STEWARD_ALLOWED_HOSTS/);
    expect(resolveHttpOptions({ host: '0.0.0.0', tokens: 't.json' }, { STEWARD_ALLOWED_HOSTS: 'steward.example.com' }).extraHosts).toEqual([
      'steward.example.com',
    ]);
  });

  it('refuses a port that is not one', () => {
    expect(() => resolveHttpOptions({ port: 'http' }, {})).toThrow(/--port must be a number/);
    expect(() => resolveHttpOptions({ port: '70000' }, {})).toThrow(/--port must be a number/);
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', 'example.com', '::'].some(isLoopback)).toBe(false);
  });
});

describe('Host and Origin allowlist', () => {
  const loopback = allowlistFor('127.0.0.1', 3333, [], []);

  it('accepts the loopback names on the listening port, with or without a matching Origin', () => {
    for (const host of ['127.0.0.1:3333', 'localhost:3333', '[::1]:3333', 'LOCALHOST:3333']) {
      expect(checkHostAndOrigin({ host }, loopback)).toBeUndefined();
    }
    expect(checkHostAndOrigin({ host: 'localhost:3333', origin: 'http://localhost:3333' }, loopback)).toBeUndefined();
  });

  it('refuses other hosts, other ports, foreign or null origins, and a missing Host', () => {
    expect(checkHostAndOrigin({ host: 'evil.example.com:3333' }, loopback)).toMatch(/Host not allowed/);
    expect(checkHostAndOrigin({ host: 'localhost:4444' }, loopback)).toMatch(/Host not allowed/);
    expect(checkHostAndOrigin({ host: 'localhost:3333', origin: 'http://evil.example.com' }, loopback)).toMatch(/Origin not allowed/);
    expect(checkHostAndOrigin({ host: 'localhost:3333', origin: 'null' }, loopback)).toMatch(/Origin not allowed/);
    expect(checkHostAndOrigin({}, loopback)).toMatch(/Missing Host/);
  });

  it('takes extra names from the environment; a bare name matches any port; * turns the Host check off', () => {
    const team = allowlistFor('0.0.0.0', 3333, ['steward.example.com'], ['https://agents.example.com']);
    expect(checkHostAndOrigin({ host: 'steward.example.com' }, team)).toBeUndefined();
    expect(checkHostAndOrigin({ host: 'steward.example.com:443', origin: 'https://agents.example.com' }, team)).toBeUndefined();
    expect(checkHostAndOrigin({ host: '10.0.0.5:3333' }, team)).toMatch(/Host not allowed/);
    const open = allowlistFor('0.0.0.0', 3333, ['*'], []);
    expect(checkHostAndOrigin({ host: 'anything:1' }, open)).toBeUndefined();
    expect(checkHostAndOrigin({ host: 'anything:1', origin: 'http://evil.example.com' }, open)).toMatch(/Origin not allowed/);
  });
});

describe('sliding-window rate limit', () => {
  it('allows `limit` calls per window per key and says when the next one frees up', () => {
    const limiter = new SlidingWindowLimiter(3, 60_000);
    expect(limiter.take('a', 0)).toEqual({ allowed: true });
    expect(limiter.take('a', 10_000)).toEqual({ allowed: true });
    expect(limiter.take('a', 20_000)).toEqual({ allowed: true });
    expect(limiter.take('a', 30_000)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(limiter.take('b', 30_000)).toEqual({ allowed: true });
    expect(limiter.take('a', 60_001)).toEqual({ allowed: true });
    expect(limiter.take('a', 60_002, 2)).toEqual({ allowed: false, retryAfterSeconds: 20 });
  });
});
