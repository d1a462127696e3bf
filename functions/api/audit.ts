// The audit log from the API's side: every route that changes something records what it did, once it succeeded.
import type { Context } from 'hono';
import { type AuditAction, auditDetail } from '../../shared/domain/audit.js';
import type { Platform } from '../../shared/platform.js';
import type { ActorVariables } from './auth.js';
import { clientIp } from './rate-limit.js';

/**
 * Records that the acting key (requirePressKey, or the desk's session) did `action`, on `target`. Called
 * after the change is stored, so the log never claims what did not happen. Should the log fail, the change
 * stands and is answered as done (a 5xx would make a client without an Idempotency-Key submit it twice):
 * the failure is logged as an error.
 */
export async function recordAction<E extends { Variables: ActorVariables }>(
  p: Pick<Platform, 'audit' | 'clock'>,
  c: Context<E>,
  action: AuditAction,
  target?: string,
  detail?: string,
): Promise<void> {
  const ip = clientIp(c);
  const entry = {
    at: p.clock.now().toISOString(),
    party: c.get('party'),
    keyId: c.get('keyId'),
    keyName: c.get('keyName'),
    via: c.get('via'),
    action,
    ...(target ? { target } : {}),
    ...(detail ? { detail: auditDetail(detail) } : {}),
    ...(ip !== 'unknown' ? { ip } : {}),
  };
  try {
    await p.audit.record(entry);
  } catch (error) {
    console.error(JSON.stringify({ level: 'error', message: 'audit entry not recorded', entry, error: String(error) }));
  }
}
