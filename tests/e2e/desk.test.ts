// A press officer at the web desk, in Debian's Chromium on the running platform, under the site's strict
// CSP: signs in with the keyboard, writes a statement with an image, schedules it a few seconds ahead,
// watches it publish, corrects it and retracts it; axe-core finds nothing on any desk page.
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { TINY_PNG } from '../helpers/desk-agent.js';
import { aParty, partiesAddArgs } from '../helpers/factories.js';
import { tempDir } from '../helpers/local-platform.js';
import { issueKey, type RunningPlatform, runCli, startPlatform, waitFor } from '../helpers/platform-process.js';

const dataDir = tempDir();
let platform: RunningPlatform;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let key: string;
/** Messages the page logged: a CSP violation (an inline script or style) would show up here. */
const console_: string[] = [];
const axeSource = fs.readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

beforeAll(async () => {
  for (const party of [aParty(), aParty({ id: 'tkp', name: 'Communist Party of Turkey', country: 'TR', language: 'tr' })]) {
    expect((await runCli(dataDir, partiesAddArgs(party))).code).toBe(0);
  }
  key = await issueKey(dataDir, 'kke');
  // The CSP stays on: axe is evaluated through the browser's DevTools protocol, which the page's policy does not govern.
  [platform, browser] = await Promise.all([startPlatform(dataDir, { DEMO_DATA: 'off' }), launchBrowser()]);
}, 120_000);
afterAll(async () => {
  await browser?.dispose();
  await platform?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function expectAxeClean(page: Page, name: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> } })
      .axe;
    return (await axe.run()).violations.map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
  expect(violations, name).toEqual([]);
}

/** The wall-clock time `ms` from now in the zone, as a datetime-local field takes it. */
function wallClock(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
    .format(Date.now() + ms)
    .replace(' ', 'T');
}

const publicPage = async (id: string) => {
  const res = await fetch(`${platform.url}/statements/${id}/`);
  return res.ok ? res.text() : undefined;
};

describe('the web desk', () => {
  it('sign in, compose with an image, schedule, watch it publish, correct, retract', async () => {
    const page = await browser.newPage();
    page.on('console', (m) => console_.push(m.text()));
    page.on('pageerror', (e) => console_.push(String(e)));

    // Sign in with the keyboard alone: the skip link comes first, then the desk's link, then the key.
    await page.goto(`${platform.url}/desk/`);
    expect(new URL(page.url()).pathname).toBe('/desk/sign-in');
    await expectAxeClean(page, 'sign-in');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to the main content');
    await page.keyboard.press('Enter');
    for (let i = 0; i < 5 && (await page.evaluate(() => document.activeElement?.id)) !== 'f-key'; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-key');
    await page.keyboard.type(key);
    await Promise.all([page.waitForURL(`${platform.url}/desk/`), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').textContent()).toBe('Your statements');
    const cookies = await browser.cookies(platform.url);
    expect(cookies).toEqual([
      expect.objectContaining({ name: '__Host-communique-desk', httpOnly: true, secure: true, sameSite: 'Strict' }),
    ]);
    expect(JSON.stringify(await page.evaluate(() => ({ local: { ...localStorage }, session: { ...sessionStorage } })))).not.toContain(
      'cq_',
    );
    await expectAxeClean(page, 'statements');

    // Compose: the preview follows the text; the image goes straight to storage, with its description.
    await page.getByRole('link', { name: 'Write a statement' }).first().click();
    await page.waitForURL('**/desk/statements/new');
    await page.getByLabel('Title', { exact: true }).fill('Solidarity with the dockers');
    await page.getByLabel('Summary').fill('The port stopped.');
    await page.getByLabel('Text', { exact: true }).fill('The **dockers** stopped work on Friday.');
    await page.locator('#preview strong', { hasText: 'dockers' }).waitFor();
    await page.getByLabel('Topics').fill('workers');
    await page.getByLabel('Communist Party of Turkey').check();
    await page.getByLabel('Attach a file').setInputFiles({ name: 'Dockers at the gate.png', mimeType: 'image/png', buffer: TINY_PNG });
    await page.getByText('dockers-at-the-gate.png is attached.').waitFor();
    // The description field of the new file has the focus.
    await page.keyboard.type('Dockers at the port gate');
    await expectAxeClean(page, 'compose');

    // Scheduling without a time: the form comes back with the error summary focused, and nothing lost.
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Schedule' }).click()]);
    await page.locator('.error-summary').waitFor();
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('error-summary');
    expect(await page.locator('.error-summary a').first().getAttribute('href')).toBe('#f-publishAt');
    expect(await page.getByLabel('Description of dockers-at-the-gate.png').inputValue()).toBe('Dockers at the port gate');
    expect(await page.getByLabel('Communist Party of Turkey').isChecked()).toBe(true);
    await expectAxeClean(page, 'compose with errors');

    // Schedule it eight seconds ahead, at the office's own time (Athens).
    await page.getByLabel('Publication date and time').fill(wallClock(8_000, 'Europe/Athens'));
    expect(await page.getByLabel('Time zone').inputValue()).toBe('Europe/Athens');
    await Promise.all([page.waitForURL('**/desk/scheduled/*/?done=scheduled'), page.getByRole('button', { name: 'Schedule' }).click()]);
    const id = /\/desk\/scheduled\/([a-z0-9]+)\//.exec(page.url())?.[1] as string;
    expect(await page.getByRole('status').first().textContent()).toContain('The statement is scheduled');
    await expectAxeClean(page, 'scheduled');
    expect(await publicPage(id)).toBeUndefined();

    // Watch it publish: the desk lists it as published, and its public page exists, with the image.
    await page.goto(`${platform.url}/desk/`);
    expect(await page.locator(`a[href="/desk/scheduled/${id}/"]`).count()).toBe(1);
    await waitFor(
      'the desk to list it as published',
      async () => {
        await page.reload();
        return (await page.locator(`a[href="/desk/statements/${id}/"]`).count()) === 1;
      },
      20_000,
    );
    expect(await page.locator(`a[href="/desk/scheduled/${id}/"]`).count()).toBe(0);
    const published = await waitFor('the public page', () => publicPage(id), 20_000);
    expect(published).toContain('<strong>dockers</strong>');
    expect(published).toContain('alt="Dockers at the port gate"');

    // Correct it.
    await page.locator(`a[href="/desk/statements/${id}/"]`).click();
    await page.waitForURL(`**/desk/statements/${id}/`);
    await expectAxeClean(page, 'statement');
    await page.getByRole('link', { name: 'Correct it' }).click();
    await page.waitForURL(`**/desk/statements/${id}/correct`);
    expect(await page.getByLabel('Text', { exact: true }).inputValue()).toBe('The **dockers** stopped work on Friday.');
    await page.getByLabel('Text', { exact: true }).fill('The **dockers** stopped work on Thursday.');
    await page.getByLabel('Correction note (public)').fill('Corrected the day of the strike');
    await expectAxeClean(page, 'correct');
    await Promise.all([page.waitForURL('**/?done=corrected'), page.getByRole('button', { name: 'Publish the correction' }).click()]);
    expect(await page.locator('dl.record').textContent()).toContain('corrected');
    const corrected = await waitFor(
      'the corrected page',
      async () => {
        const html = await publicPage(id);
        return html?.includes('Corrected the day of the strike') ? html : undefined;
      },
      20_000,
    );
    expect(corrected).toMatch(/Corrected on .*: <span dir="auto">Corrected the day of the strike<\/span>/s);
    expect(corrected).toContain('Thursday');

    // Retract it.
    await page.getByRole('link', { name: 'Retract it' }).click();
    await page.waitForURL(`**/desk/statements/${id}/retract`);
    await expectAxeClean(page, 'retract');
    await page.getByLabel('Reason (public)').fill('Published in error');
    await page.getByLabel('I understand').check();
    await Promise.all([page.waitForURL('**/?done=retracted'), page.getByRole('button', { name: 'Retract the statement' }).click()]);
    const retracted = await waitFor(
      'the retraction notice',
      async () => {
        const html = await publicPage(id);
        return html?.includes('Published in error') ? html : undefined;
      },
      20_000,
    );
    expect(retracted).toContain('<strong>Retracted</strong> by its author');
    expect(retracted).not.toContain('Thursday');
    await page.goto(`${platform.url}/desk/`);
    expect(await page.locator('.state-retracted').count()).toBe(1);

    // The desk's own stylesheet and script come from the site's origin, as the CSP requires.
    for (const asset of ['/assets/desk.css', '/assets/desk.js']) expect((await fetch(`${platform.url}${asset}`)).status, asset).toBe(200);
    // Nothing was blocked by the CSP, and no script failed.
    expect(console_.filter((m) => /Content Security Policy|Refused to|Uncaught/i.test(m))).toEqual([]);
  }, 120_000);

  it('works without JavaScript: sign in, write with an image posted with the form, preview, publish now', async () => {
    const plain = await launchBrowser({ javaScript: false });
    try {
      const page = await plain.newPage();
      await page.goto(`${platform.url}/desk/sign-in`);
      await page.getByLabel('Press key').fill(key);
      await Promise.all([page.waitForURL(`${platform.url}/desk/`), page.getByRole('button', { name: 'Sign in' }).click()]);
      await page.goto(`${platform.url}/desk/statements/new`);
      await page.getByLabel('Title', { exact: true }).fill('Without a script');
      await page.getByLabel('Text', { exact: true }).fill('The _preview_ is a button.');
      await page.getByLabel('Attach a file').setInputFiles({ name: 'banner.png', mimeType: 'image/png', buffer: TINY_PNG });
      await page.getByLabel('Description of the image (for an image)').fill('A red banner');
      await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Preview' }).click()]);
      await page.locator('#preview em', { hasText: 'preview' }).waitFor();
      expect(await page.getByLabel('Description of banner.png').inputValue()).toBe('A red banner');
      await Promise.all([page.waitForURL('**/?done=published'), page.getByRole('button', { name: 'Publish now' }).click()]);
      const id = /\/desk\/statements\/([a-z0-9]+)\//.exec(page.url())?.[1] as string;
      const html = await waitFor('the public page', () => publicPage(id), 20_000);
      expect(html).toContain('alt="A red banner"');
    } finally {
      await plain.dispose();
    }
  }, 60_000);
});
