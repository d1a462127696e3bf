// The compose form's data: read from a post, turned into the API's StatementInput, and its errors put
// back beside the fields they are about.
import { randomToken } from '../../../shared/domain/ids.js';
import { canonicalLanguage, languageName, textDirection } from '../../../shared/domain/language.js';
import type { Party } from '../../../shared/domain/party.js';
import type { StatementInput, StatementSummary } from '../../../shared/domain/statement.js';
import type { FieldIssue } from '../../../shared/errors.js';
import type { DeskForm } from './form.js';
import type { AttachedFile, ComposeOptions, ComposeValues } from './templates/compose.js';
import type { FieldErrors } from './templates/fields.js';
import { defaultTimeZone, offsetLabel, timeZones } from './time-zone.js';

/** Offered first; the party's own language and the one chosen are added when missing. */
const COMMON_LANGUAGES = ['en', 'el', 'tr', 'fa', 'ar', 'es', 'pt', 'de', 'fr', 'it', 'ru', 'uk', 'pl', 'ja', 'ko', 'zh', 'hi', 'ur', 'he'];

const englishNames = new Intl.DisplayNames(['en'], { type: 'language' });

export function newIdempotencyKey(): string {
  return `desk-${randomToken(12)}`;
}

export function emptyCompose(party: Party | undefined): ComposeValues {
  return {
    title: '',
    summary: '',
    body: '',
    language: party?.language ?? 'en',
    topics: '',
    cosigners: [],
    translationOf: '',
    publishAt: '',
    timeZone: defaultTimeZone(party?.country),
    attachments: [],
    idempotencyKey: newIdempotencyKey(),
  };
}

/** Browsers send a textarea's line breaks as CRLF; statements keep LF. */
const lines = (text: string) => text.replace(/\r\n?/g, '\n');

/** The attachments the form carries (uploaded before), less those ticked for removal. */
function attachedFiles(form: DeskForm): AttachedFile[] {
  const removed = new Set(form.all('remove'));
  return [...new Set(form.all('attachment'))]
    .filter((id) => /^at-[a-z0-9]{8,40}$/.test(id) && !removed.has(id))
    .map((id) => ({ id, name: form.text(`name-${id}`), contentType: form.text(`type-${id}`), alt: form.text(`alt-${id}`) }));
}

export function composeValuesFrom(form: DeskForm, party: Party | undefined): ComposeValues {
  return {
    title: form.text('title'),
    summary: lines(form.text('summary')),
    body: lines(form.text('body')),
    language: form.text('language') || (party?.language ?? 'en'),
    topics: form.text('topics'),
    cosigners: form.all('cosigners'),
    translationOf: form.text('translationOf'),
    publishAt: form.text('publishAt'),
    timeZone: form.text('timeZone') || defaultTimeZone(party?.country),
    attachments: attachedFiles(form),
    idempotencyKey: /^desk-[0-9a-z]{8,40}$/.test(form.text('idempotencyKey')) ? form.text('idempotencyKey') : newIdempotencyKey(),
  };
}

/** The body of POST /v1/statements the form stands for (validated by the same schema there). */
export function statementInputOf(v: ComposeValues): StatementInput {
  return {
    title: v.title,
    summary: v.summary,
    body: v.body,
    language: v.language,
    topics: v.topics.split(/[\s,]+/).filter(Boolean),
    cosigners: v.cosigners,
    ...(v.translationOf ? { translationOf: v.translationOf } : {}),
    attachments: v.attachments.map((a) => ({ id: a.id, ...(a.alt.trim() ? { alt: a.alt } : {}) })),
  };
}

/** The form field an API field path is about ("topics.2" -> topics); what fits no field goes to the summary only. */
function fieldOf(path: string): string {
  const head = path.split('.')[0] ?? '';
  if (['title', 'summary', 'body', 'language', 'topics', 'cosigners', 'translationOf', 'attachments'].includes(head)) return head;
  if (head === 'publishAt' || head === 'publishedAt') return 'publishAt';
  if (head === 'correctionNote' || head === 'reason' || head === 'file') return head;
  return 'form';
}

/** The issues by field, an attachment's named by its file. */
export function errorsFrom(issues: FieldIssue[], attachments: AttachedFile[] = []): FieldErrors {
  const errors: FieldErrors = new Map();
  for (const issue of issues) {
    const field = fieldOf(issue.path);
    const index = /^attachments\.(\d+)/.exec(issue.path)?.[1];
    const file = index === undefined ? undefined : attachments[Number(index)]?.name;
    errors.set(field, [...(errors.get(field) ?? []), file ? `${file}: ${issue.message}` : issue.message]);
  }
  return errors;
}

export function directionOfTag(tag: string): 'ltr' | 'rtl' {
  const canonical = canonicalLanguage(tag);
  return canonical ? textDirection(canonical) : 'ltr';
}

function languageLabel(tag: string): string {
  let english = tag;
  try {
    english = englishNames.of(tag) ?? tag;
  } catch {
    // Not a tag Intl knows: shown as it is.
  }
  const own = languageName(tag);
  return own === english ? `${english} (${tag})` : `${english}: ${own} (${tag})`;
}

export function composeOptions(
  own: Party | undefined,
  parties: Party[],
  recent: StatementSummary[],
  values: Pick<ComposeValues, 'language' | 'timeZone'>,
  now: Date,
): ComposeOptions {
  const tags = [...new Set([own?.language ?? 'en', ...COMMON_LANGUAGES, values.language].filter((t) => canonicalLanguage(t)))];
  const zones = timeZones();
  return {
    languages: tags.map((t) => ({ value: t, label: languageLabel(t) })),
    parties: parties.filter((x) => x.id !== own?.id).map((x) => ({ value: x.id, label: x.name })),
    // Its own published statements that are originals: a translation of a translation translates the original.
    translatable: recent
      .filter((s) => s.party === own?.id && !s.translationOf && !s.retraction)
      .map((s) => ({ value: s.id, label: `${s.title} (${s.language})` })),
    timeZones: zones.includes(values.timeZone) ? zones : [values.timeZone, ...zones],
    zoneOffset: (() => {
      try {
        return `${offsetLabel(values.timeZone, now)} now`;
      } catch {
        return 'unknown offset';
      }
    })(),
  };
}
