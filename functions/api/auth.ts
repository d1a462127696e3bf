// Bearer press keys: which party the request acts for.
import type { MiddlewareHandler } from 'hono';
import { parsePressKey, secretMatches } from '../../shared/domain/press-key.js';
import { AuthenticationError } from '../../shared/errors.js';
import type { PressKeyRepository } from '../../shared/ports.js';

export type AuthEnv = { Variables: { party: string; keyId: string } };

export function requirePressKey(keys: PressKeyRepository): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) throw new AuthenticationError('Send your press key as "Authorization: Bearer <key>".');
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const parsed = m ? parsePressKey(m[1] as string) : undefined;
    if (!parsed) throw new AuthenticationError('The Authorization header does not hold a press key ("Bearer cq_…").');
    const record = await keys.get(parsed.keyId);
    if (!record || !secretMatches(record, parsed.secret)) throw new AuthenticationError('Unknown press key.');
    if (record.revokedAt) throw new AuthenticationError('This press key was revoked; ask your platform operator for a new one.');
    c.set('party', record.party);
    c.set('keyId', record.keyId);
    await next();
  };
}
