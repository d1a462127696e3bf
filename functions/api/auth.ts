// Bearer press keys: which party the request acts for, and with which key (for the audit log).
import type { MiddlewareHandler } from 'hono';
import { keyName, lastUseIsCurrent, parsePressKey, secretMatches } from '../../shared/domain/press-key.js';
import { AuthenticationError } from '../../shared/errors.js';
import { type Clock, type PressKeyRepository, systemClock } from '../../shared/ports.js';

/** Who acts: set by requirePressKey (via 'api') and by the desk's session (via 'desk'); recordAction reads them. */
export interface ActorVariables {
  party: string;
  keyId: string;
  /** The key's name as shown to the office ("desk laptop", or "key <id>" for a key issued before names). */
  keyName: string;
  via: 'api' | 'desk';
}

/** A request with a press key: who acts, and whether its key may issue and revoke keys (keys.ts). */
export type AuthEnv = { Variables: ActorVariables & { manageKeys: boolean } };

export function requirePressKey(keys: PressKeyRepository, clock: Clock = systemClock): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) throw new AuthenticationError('Send your press key as "Authorization: Bearer <key>".');
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const parsed = m ? parsePressKey(m[1] as string) : undefined;
    if (!parsed) throw new AuthenticationError('The Authorization header does not hold a press key ("Bearer cq_…").');
    const record = await keys.get(parsed.keyId);
    if (!record || !secretMatches(record, parsed.secret)) throw new AuthenticationError('Unknown press key.');
    if (record.revokedAt)
      throw new AuthenticationError('This press key was revoked; use another of your keys, or ask your platform operator for one.');
    // The record just read says whether the last use is still current, so a busy key writes once a minute;
    // the write is conditional, so concurrent requests at the turn of the minute write once between them.
    const now = clock.now();
    if (!lastUseIsCurrent(record, now)) await keys.recordUse(record.keyId, now.toISOString());
    c.set('party', record.party);
    c.set('keyId', record.keyId);
    c.set('keyName', keyName(record));
    c.set('via', 'api');
    c.set('manageKeys', !record.publishOnly);
    await next();
  };
}
