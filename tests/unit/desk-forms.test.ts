// The desk's forms through app.request(): composing (publish now, schedule, preview, files), correcting,
// retracting, and changing or cancelling a scheduled statement, each as the API's own services do it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.js';
import { readStatement } from '../../shared/services/read-statement.js';
import { aPressKey, DeskAgent, TINY_PNG } from '../helpers/desk-agent.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

type P = Awaited<ReturnType<typeof aLocalPlatform>>;
let p: P;
let app: ReturnType<typeof createApp>;
let desk: DeskAgent;

const statementCount = () => (p.db.prepare('SELECT count(*) AS n FROM statements').get() as { n: number }).n;
const idIn = (location: string | null) => /\/desk\/(?:statements|scheduled)\/([a-z0-9]+)\//.exec(location ?? '')?.[1] as string;

const aStatement = (over: Record<string, string | string[]> = {}) => ({
  title: 'On the dockers’ strike',
  summary: 'The port stopped.',
  body: 'The **dockers** stopped work.\r\n\r\nSolidarity.',
  language: 'el',
  topics: 'workers, strikes',
  action: 'publish',
  ...over,
});

async function publish(over: Record<string, string | string[]> = {}): Promise<string> {
  await desk.get('/desk/statements/new');
  const res = await desk.post('/desk/statements', aStatement(over));
  expect(res.status, desk.lastPage.slice(0, 2000)).toBe(303);
  return idIn(res.headers.get('location'));
}

beforeEach(async () => {
  p = await aLocalPlatform();
  app = createApp(p);
  desk = new DeskAgent(app);
  await desk.signIn((await aPressKey(p, 'kke')).key);
});
afterEach(() => p.cleanup());

describe('writing a statement', () => {
  it('offers every field with its label, the other parties to invite, and the office’s time zone', async () => {
    await desk.get('/desk/statements/new');
    for (const label of ['Title', 'Summary', 'Text', 'Language', 'Topics', 'Translation of', 'Publication date and time', 'Time zone']) {
      expect(desk.lastPage, label).toMatch(new RegExp(`<label for="f-[a-zA-Z]+">${label}</label>`));
    }
    expect(desk.lastPage).toContain('<legend>Co-signers to invite</legend>');
    expect(desk.lastPage).toContain('value="tkp"');
    expect(desk.lastPage).not.toContain('name="cosigners" value="kke"');
    expect(desk.lastPage).toMatch(/<option value="Europe\/Athens" selected="">/);
    expect(desk.lastPage).toMatch(/In the time zone below \(Europe\/Athens, UTC\+0[23]:00 now\)/);
    expect(desk.lastPage).toContain('enctype="multipart/form-data"');
  });

  it('publishes now through the API’s submission: the same statement, invitations and audit entry', async () => {
    const id = await publish({ cosigners: ['tkp'] });
    const s = await readStatement(p, id);
    expect(s).toMatchObject({
      party: 'kke',
      title: 'On the dockers’ strike',
      bodyMarkdown: 'The **dockers** stopped work.\n\nSolidarity.',
      topics: ['workers', 'strikes'],
      invited: ['tkp'],
      language: 'el',
    });
    expect(s?.bodyHtml).toContain('<strong>dockers</strong>');
    const [entry] = (await p.audit.list('kke', { limit: 1 })).items;
    expect(entry).toMatchObject({ action: 'statement.submit', target: id, via: 'desk' });
    await desk.get(`/desk/statements/${id}/?done=published`);
    expect(desk.lastPage).toContain('<p class="notice" role="status">The statement is published.');
    await desk.get('/desk/');
    expect(desk.lastPage).toContain(`href="/desk/statements/${id}/"`);
    expect(desk.lastPage).toContain('<li class="state state-awaiting-signatures">awaiting signatures</li>');
  });

  it('stores one statement when the same form is sent twice', async () => {
    await desk.get('/desk/statements/new');
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(desk.lastPage)?.[1] as string;
    const first = await desk.post('/desk/statements', aStatement({ idempotencyKey: key }));
    const second = await desk.post('/desk/statements', aStatement({ idempotencyKey: key }));
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(statementCount()).toBe(1);
  });

  it('shows every error beside its field and in a linked summary, keeps the text, and stores nothing', async () => {
    await desk.get('/desk/statements/new');
    const res = await desk.post('/desk/statements', aStatement({ title: '', topics: 'good bad!topic', body: 'Kept **text**' }));
    expect(res.status).toBe(422);
    const page = desk.lastPage;
    expect(page).toMatch(/<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1"/);
    expect(page).toContain('<a href="#f-title">Title: ');
    expect(page).toContain('<a href="#f-topics">Topics: ');
    expect(page).toMatch(
      /<p class="field-error" id="f-title-error">.*<input type="text" id="f-title" name="title" value="" required="" aria-invalid="true" aria-describedby="f-title-error"/s,
    );
    expect(page).toContain('Kept **text**</textarea>');
    expect(page).toContain('<strong>text</strong>');
    expect(statementCount()).toBe(0);
  });

  it('refuses a schedule without a time, or in the past, beside the time field', async () => {
    await desk.get('/desk/statements/new');
    for (const publishAt of ['', '2020-01-01T10:00', '2026-02-30T10:00']) {
      const res = await desk.post('/desk/statements', aStatement({ action: 'schedule', publishAt, timeZone: 'Europe/Athens' }));
      expect(res.status, publishAt).toBe(422);
      expect(desk.lastPage).toContain('<a href="#f-publishAt">Publication date and time: ');
    }
    expect(statementCount()).toBe(0);
    expect((await p.scheduled.listForParty('kke', { limit: 10 })).items).toEqual([]);
  });

  it('schedules at a wall-clock time of the office’s time zone, and lists it as scheduled', async () => {
    const year = new Date().getUTCFullYear() + 1;
    await desk.get('/desk/statements/new');
    const res = await desk.post(
      '/desk/statements',
      aStatement({ action: 'schedule', publishAt: `${year}-07-01T09:30`, timeZone: 'Asia/Tehran' }),
    );
    expect(res.status, desk.lastPage.slice(0, 3000)).toBe(303);
    const id = idIn(res.headers.get('location'));
    expect(res.headers.get('location')).toBe(`/desk/scheduled/${id}/?done=scheduled`);
    // Tehran keeps +03:30 all year.
    expect((await p.scheduled.get('kke', id))?.publishAt).toBe(`${year}-07-01T06:00:00.000Z`);
    expect(statementCount()).toBe(0);
    await desk.get('/desk/');
    expect(desk.lastPage).toContain(`href="/desk/scheduled/${id}/"`);
    expect(desk.lastPage).toContain('<li class="state state-scheduled">scheduled</li>');
  });

  it('previews with the sanitiser of the published page, in the language’s direction', async () => {
    await desk.get('/desk/statements/new');
    const res = await desk.post('/desk/preview', {
      body: '**Bold** <script>alert(1)</script><img src="https://tracker.example/p.png">',
      language: 'fa',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-text-direction')).toBe('rtl');
    const html = await res.text();
    expect(html).toContain('<strong>Bold</strong>');
    expect(html).not.toContain('script');
    expect(html).not.toContain('tracker.example');
    expect((await desk.post('/desk/preview', { body: 'x' }, { csrf: null })).status).toBe(403);
  });

  it('attaches an image posted with the form (no script), with its description, to the statement', async () => {
    await desk.get('/desk/statements/new');
    const fields = { ...aStatement(), action: 'preview', fileAlt: 'The dockers at the gate' };
    const res = await desk.postMultipart('/desk/statements', fields, {
      file: new File([TINY_PNG], 'Gate photo.png', { type: 'image/png' }),
    });
    expect(res.status).toBe(200);
    const id = /name="attachment" value="(at-[a-z0-9]+)"/.exec(desk.lastPage)?.[1] as string;
    expect(desk.lastPage).toContain(`value="The dockers at the gate"`);
    const sid = await publish({
      attachment: id,
      [`name-${id}`]: 'gate-photo.png',
      [`type-${id}`]: 'image/png',
      [`alt-${id}`]: 'The dockers at the gate',
    });
    expect((await readStatement(p, sid))?.attachments).toEqual([
      { id, name: 'gate-photo.png', contentType: 'image/png', size: TINY_PNG.byteLength, alt: 'The dockers at the gate' },
    ]);
  });

  it('refuses a file that is not what it claims, and an image without its description', async () => {
    await desk.get('/desk/statements/new');
    const html = new File(['<html><script>alert(1)</script>'], 'photo.png', { type: 'image/png' });
    expect((await desk.postMultipart('/desk/statements', aStatement(), { file: html })).status).toBe(422);
    expect(desk.lastPage).toContain('<a href="#f-file">Attach a file: photo.png is not a PDF, JPEG, PNG or WebP file');
    const res = await desk.postMultipart('/desk/statements', aStatement(), { file: new File([TINY_PNG], 'gate.png') });
    expect(res.status).toBe(422);
    expect(desk.lastPage).toContain('<a href="#attachments">Attachments: gate.png: an image needs its alt text');
    expect(statementCount()).toBe(0);
  });

  it('lets the page’s script upload straight to storage: prepare, upload, complete', async () => {
    await desk.get('/desk/statements/new');
    const json = { accept: 'application/json' };
    const prepared = await desk.post(
      '/desk/attachments',
      { filename: 'gate.png', contentType: 'image/png', size: String(TINY_PNG.byteLength) },
      { headers: json },
    );
    expect(prepared.status).toBe(201);
    const { id, upload } = (await prepared.json()) as { id: string; upload: { url: string; fields: Record<string, string> } };
    const form = new FormData();
    for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
    form.append('file', new File([TINY_PNG], 'gate.png', { type: 'image/png' }));
    expect((await app.request(upload.url, { method: 'POST', body: form })).status).toBe(204);
    const completed = await desk.post(`/desk/attachments/${id}/complete`, {}, { headers: json });
    expect(completed.status).toBe(200);
    expect(await completed.json()).toMatchObject({ id, name: 'gate.png', contentType: 'image/png', state: 'completed' });
    // Errors reach the script as problem+json.
    const refused = await desk.post(
      '/desk/attachments',
      { filename: 'x.exe', contentType: 'application/x-msdownload', size: '10' },
      { headers: json },
    );
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('an invitation to sign', () => {
  it('is listed for the invited office, which signs it with one button; then it is its statement too', async () => {
    const id = await publish({ cosigners: ['tkp'], title: 'Joint statement on the strike' });
    const tkp = new DeskAgent(app);
    await tkp.signIn((await aPressKey(p, 'tkp')).key);
    await tkp.get('/desk/');
    expect(tkp.lastPage).toContain('<h2 id="invitations-heading">Awaiting your signature</h2>');
    expect(tkp.lastPage).toContain(`action="/desk/statements/${id}/sign"`);
    // Not without the form's token.
    expect((await tkp.post(`/desk/statements/${id}/sign`, {}, { csrf: null })).status).toBe(403);
    const signed = await tkp.post(`/desk/statements/${id}/sign`, {});
    expect(signed.status).toBe(303);
    expect(signed.headers.get('location')).toBe('/desk/?done=signed');
    expect((await readStatement(p, id))?.cosigners).toEqual(['tkp']);
    const [entry] = (await p.audit.list('tkp', { limit: 1 })).items;
    expect(entry).toMatchObject({ action: 'statement.sign', target: id, via: 'desk' });
    await tkp.get('/desk/?done=signed');
    expect(tkp.lastPage).not.toContain('Awaiting your signature');
    expect(tkp.lastPage).toContain(`href="/desk/statements/${id}/"`);
    // An office that was not invited cannot sign it.
    const jcp = new DeskAgent(app);
    await jcp.signIn((await aPressKey(p, 'jcp')).key);
    await jcp.get('/desk/');
    expect((await jcp.post(`/desk/statements/${id}/sign`, {})).status).toBe(403);
  });
});

describe('correcting and retracting', () => {
  it('corrects with a public note, prefilled with the current text', async () => {
    const id = await publish();
    await desk.get(`/desk/statements/${id}/correct`);
    expect(desk.lastPage).toContain('The **dockers** stopped work.');
    expect(desk.lastPage).toContain('name="version" value="1"');
    const res = await desk.post(`/desk/statements/${id}/correct`, {
      version: '1',
      title: 'On the dockers’ strike',
      body: 'The **dockers** stopped work on Monday.',
      topics: 'workers',
      correctionNote: 'Added the day',
    });
    expect(res.status, desk.lastPage.slice(0, 3000)).toBe(303);
    const s = await readStatement(p, id);
    expect(s?.bodyMarkdown).toBe('The **dockers** stopped work on Monday.');
    expect(s?.corrections).toEqual([expect.objectContaining({ version: 2, note: 'Added the day', notified: false })]);
    await desk.get(`/desk/statements/${id}/`);
    expect(desk.lastPage).toContain('<dd>corrected</dd>');
    expect(desk.lastPage).toContain(`href="/statements/${id}/history/"`);
  });

  it('refuses a correction made from an older version, with a clear message, and keeps the office’s text', async () => {
    const id = await publish();
    const correction = { version: '1', title: 'T', body: 'First edit', correctionNote: 'One' };
    await desk.get(`/desk/statements/${id}/correct`);
    expect((await desk.post(`/desk/statements/${id}/correct`, correction)).status).toBe(303);
    const res = await desk.post(`/desk/statements/${id}/correct`, { ...correction, body: 'A stale edit', correctionNote: 'Two' });
    expect(res.status).toBe(412);
    expect(desk.lastPage).toContain('The statement was changed since you opened this form (you edited version 1; it is now at version 2).');
    expect(desk.lastPage).toContain('A stale edit</textarea>');
    expect((await readStatement(p, id))?.bodyMarkdown).toBe('First edit');
  });

  it('requires a note for a correction, and a confirmed reason for a retraction', async () => {
    const id = await publish();
    await desk.get(`/desk/statements/${id}/correct`);
    expect((await desk.post(`/desk/statements/${id}/correct`, { version: '1', title: 'T', body: 'B', correctionNote: '' })).status).toBe(
      422,
    );
    expect(desk.lastPage).toContain('<a href="#f-correctionNote">Correction note: ');
    await desk.get(`/desk/statements/${id}/retract`);
    expect((await desk.post(`/desk/statements/${id}/retract`, { reason: 'Sent by mistake' })).status).toBe(422);
    expect(desk.lastPage).toContain('<a href="#f-confirm">Confirmation: tick the box');
    expect((await readStatement(p, id))?.retraction).toBeUndefined();
    const res = await desk.post(`/desk/statements/${id}/retract`, { reason: 'Sent by mistake', confirm: 'yes' });
    expect(res.status).toBe(303);
    expect((await readStatement(p, id))?.retraction?.reason).toBe('Sent by mistake');
    await desk.get('/desk/');
    expect(desk.lastPage).toContain('<li class="state state-retracted">retracted</li>');
    await desk.get(`/desk/statements/${id}/`);
    expect(desk.lastPage).not.toContain('Correct it');
  });
});

describe('a scheduled statement', () => {
  async function schedule(): Promise<string> {
    await desk.get('/desk/statements/new');
    const year = new Date().getUTCFullYear() + 1;
    const res = await desk.post('/desk/statements', aStatement({ action: 'schedule', publishAt: `${year}-03-01T12:00`, timeZone: 'UTC' }));
    return idIn(res.headers.get('location'));
  }

  it('is changed from its page, prefilled with its text and time', async () => {
    const id = await schedule();
    await desk.get(`/desk/scheduled/${id}/`);
    expect(desk.lastPage).toContain('The **dockers** stopped work.');
    const year = new Date().getUTCFullYear() + 1;
    expect(desk.lastPage).toContain(`value="${year}-03-01T14:00:00"`);
    const revision = /name="revision" value="(\d+)"/.exec(desk.lastPage)?.[1] as string;
    const res = await desk.post(
      `/desk/scheduled/${id}/`,
      aStatement({ action: 'schedule', revision, title: 'Moved', publishAt: `${year}-03-02T09:00`, timeZone: 'Europe/Athens' }),
    );
    expect(res.status, desk.lastPage.slice(0, 3000)).toBe(303);
    expect(await p.scheduled.get('kke', id)).toMatchObject({ title: 'Moved', publishAt: `${year}-03-02T07:00:00.000Z` });
    // The form it was made from is now out of date.
    expect(
      (await desk.post(`/desk/scheduled/${id}/`, aStatement({ action: 'schedule', revision, publishAt: `${year}-03-03T09:00` }))).status,
    ).toBe(412);
  });

  it('is cancelled only with confirmation, and is then gone', async () => {
    const id = await schedule();
    await desk.get(`/desk/scheduled/${id}/`);
    const revision = /name="revision" value="(\d+)"/.exec(desk.lastPage)?.[1] as string;
    expect((await desk.post(`/desk/scheduled/${id}/cancel`, { revision })).status).toBe(422);
    const res = await desk.post(`/desk/scheduled/${id}/cancel`, { revision, confirm: 'yes' });
    expect(res.headers.get('location')).toBe('/desk/?done=cancelled');
    expect(await p.scheduled.get('kke', id)).toBeUndefined();
    expect((await desk.get(`/desk/scheduled/${id}/`)).status).toBe(404);
  });
});
