import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/**
 * The browser the console's browser test drives through playwright-core, never one downloaded
 * at test time. In order: `STEWARD_CHROMIUM` (a path to a chromium binary; the word `bundled`
 * forces the npm package), a system chromium at /usr/bin/chromium, else the headless Chromium
 * shipped inside the `@sparticuz/chromium` devDependency (x64 Linux; it inflates itself into the
 * temporary directory on first use, ~2 s). So `npm install && npm test` needs nothing installed
 * by hand.
 */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Flags for every launch: the tests run offline, so nothing may reach for the network. */
const OFFLINE = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface ChromiumChoice {
  source: 'STEWARD_CHROMIUM' | 'system' | '@sparticuz/chromium';
  executablePath: string;
  args: string[];
}

export async function chooseChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumChoice> {
  const wanted = env.STEWARD_CHROMIUM?.trim();
  if (wanted && wanted !== 'bundled') {
    if (!existsSync(wanted)) throw new Error(`STEWARD_CHROMIUM=${wanted} does not exist`);
    return { source: 'STEWARD_CHROMIUM', executablePath: wanted, args: ['--headless', '--disable-gpu', ...OFFLINE] };
  }
  if (!wanted && existsSync(SYSTEM_CHROMIUM)) {
    return { source: 'system', executablePath: SYSTEM_CHROMIUM, args: ['--headless', '--disable-gpu', ...OFFLINE] };
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`no chromium: the @sparticuz/chromium build is for x64 Linux; on ${process.platform}-${process.arch} set STEWARD_CHROMIUM to a chromium or chrome binary`);
  }
  const { default: bundled } = await import('@sparticuz/chromium');
  const executablePath = await bundled.executablePath();
  return { source: '@sparticuz/chromium', executablePath, args: [...new Set([...bundled.args, ...OFFLINE])] };
}

/** Launches the chosen chromium (playwright-core gives it a fresh profile, removed on close). */
export async function launchChromium(env: NodeJS.ProcessEnv = process.env): Promise<{ browser: Browser; choice: ChromiumChoice }> {
  const choice = await chooseChromium(env);
  const browser = await chromium.launch({ executablePath: choice.executablePath, args: choice.args });
  return { browser, choice };
}
