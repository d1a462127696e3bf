// A real headless Chromium (Debian's package) driven by playwright-core.
import fs from 'node:fs';
import { type BrowserContext, chromium } from 'playwright-core';
import { tempDir } from './local-platform.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** bypassCSP: only for tests that inject their own tools (axe-core) into the site's pages. */
export async function launchBrowser(
  opts: { bypassCSP?: boolean; javaScript?: boolean } = {},
): Promise<BrowserContext & { dispose(): Promise<void> }> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: run \`apt-get install -y chromium\` (as .ci/run does).`);
  const profile = tempDir('communique-chromium-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    ...(opts.bypassCSP ? { bypassCSP: true } : {}),
    ...(opts.javaScript === false ? { javaScriptEnabled: false } : {}),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return Object.assign(context, {
    async dispose() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  });
}
