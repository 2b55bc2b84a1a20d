// Part of `npm install` in a checkout (the `prepare` script): installs the pinned MCP
// conformance suite and the Node 22 it needs into test/http/conformance, so `npm test` can run
// it without the network. Does nothing outside a checkout (the folder is not published).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(process.cwd(), 'test', 'http', 'conformance');
const installed = existsSync(join(dir, 'node_modules', '@modelcontextprotocol', 'conformance')) && existsSync(join(dir, 'node_modules', 'node', 'bin', 'node'));
if (existsSync(join(dir, 'package-lock.json')) && !installed) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  try {
    execFileSync(npm, ['ci', '--prefix', dir, '--no-fund', '--no-audit', '--loglevel=error'], { stdio: 'inherit' });
  } catch {
    console.error('confluence-steward: could not install the MCP conformance suite; its test in npm test will fail until `npm ci --prefix test/http/conformance` succeeds');
  }
}
