// The audit log: what each press office did, who did it (which key), when, and through what (API or desk).
import * as z from './schema.js';

export const AUDIT_ACTIONS = [
  'statement.submit',
  'statement.sign',
  'statement.correct',
  'statement.retract',
  'statement.schedule',
  'statement.reschedule',
  'statement.cancel',
  'attachment.upload',
  'key.create',
  'key.revoke',
  'session.start',
  'session.end',
] as const;
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

/** An office's own record of its actions; long enough to answer "who changed this last year?". */
export const AUDIT_LOG_DAYS = 730;

/** A detail is a hint (a correction note), not a copy of what changed: the statement keeps that. */
export const MAX_AUDIT_DETAIL = 300;

export const AuditEntry = z.object({
  at: z.iso.datetime(),
  party: z.string(),
  keyId: z.string(),
  /** The key's name when it acted: a key renamed or revoked later still reads as it did. */
  keyName: z.string(),
  via: z.enum(['api', 'desk']),
  action: AuditAction,
  /** What it acted on: a statement id, a key id. */
  target: z.optional(z.string()),
  detail: z.optional(z.string().check(z.maxLength(MAX_AUDIT_DETAIL))),
  ip: z.optional(z.string()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** Shortens a detail to what the log keeps, on a character boundary and marked as cut. */
export function auditDetail(text: string): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length <= MAX_AUDIT_DETAIL ? chars.join('') : `${chars.slice(0, MAX_AUDIT_DETAIL - 1).join('')}…`;
}

/** The ISO time before which entries are past keeping, from the time of a new one. */
export function auditCutoff(at: string): string {
  return new Date(Date.parse(at) - AUDIT_LOG_DAYS * 24 * 60 * 60 * 1000).toISOString();
}
