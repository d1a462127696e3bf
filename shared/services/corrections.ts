// Changing a published statement: corrections (a new text with a public note, the old text kept as the
// record) and retractions (withdrawn: the page keeps its URL and says so). Both are new versions, written
// like a signature: the blob of the new version, then the row and its event in one conditional step.

import { attachmentSiteKey } from '../domain/attachment-files.js';
import type { StatementEvent } from '../domain/events.js';
import { randomToken } from '../domain/ids.js';
import { type Attachment, CorrectionInput, RetractionInput, type Statement } from '../domain/statement.js';
import { ConflictError, ForbiddenError, fieldIssues, PreconditionRequiredError, ValidationError, VersionMismatchError } from '../errors.js';
import type { Platform } from '../platform.js';
import { publishAttachmentFiles, resolveAttachments } from './attachments.js';
import { storeNextVersion } from './next-version.js';
import { readStatement, requireStatement, type StatementStore } from './read-statement.js';
import { textOf } from './statements.js';
import { unlinkTranslation } from './translations.js';

type ChangePlatform = StatementStore & Pick<Platform, 'clock' | 'config' | 'attachments' | 'site'>;

/** A statement's entity tag: its version, quoted ("2"). */
export function statementEtag(s: Pick<Statement, 'version'>): string {
  return `"${s.version}"`;
}

/** The version an If-Match header names ("2", W/"2", 2, or * for whatever is current); undefined when it names none. */
export function versionOfIfMatch(header: string | undefined, current: number): number | undefined {
  if (header === undefined) return undefined;
  const tags = header.split(',').map((t) => t.trim());
  if (tags.includes('*')) return current;
  // A list of entity tags matches if any does (RFC 9110 13.1.1).
  const versions = tags.flatMap((t) => {
    const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(t);
    return m ? [Number(m[1])] : [];
  });
  return versions.includes(current) ? current : versions[0];
}

/** At most this many corrections a statement: each stays stored and on its history page. */
export const MAX_CORRECTIONS = 50;

/** The statement as its author may change it now: stored, theirs, not retracted, and at the version the change was made from. */
async function changeable(p: ChangePlatform, party: string, id: string, ifMatch: string | undefined): Promise<Statement> {
  const current = await requireStatement(p, id);
  if (current.party !== party) throw new ForbiddenError(`Only its author, "${current.party}", may change this statement.`);
  if (current.retraction) throw new ConflictError('This statement was retracted; it can no longer be changed.');
  if (ifMatch === undefined) {
    throw new PreconditionRequiredError(
      'Send If-Match with the ETag of the version you changed (GET /v1/statements/{id} gives it), so that no change made meanwhile is overwritten.',
    );
  }
  if (versionOfIfMatch(ifMatch, current.version) !== current.version) {
    throw new VersionMismatchError(
      `The statement is at version ${current.version} (ETag ${statementEtag(current)}), not the one named by If-Match: read it again and apply your change to it.`,
    );
  }
  if ((current.corrections?.length ?? 0) >= MAX_CORRECTIONS) {
    throw new ConflictError(
      `This statement was corrected ${MAX_CORRECTIONS} times, the most a statement takes: publish a new statement instead.`,
    );
  }
  return current;
}

function lostRace(): never {
  throw new VersionMismatchError(
    'The statement changed while your change was being stored (a cosigner signed, or another edit); read it again.',
  );
}

/**
 * A correction: the new text replaces the old on the page, listings, feeds and search, with a public note;
 * the readers are mailed the corrected version only when the office asks (notifySubscribers).
 */
export async function correctStatement(
  p: ChangePlatform,
  party: string,
  id: string,
  body: unknown,
  ifMatch: string | undefined,
): Promise<Statement> {
  const parsed = CorrectionInput.safeParse(body);
  if (!parsed.success) throw new ValidationError('The correction is not valid.', fieldIssues(parsed.error.issues));
  const input = parsed.data;
  const current = await changeable(p, party, id, ifMatch);
  if (input.notifySubscribers && current.translationOf) {
    throw new ValidationError('A translation is mailed with the statement it translates, not on its own.', [
      { path: 'notifySubscribers', message: `correct "${current.translationOf}" to mail its readers again` },
    ]);
  }
  const attachments = await resolveAttachments(p, party, input.attachments);
  const now = p.clock.now().toISOString();
  const version = current.version + 1;
  const revision = randomToken(8);
  const next: Statement = {
    ...current,
    version,
    revision,
    ...textOf(p, input),
    countries: input.countries ? [...new Set(input.countries)] : current.countries,
    attachments,
    corrections: [
      ...(current.corrections ?? []),
      { version, revision, at: now, note: input.correctionNote, notified: input.notifySubscribers },
    ],
    // Not given: kept (a form that does not show it must not erase it).
    ...(input.sourceUrl ? { sourceUrl: input.sourceUrl } : {}),
  };
  const event: StatementEvent = { type: 'statement.corrected', statementId: id, version, party, occurredAt: now };
  await publishAttachmentFiles(p, attachments);
  if (!(await storeNextVersion(p, current, next, event))) lostRace();
  const kept = new Set(attachments.map((a) => a.id));
  await withdrawAttachmentFiles(
    p,
    next,
    (current.attachments ?? []).filter((a) => !kept.has(a.id)),
  );
  return next;
}

/**
 * Takes a statement's attachments off the site (it was retracted, or a correction dropped them), but not one
 * that another language version of it still shows. A file withdrawn late (a crash before this step) is
 * withdrawn by the retried request.
 */
async function withdrawAttachmentFiles(p: ChangePlatform, statement: Statement, attachments: Attachment[]): Promise<void> {
  if (attachments.length === 0) return;
  const originalId = statement.translationOf ?? statement.id;
  const original = originalId === statement.id ? statement : await readStatement(p, originalId);
  // The other live versions: this one, and those retracted (their files left already), need no read.
  const others = (original?.translations ?? []).filter((t) => t.id !== statement.id && !t.retracted);
  const family = [original, ...(await Promise.all(others.map((t) => readStatement(p, t.id))))];
  const shown = new Set(family.flatMap((s) => (s && s.id !== statement.id && !s.retraction ? (s.attachments ?? []).map((a) => a.id) : [])));
  const keys = attachments.filter((a) => !shown.has(a.id)).map((a) => attachmentSiteKey(a.id, a.name));
  if (keys.length) await p.site.delete(keys);
}

/**
 * A retraction: the statement leaves the listings, feeds carry the notice, search drops it, its files leave
 * the site; its URL stays. A retracted translation leaves its original's languages. Safe to retry: a
 * retraction already stored is finished, not made again.
 */
export async function retractStatement(p: ChangePlatform, party: string, id: string, body: unknown): Promise<Statement> {
  const parsed = RetractionInput.safeParse(body);
  if (!parsed.success) throw new ValidationError('The retraction is not valid.', fieldIssues(parsed.error.issues));
  for (let attempt = 0; attempt < RETRACT_ATTEMPTS; attempt++) {
    const current = await requireStatement(p, id);
    if (current.party !== party) throw new ForbiddenError(`Only its author, "${current.party}", may retract this statement.`);
    let retracted = current;
    if (!current.retraction) {
      const now = p.clock.now().toISOString();
      const version = current.version + 1;
      retracted = { ...current, version, revision: randomToken(8), retraction: { at: now, reason: parsed.data.reason, version } };
      const event: StatementEvent = { type: 'statement.retracted', statementId: id, version, party, occurredAt: now };
      // A signature or a translation's link landed meanwhile: read it again and retract that.
      if (!(await storeNextVersion(p, current, retracted, event))) continue;
    }
    await unlinkTranslation(p, retracted);
    await withdrawAttachmentFiles(p, retracted, retracted.attachments ?? []);
    return retracted;
  }
  throw new ConflictError('The statement kept changing while it was being retracted; try again.');
}

const RETRACT_ATTEMPTS = 5;
