import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The architecture's "never" arrows (DESIGN.md, issue 12), checked on the import statements of
 * every source file: a new import that crosses one fails `npm test`. No dependency needed: the
 * project's imports are plain relative ES module specifiers.
 */
const ROOT = process.cwd();

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return name === 'node_modules' ? [] : files(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every imported module of a file, as a path relative to the repository (or the package name). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/g), ...text.matchAll(/import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]);
  return specs.map((spec) => (spec.startsWith('.') ? relative(ROOT, resolve(dirname(join(ROOT, file)), spec)).replace(/\.js$/, '.ts') : spec));
}

interface Rule {
  name: string;
  from: RegExp;
  to: RegExp;
  /** Imports that exist today and are owned elsewhere; each must disappear, never grow. */
  pending?: string[];
}

const RULES: Rule[] = [
  { name: 'tools never import adapters or the store', from: /^tools\//, to: /^src\/(adapters|store)\// },
  { name: 'front-ends (CLI, console) never import the store', from: /^src\/(cli[^/]*|console\/.*)\.ts$/, to: /^src\/store\// },
  { name: 'adapters never import policies', from: /^src\/adapters\//, to: /^policies\// },
  { name: 'services know nothing of MCP', from: /^src\/services\//, to: /^(tools\/|src\/server\/|@modelcontextprotocol\/)/ },
  { name: 'policies use only the domain, errors and source interfaces', from: /^policies\//, to: /^src\/(?!domain\/|errors\.ts$|adapters\/content-source\.ts$)/ },
];

describe('architecture', () => {
  const all = [...files('src'), ...files('tools'), ...files('policies')];
  for (const rule of RULES) {
    it(rule.name, () => {
      const crossings = all.flatMap((file) => (rule.from.test(file) ? importsOf(file).filter((target) => rule.to.test(target)).map((target) => `${file} -> ${target}`) : []));
      expect(crossings.filter((crossing) => !(rule.pending ?? []).includes(crossing))).toEqual([]);
    });
  }

  it('SQL only in src/store', () => {
    const withSql = all.filter((file) => !file.startsWith('src/store/') && /\.(prepare|exec)\(\s*[`']/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(withSql).toEqual([]);
  });
});
