// Listing cursors: the last listing key seen, opaque to clients.
import { ValidationError } from '../errors.js';
import type { Page } from '../ports.js';

/**
 * One page from `limit + 1` rows read: the first `limit`, each as `view` makes it, and the cursor of the
 * last of them when the extra row says there is more.
 */
export function pageOf<R, T>(rows: R[], limit: number, cursorOf: (last: R) => string, view: (row: R) => T): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return { items: shown.map(view), ...(rows.length > limit && last ? { nextCursor: cursorOf(last) } : {}) };
}

export function encodeCursor(listingKey: string): string {
  return Buffer.from(listingKey, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  // Ids are the platform's own or an imported archive's ("st-000042"); none is a bound before any id.
  if (!/^\d{4}-\d\d-\d\dT[\d:.]+Z#[0-9a-z-]*$/.test(key)) {
    throw new ValidationError('The cursor is not one this API gave out.', [{ path: 'cursor', message: 'invalid cursor' }]);
  }
  return key;
}

/** Cursors over records in id order (subscribers): the last id seen. */
export function encodeIdCursor(id: string): string {
  return Buffer.from(`id:${id}`, 'utf8').toString('base64url');
}

export function decodeIdCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^id:[0-9a-z]{1,64}$/.test(text)) {
    throw new ValidationError('The cursor is not one this platform gave out.', [{ path: 'cursor', message: 'invalid cursor' }]);
  }
  return text.slice(3);
}
