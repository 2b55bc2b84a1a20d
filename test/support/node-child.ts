import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The built modules (dist/, from `npm run build`), which child processes import like the CLI does. */
export const DIST = join(process.cwd(), 'dist', 'src');

/** Runs an ES module body in a fresh Node process; resolves its stdout, rejects with its stderr. */
export function runModule(code: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    proc.on('close', (status) => (status === 0 ? resolve(out) : reject(new Error(err))));
  });
}

/** Module code that opens a runtime and its services from the built CLI modules, as `flags` (and `env`, e.g. JIRA_URL) say. */
export function runtimePrelude(flags: Record<string, unknown>, env: Record<string, string> = {}): string {
  return `
    const { resolveConfig } = await import(${JSON.stringify(join(DIST, 'config.js'))});
    const { createRuntime } = await import(${JSON.stringify(join(DIST, 'runtime.js'))});
    const { servicesFor } = await import(${JSON.stringify(join(DIST, 'services', 'services.js'))});
    const runtime = await createRuntime(resolveConfig(${JSON.stringify(flags)}, ${JSON.stringify(env)}));
    const services = servicesFor(runtime);
  `;
}
