// The office's own press keys (list, issue, revoke: rotation without downtime) and its audit log.
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { keyName, PressKeyName, type PressKeyRecord } from '../../shared/domain/press-key.js';
import * as z from '../../shared/domain/schema.js';
import { ForbiddenError, fieldIssues, ValidationError } from '../../shared/errors.js';
import type { Platform } from '../../shared/platform.js';
import { issueNamedKey, ownKey, revokeOwnKey } from '../../shared/services/press-keys.js';
import { recordAction } from './audit.js';
import { type AuthEnv, requirePressKey } from './auth.js';
import { declaredBodyLimit, readJsonBody } from './body.js';
import { PageQuery, pagedJson, pageQuery } from './paging.js';

type KeysPlatform = Pick<Platform, 'keys' | 'sessions' | 'audit' | 'clock'>;

/** A name is all a key request holds. */
const MAX_KEY_REQUEST_BYTES = 4096;

export const KeyRequest = z.object({
  name: PressKeyName,
  /** Whether the new key may issue and revoke keys too (only a key that may asks); default: publishing only. */
  manageKeys: z._default(z.boolean(), false),
});

/** A key as its office sees it: never its secret or hash; `current` marks the key this request was made with. */
export const KeyView = z.object({
  keyId: z.string(),
  name: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.nullable(z.iso.datetime()),
  revokedAt: z.nullable(z.iso.datetime()),
  /** Whether it issues and revokes the office's keys; a key for publishing only does not. */
  manageKeys: z.boolean(),
  current: z.boolean(),
});

export function keyView(k: PressKeyRecord, callerKeyId: string): z.infer<typeof KeyView> {
  return {
    keyId: k.keyId,
    name: keyName(k),
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt ?? null,
    revokedAt: k.revokedAt ?? null,
    manageKeys: !k.publishOnly,
    current: k.keyId === callerKeyId,
  };
}

async function readKeyRequest(req: Request): Promise<z.infer<typeof KeyRequest>> {
  const body = await readJsonBody(req, MAX_KEY_REQUEST_BYTES, {
    what: 'key request',
    tooLarge: `A key request is at most ${MAX_KEY_REQUEST_BYTES} bytes.`,
  });
  const parsed = KeyRequest.safeParse(body);
  if (!parsed.success) throw new ValidationError('The key request is not valid.', fieldIssues(parsed.error.issues));
  return parsed.data;
}

/**
 * Managing keys takes a key that manages keys (the operator's, or one issued with manageKeys): a key for
 * publishing only, leaked, cannot mint keys that outlive its revocation, nor lock the office out.
 */
function requireKeyManager(c: Context<AuthEnv>): void {
  if (!c.get('manageKeys')) {
    throw new ForbiddenError(
      'This key publishes only: issuing and revoking keys takes a key that manages keys (the one your operator issued, or one issued with "manageKeys": true).',
    );
  }
}

export function addKeyRoutes(v1: Hono<AuthEnv>, p: KeysPlatform, perPressKey: MiddlewareHandler<AuthEnv>): void {
  const auth = requirePressKey(p.keys, p.clock);

  v1.get('/keys', auth, perPressKey, async (c) => {
    const keys = await p.keys.listForParty(c.get('party'));
    return c.json({ items: keys.map((k) => keyView(k, c.get('keyId'))) });
  });

  // Rotation: issue a key here while the old one still works, switch to it, then DELETE the old one.
  v1.post('/keys', declaredBodyLimit(MAX_KEY_REQUEST_BYTES), auth, perPressKey, async (c) => {
    const { name, manageKeys } = await readKeyRequest(c.req.raw);
    requireKeyManager(c);
    const { key, record } = await issueNamedKey(p, c.get('party'), name, !manageKeys);
    await recordAction(p, c, 'key.create', record.keyId, name);
    c.header('location', `/v1/keys/${record.keyId}`);
    // The only time the key is shown: no cache along the way may keep it.
    c.header('cache-control', 'no-store');
    return c.json({ ...keyView(record, c.get('keyId')), key }, 201);
  });

  v1.get('/keys/:keyId', auth, perPressKey, async (c) =>
    c.json(keyView(await ownKey(p, c.get('party'), c.req.param('keyId')), c.get('keyId'))),
  );

  v1.delete('/keys/:keyId', auth, perPressKey, async (c) => {
    // Any key may revoke itself (it suspects a leak); others only a key that manages keys.
    if (c.req.param('keyId') !== c.get('keyId')) requireKeyManager(c);
    const { record, revokedNow } = await revokeOwnKey(p, c.get('party'), c.req.param('keyId'));
    await recordAction(p, c, 'key.revoke', record.keyId, revokedNow ? keyName(record) : `${keyName(record)} (already revoked)`);
    const view = keyView(record, c.get('keyId'));
    if (!view.current) return c.json(view);
    return c.json({ ...view, notice: 'This is the key this request was made with: requests with it fail from now on.' });
  });

  v1.get('/audit', auth, perPressKey, async (c) => {
    const q = pageQuery(c, PageQuery);
    const page = await p.audit.list(c.get('party'), { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) });
    return pagedJson(c, '/v1/audit', q.limit, page, (entry) => entry);
  });
}
