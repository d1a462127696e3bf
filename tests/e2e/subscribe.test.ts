// A reader subscribes from a party's page in a browser without JavaScript, confirms from the email, and
// receives that party's next statement: the running platform, Debian's Chromium, the outbox's .eml files.
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { aStatementInput, partiesAddArgs } from '../helpers/factories.js';
import { tempDir } from '../helpers/local-platform.js';
import { issueKey, type RunningPlatform, runCli, startPlatform, waitFor } from '../helpers/platform-process.js';

const dataDir = tempDir();
let platform: RunningPlatform | undefined;

afterAll(async () => {
  await platform?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function mailsTo(address: string) {
  const dir = path.join(dataDir, 'outbox');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.eml')) : [];
  const mails = await Promise.all(files.map((f) => simpleParser(fs.readFileSync(path.join(dir, f)))));
  return mails.filter((m) => (m.to as { text: string }).text === address);
}

describe('subscribing from the site', () => {
  it('subscribe -> confirm -> receive, without JavaScript', async () => {
    expect((await runCli(dataDir, partiesAddArgs())).code).toBe(0);
    const key = await issueKey(dataDir, 'kke');
    platform = await startPlatform(dataDir, { DEMO_DATA: 'off' });
    const url = platform.url;
    const submit = async (title: string) => {
      const res = await fetch(`${url}/v1/statements`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(aStatementInput({ title })),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const first = await submit('Before the reader subscribed');
    await waitFor('the party page', async () => (await fetch(`${url}/parties/kke/`)).ok, 20_000);

    const browser = await launchBrowser({ javaScript: false });
    try {
      const page = await browser.newPage();
      await page.goto(`${url}/parties/kke/`);
      const form = page.locator('section#subscribe form');
      // The party's own page pre-fills the choice of that party.
      expect(await form.locator('input[name="parties"][value="kke"]').isChecked()).toBe(true);
      await form.locator('input[name="email"]').fill('reader@example.org');
      await form.locator('button[type="submit"]').click();
      await page.waitForLoadState();
      expect(await page.locator('h1').textContent()).toBe('Check your inbox');

      const [confirmation] = await waitFor(
        'the confirmation email',
        async () => {
          const mails = await mailsTo('reader@example.org');
          return mails.length ? mails : undefined;
        },
        20_000,
      );
      expect(confirmation?.subject).toBe('Confirm your subscription');
      const link = confirmation?.text?.match(/http:\/\/127\.0\.0\.1:\d+\/v1\/subscriptions\/confirm\?token=[\w.-]+/)?.[0];
      expect(link).toBeDefined();
      await page.goto(link as string);
      await page.locator('form button[type="submit"]').click();
      await page.waitForLoadState();
      expect(await page.locator('h1').textContent()).toBe('Subscribed');
    } finally {
      await browser.dispose();
    }

    const second = await submit('After the reader confirmed');
    const mails = await waitFor(
      'the statement email',
      async () => {
        const all = await mailsTo('reader@example.org');
        return all.length >= 2 ? all : undefined;
      },
      20_000,
    );
    const statementMail = mails.find((m) => m.subject === 'After the reader confirmed');
    expect(statementMail?.text).toContain(`/statements/${second}/`);
    // Nothing from before the subscription, and nothing twice.
    expect(mails.map((m) => m.subject).sort()).toEqual(['After the reader confirmed', 'Confirm your subscription']);
    expect(mails.some((m) => m.text?.includes(first))).toBe(false);
  }, 90_000);
});
