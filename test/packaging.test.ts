import { execFileSync } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 60_000 });

/**
 * What `npm pack` publishes: the bundled CLI and what it reads at run time (policies, the demo
 * site, the word vectors), the README and the licence — and nothing of the checkout's tests,
 * fixtures, evaluation sets or conformance suite.
 */
describe('the published package', () => {
  it('holds the bundle and its data, and no tests, fixtures, eval sets or conformance suite', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts', '--loglevel=error'], { encoding: 'utf8' });
    const [pack] = JSON.parse(out) as { files: { path: string }[] }[];
    const paths = pack.files.map((f) => f.path);
    for (const needed of ['dist/cli.mjs', 'data/word-vectors.bin', 'policies/default.json', 'demo-site/site.json', 'README.md', 'LICENSE', 'package.json']) {
      expect(paths, needed).toContain(needed);
    }
    expect(paths.some((p) => p.startsWith('dist/chunks/'))).toBe(true);
    expect(paths.filter((p) => /^(test|eval|bench|scripts|src|tools)\//.test(p) || p.includes('conformance') || p.startsWith('dist/src/'))).toEqual([]);
  });
});
