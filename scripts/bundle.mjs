// Part of `npm run build` (after tsc): bundles the CLI into dist/cli.mjs, the file `bin` and
// `npm start` run. Loading one ESM file (plus the chunks of what a command loads lazily) instead
// of hundreds of files from the MCP SDK, zod, ajv and the rest is most of the start-up time saved
// (issue 13). dist/src/ stays the tsc output, which tests import.
//
// - Every package is bundled except better-sqlite3 (native: its .node binding is found through
//   `bindings` next to the package, so it is loaded from node_modules as installed).
// - Dynamic imports stay lazy: with splitting, each `await import()` target is its own chunk in
//   dist/chunks/, loaded only by the command that needs it (the Cloud client, Jira, the console).
// - The chunks find the package root (package.json, policies/, demo-site/, data/) by walking up
//   from their own location (src/package-root.ts), which works from dist/ as from dist/src/.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

// stopword's `main` is a CommonJS file holding 62 languages' lists (313 kB); its ES build lets
// the bundler keep only the English list that src/text/terms.ts imports.
const stopwordEsm = join(dirname(require.resolve('stopword')), 'stopword.esm.mjs');

rmSync(join(ROOT, 'dist', 'chunks'), { recursive: true, force: true });
await build({
  absWorkingDir: ROOT,
  entryPoints: { cli: 'src/cli.ts' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  // undici is loaded from node_modules, and only behind a proxy (src/adapters/proxy.ts): bundled,
  // its CommonJS exports lose their names through the dynamic import.
  external: ['better-sqlite3', 'undici'],
  alias: { stopword: stopwordEsm },
  // Bundled CommonJS packages call require() for Node built-ins; ESM has no require of its own.
  banner: { js: 'import { createRequire as __stewardCreateRequire } from "node:module"; const require = __stewardCreateRequire(import.meta.url);' },
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
});
