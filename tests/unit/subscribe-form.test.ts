// The subscribe form (issue 9): on the home, party, country, language and topic pages, with the page's own
// choice ticked, and on /subscribe/ with every party, country, language and topic. A plain form that posts
// the API's fields to /v1/subscriptions, every control labelled, every party name escaped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPages } from '../../shared/consumers/render-pages.js';
import type { Party } from '../../shared/domain/party.js';
import { submitStatement } from '../../shared/services/statements.js';
import { CONTENT_SECURITY_POLICY } from '../../shared/site/security-headers.js';
import { buildSiteShell, publishSiteShell } from '../../shared/site/shell.js';
import { renderListingFront } from '../../shared/site/templates/listing-pages.js';
import { CHOICES_SHOWN, renderSubscribePage } from '../../shared/site/templates/subscribe-page.js';
import { aParty, aStatementInput, aStatementSummary, DEMO_PARTIES, publishedEvent, siteText } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

const partiesOf = (list: Party[]) => new Map(list.map((p) => [p.id, p]));

function listingPage(listing: string, parties = partiesOf(DEMO_PARTIES)): Promise<string> {
  return renderListingFront({
    listing,
    items: [aStatementSummary()],
    size: 1,
    parties,
    contents: 'v2 complete',
    siteUrl: 'http://localhost',
  });
}

/** The page's one subscribe form. */
function formOf(html: string): string {
  const forms = html.match(/<form class="subscribe"[\s\S]*?<\/form>/g) ?? [];
  expect(forms).toHaveLength(1);
  return forms[0] as string;
}

type Attributes = Partial<Record<string, string>>;

function attributesOf(tag: string): Attributes {
  return Object.fromEntries([...tag.matchAll(/([a-z-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

/** Every input of the form with its attributes, and whether a label names it (around it, or by `for`). */
function inputsOf(form: string): Array<Attributes & { labelled: boolean }> {
  return [...form.matchAll(/<input [^>]*>/g)].map((m) => {
    const attrs = attributesOf(m[0]);
    const before = form.slice(0, m.index);
    const insideLabel = before.lastIndexOf('<label') > before.lastIndexOf('</label>');
    const labelledFor = attrs.id !== undefined && form.includes(`<label for="${attrs.id}">`);
    return Object.assign(attrs, { labelled: insideLabel || labelledFor });
  });
}

const checkedChoices = (form: string) =>
  inputsOf(form)
    .filter((i) => i.type === 'checkbox' && i.checked !== undefined)
    .map((i) => `${i.name}=${i.value}`);

describe('the subscribe form on a listing page', () => {
  it('posts the API’s fields to /v1/subscriptions, with the party of its page ticked', async () => {
    const html = await listingPage('party:kke');
    expect(html).toContain('<section class="subscribe" id="subscribe" aria-labelledby="subscribe-heading" lang="en" dir="ltr">');
    expect(html).toContain('<h2 id="subscribe-heading">Get these statements by email</h2>');
    const form = formOf(html);
    expect(attributesOf(form.slice(0, form.indexOf('>')))).toMatchObject({ method: 'post', action: '/v1/subscriptions' });
    expect(checkedChoices(form)).toEqual(['parties=kke']);
    expect(form).toContain('Only statements of <bdi>Communist Party of Greece</bdi>');
    const inputs = inputsOf(form);
    expect(inputs.find((i) => i.name === 'email')).toMatchObject({ type: 'email', required: '', autocomplete: 'email', labelled: true });
    expect(inputs.filter((i) => i.name === 'frequency').map((i) => [i.type, i.value, i.checked])).toEqual([
      ['radio', 'immediate', ''],
      ['radio', 'daily', undefined],
      ['radio', 'weekly', undefined],
    ]);
    expect(form).toContain('<legend>How often</legend>');
    expect(form).toMatch(/<button type="submit">Subscribe<\/button>/);
    expect(form).toContain('We send a confirmation link first; every email has a link to change or stop your subscription.');
  });

  it('labels every control', async () => {
    for (const listing of ['home', 'party:kke', 'country:GR', 'language:fa', 'topic:peace']) {
      const inputs = inputsOf(formOf(await listingPage(listing)));
      expect(
        inputs.filter((i) => !i.labelled),
        listing,
      ).toEqual([]);
      expect(
        inputs
          .map((i) => i.name)
          .every((name) => ['email', 'frequency', 'parties', 'countries', 'languages', 'topics'].includes(name as string)),
      ).toBe(true);
    }
  });

  it.each([
    ['country:GR', 'countries=GR', 'Only statements on Greece'],
    ['language:fa', 'languages=fa', 'Only statements in Persian (<span lang="fa" dir="rtl">فارسی</span>)'],
    ['topic:peace', 'topics=peace', 'Only statements on the topic <bdi>peace</bdi>'],
  ])('ticks the choice of its page (%s)', async (listing, choice, label) => {
    const form = formOf(await listingPage(listing));
    expect(checkedChoices(form)).toEqual([choice]);
    expect(form).toContain(label);
  });

  it('asks for every statement on the home page: no choice to tick', async () => {
    const form = formOf(await listingPage('home'));
    expect(inputsOf(form).filter((i) => i.type === 'checkbox')).toEqual([]);
  });

  it('is not on a year’s page', async () => {
    expect(await listingPage('year:2024')).not.toContain('<form');
  });

  it('escapes a party name with markup in it', async () => {
    const parties = partiesOf([aParty({ id: 'evil', name: '<img src=x onerror="window.__pwned=1"> & "Workers"' })]);
    const escaped = '<bdi>&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt; &amp; &quot;Workers&quot;</bdi>';
    for (const html of [
      await listingPage('party:evil', parties),
      await renderSubscribePage({ parties, listings: [], siteUrl: 'http://localhost' }),
    ]) {
      expect(html).not.toContain('<img');
      expect(formOf(html)).toContain(escaped);
    }
  });

  it('may post to the site’s own origin under its content security policy', () => {
    expect(CONTENT_SECURITY_POLICY).toMatch(/(^|; )form-action 'self'(;|$)/);
  });
});

describe('the subscribe page', () => {
  it('offers a long tail of topics behind a disclosure, the most used in sight', async () => {
    const listings = Array.from({ length: CHOICES_SHOWN + 2 }, (_, i) => ({
      listing: `topic:t${String(i).padStart(2, '0')}`,
      size: i + 1,
    }));
    const form = formOf(await renderSubscribePage({ parties: partiesOf(DEMO_PARTIES), listings, siteUrl: 'http://localhost' }));
    const [shown, more] = form.split('<details>') as [string, string];
    expect(more).toContain('<summary>2 more topics</summary>');
    expect(more).toContain('value="t00"');
    expect(more).toContain('value="t01"');
    expect(shown).toContain(`value="t${CHOICES_SHOWN + 1}"`);
    expect(shown).not.toContain('value="t00"');
  });

  describe('as published', () => {
    let p: Awaited<ReturnType<typeof aLocalPlatform>>;
    beforeAll(async () => {
      p = await aLocalPlatform();
      await publishSiteShell(p.site, await buildSiteShell());
    });
    afterAll(() => p.cleanup());

    it('offers every statement until something is published', async () => {
      const html = await siteText(p.site, 'subscribe/index.html');
      expect(html).toContain('<h1>Subscribe by email</h1>');
      const form = formOf(html);
      expect(attributesOf(form.slice(0, form.indexOf('>')))).toMatchObject({ method: 'post', action: '/v1/subscriptions' });
      expect(inputsOf(form).filter((i) => i.type === 'checkbox')).toEqual([]);
    });

    it('lists every party, published or not, and the countries, languages and topics that have statements', async () => {
      const { statement } = await submitStatement(p, 'tudeh', aStatementInput({ language: 'fa', topics: ['peace'], countries: ['IR'] }));
      await renderPages(p, publishedEvent(statement));
      const form = formOf(await siteText(p.site, 'subscribe/index.html'));
      for (const legend of ['Parties', 'Countries', 'Languages', 'Topics'])
        expect(form).toContain(`<fieldset class="choices"><legend>${legend}</legend>`);
      const offered = inputsOf(form)
        .filter((i) => i.type === 'checkbox')
        .map((i) => `${i.name}=${i.value}`);
      expect(offered.filter((c) => c.startsWith('parties=')).sort()).toEqual(DEMO_PARTIES.map((party) => `parties=${party.id}`).sort());
      expect(offered.filter((c) => !c.startsWith('parties='))).toEqual(['countries=IR', 'languages=fa', 'topics=peace']);
      expect(form).toContain('<bdi>Japanese Communist Party</bdi> <span class="meta">(Japan)</span>');
      expect(checkedChoices(form)).toEqual([]);
      expect(inputsOf(form).filter((i) => !i.labelled)).toEqual([]);
    });

    it('is not replaced by the shell’s placeholder at the next start', async () => {
      await publishSiteShell(p.site, await buildSiteShell());
      expect(await siteText(p.site, 'subscribe/index.html')).toContain('value="tudeh"');
    });
  });
});
