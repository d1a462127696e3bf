// The desk's script (/assets/desk.js): a live preview of the text and direct file uploads. Every form
// works without it; it only makes them quicker. No inline script anywhere: the CSP forbids it.

type Problem = { detail?: string; errors?: Array<{ path: string; message: string }> };

const PREVIEW_DELAY_MS = 400;

function csrfOf(form: HTMLFormElement): string {
  return (form.querySelector('input[name="csrf"]') as HTMLInputElement | null)?.value ?? '';
}

async function problemText(res: Response): Promise<string> {
  try {
    const problem = (await res.json()) as Problem;
    return problem.errors?.length ? problem.errors.map((e) => e.message).join(' ') : (problem.detail ?? `error ${res.status}`);
  } catch {
    return `error ${res.status}`;
  }
}

/** Posts the desk's own fields, as its forms do, with the session's token. */
function post(path: string, form: HTMLFormElement, fields: Record<string, string>, accept = 'application/json'): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { accept, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: csrfOf(form), ...fields }),
  });
}

/** The preview follows the text and the language as the office types: the server's sanitiser makes the HTML. */
function livePreview(form: HTMLFormElement): void {
  const body = form.querySelector('textarea[name="body"]') as HTMLTextAreaElement | null;
  const preview = form.querySelector('[data-preview]') as HTMLElement | null;
  const status = form.querySelector('[data-preview-status]') as HTMLElement | null;
  const language = form.querySelector('[name="language"]') as HTMLInputElement | HTMLSelectElement | null;
  if (!body || !preview) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sent = 0;
  const update = async () => {
    const n = ++sent;
    const lang = language?.value ?? preview.lang;
    try {
      const res = await post('/desk/preview', form, { body: body.value, language: lang }, 'text/html');
      if (n !== sent) return;
      if (!res.ok) throw new Error(String(res.status));
      preview.innerHTML = await res.text();
      const dir = res.headers.get('x-text-direction') === 'rtl' ? 'rtl' : 'ltr';
      for (const el of [preview, body]) {
        el.lang = lang;
        el.dir = dir;
      }
      if (status) status.textContent = 'As readers will see it.';
    } catch {
      if (n === sent && status) status.textContent = 'The preview is not available just now; press Preview to see it.';
    }
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(update, PREVIEW_DELAY_MS);
  };
  body.addEventListener('input', later);
  language?.addEventListener('change', later);
  if (body.value.trim()) void update();
}

function hidden(name: string, value: string): HTMLInputElement {
  const input = document.createElement('input');
  input.type = 'hidden';
  input.name = name;
  input.value = value;
  return input;
}

/** An attached file in the form: its id (and name and type, to show it again), its description, a way to remove it. */
function attachedItem(file: { id: string; name: string; contentType: string }, alt: string): HTMLLIElement {
  const li = document.createElement('li');
  li.append(hidden('attachment', file.id), hidden(`name-${file.id}`, file.name), hidden(`type-${file.id}`, file.contentType));
  const name = document.createElement('span');
  name.className = 'file-name';
  name.textContent = file.name;
  li.append(name);
  if (file.contentType.startsWith('image/')) {
    const field = document.createElement('span');
    field.className = 'field';
    const label = document.createElement('label');
    label.htmlFor = `f-alt-${file.id}`;
    label.textContent = `Description of ${file.name}`;
    const input = document.createElement('input');
    input.type = 'text';
    input.id = `f-alt-${file.id}`;
    input.name = `alt-${file.id}`;
    input.value = alt;
    field.append(label, input);
    li.append(field);
  }
  const remove = document.createElement('span');
  remove.className = 'choice';
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.id = `f-remove-${file.id}`;
  box.name = 'remove';
  box.value = file.id;
  const boxLabel = document.createElement('label');
  boxLabel.htmlFor = box.id;
  boxLabel.textContent = `Remove ${file.name}`;
  remove.append(box, boxLabel);
  li.append(remove);
  return li;
}

/**
 * Uploads a chosen file at once, straight to storage: the desk prepares the upload (the API's attachment
 * service), the browser posts the file to the form it got, and the desk completes it (checked by content).
 */
function directUpload(form: HTMLFormElement): void {
  const input = form.querySelector('[data-upload] input[type="file"]') as HTMLInputElement | null;
  const altInput = form.querySelector('[data-upload] input[name="fileAlt"]') as HTMLInputElement | null;
  const list = form.querySelector('[data-attached]') as HTMLElement | null;
  const status = form.querySelector('[data-upload-status]') as HTMLElement | null;
  if (!input || !list) return;
  const say = (text: string) => {
    if (status) status.textContent = text;
  };
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    const buttons = [...form.querySelectorAll('button')];
    for (const b of buttons) b.disabled = true;
    say(`Uploading ${file.name}…`);
    try {
      const prepared = await post('/desk/attachments', form, { filename: file.name, contentType: file.type, size: String(file.size) });
      if (!prepared.ok) throw new Error(await problemText(prepared));
      const { id, upload } = (await prepared.json()) as { id: string; upload: { url: string; fields: Record<string, string> } };
      const data = new FormData();
      for (const [name, value] of Object.entries(upload.fields)) data.append(name, value);
      data.append('file', file);
      // Storage on another origin (S3) answers without CORS: the upload is checked by completing it.
      const sameOrigin = new URL(upload.url, location.href).origin === location.origin;
      const sent = await fetch(upload.url, { method: 'POST', body: data, mode: sameOrigin ? 'same-origin' : 'no-cors' });
      if (sameOrigin && !sent.ok) throw new Error(await problemText(sent));
      const completed = await post(`/desk/attachments/${encodeURIComponent(id)}/complete`, form, {});
      if (!completed.ok) throw new Error(await problemText(completed));
      const view = (await completed.json()) as { id: string; name: string; contentType: string };
      list.append(attachedItem(view, altInput?.value ?? ''));
      input.value = '';
      if (altInput) altInput.value = '';
      say(`${view.name} is attached.`);
      (list.querySelector(`#f-alt-${CSS.escape(view.id)}`) as HTMLInputElement | null)?.focus();
    } catch (e) {
      say(`${file.name} could not be attached: ${(e as Error).message}`);
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  });
}

// A page with errors opens on their summary, so that a screen reader starts there.
(document.querySelector('[data-focus-on-load]') as HTMLElement | null)?.focus();
for (const form of document.querySelectorAll<HTMLFormElement>('form[data-compose]')) {
  livePreview(form);
  directUpload(form);
}
