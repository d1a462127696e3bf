import { describe, expect, it } from 'vitest';
import { newStatementId } from '../../shared/domain/ids.js';
import { canonicalLanguage, textDirection } from '../../shared/domain/language.js';
import { issuePressKey, parsePressKey, secretMatches } from '../../shared/domain/press-key.js';
import { StatementInput } from '../../shared/domain/statement.js';
import {
  newSubscriber,
  parseUnsubscribeToken,
  resubscribe,
  unsubscribeSecretMatches,
  unsubscribeToken,
  wantsStatement,
} from '../../shared/domain/subscriber.js';
import { aStatementInput } from '../helpers/factories.js';

describe('languages', () => {
  it('canonicalises BCP 47 tags and rejects what is not one', () => {
    expect(canonicalLanguage('pt-br')).toBe('pt-BR');
    expect(canonicalLanguage('EL')).toBe('el');
    expect(canonicalLanguage('not a tag')).toBeUndefined();
  });
  it.each([
    ['fa', 'rtl'],
    ['ar', 'rtl'],
    ['he', 'rtl'],
    ['ur', 'rtl'],
    ['az-Arab', 'rtl'],
    ['el', 'ltr'],
    ['tr', 'ltr'],
    ['ja', 'ltr'],
    ['ko', 'ltr'],
  ])('writes %s %s', (tag, dir) => {
    expect(textDirection(tag)).toBe(dir);
  });
});

describe('StatementInput', () => {
  it('normalises language and topics', () => {
    const s = StatementInput.parse(aStatementInput({ language: 'pt-br', topics: [' Workers '] }));
    expect(s.language).toBe('pt-BR');
    expect(s.topics).toEqual(['workers']);
  });
  it('refuses a multi-line title and a javascript: source', () => {
    expect(StatementInput.safeParse(aStatementInput({ title: 'a\nb' })).success).toBe(false);
    expect(StatementInput.safeParse(aStatementInput({ sourceUrl: 'javascript:alert(1)' })).success).toBe(false);
  });
  it('lets summary hold line breaks and tabs, as one-line LF text', () => {
    const s = StatementInput.parse(aStatementInput({ summary: 'Line one\r\n\tLine two\nLine three' }));
    expect(s.summary).toBe('Line one\n\tLine two\nLine three');
  });
  it.each(['\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\u000b', '\u000c'])(
    'refuses summary and body with the control character %j that title refuses too',
    (control) => {
      for (const field of ['summary', 'body', 'title'] as const) {
        const r = StatementInput.safeParse(aStatementInput({ [field]: `before ${control} after` }));
        expect(r.success, field).toBe(false);
        expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual([field]);
      }
    },
  );
  it('lets body hold CR, LF and tabs', () => {
    expect(StatementInput.parse(aStatementInput({ body: 'a\r\n\tb\n' })).body).toBe('a\r\n\tb\n');
  });
  it('refuses publishedAt before 1900, such as year 0000', () => {
    for (const publishedAt of ['0000-01-01T00:00:00Z', '1899-12-31T23:59:59Z', '1900-01-01T00:30:00+01:00']) {
      const r = StatementInput.safeParse(aStatementInput({ publishedAt }));
      expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['publishedAt']);
    }
    expect(StatementInput.safeParse(aStatementInput({ publishedAt: '1900-01-01T00:00:00Z' })).success).toBe(true);
  });
});

describe('statement ids', () => {
  it('sort by creation time', () => {
    const a = newStatementId(new Date('2026-01-01T00:00:00Z'));
    const b = newStatementId(new Date('2026-01-01T00:00:00.001Z'));
    expect(a < b).toBe(true);
    expect(a).toMatch(/^[0-9a-z]{21}$/);
  });
});

describe('press keys', () => {
  it('verify only with their own secret, which is stored hashed', () => {
    const { key, record } = issuePressKey('kke', new Date());
    const parsed = parsePressKey(key);
    expect(parsed?.keyId).toBe(record.keyId);
    expect(JSON.stringify(record)).not.toContain(parsed?.secret as string);
    expect(secretMatches(record, parsed?.secret as string)).toBe(true);
    expect(secretMatches(record, 'x'.repeat(48))).toBe(false);
  });
});

describe('subscriber filters', () => {
  const st = { party: 'kke', cosigners: ['tkp'], language: 'el' };
  const subscribed = new Date('2026-11-01T10:00:00.000Z');
  const later = '2026-11-02T08:00:00.000Z';
  const sub = (parties: string[], languages: string[]) => newSubscriber({ email: 'a@b.org', parties, languages }, subscribed);
  it('match on any signing party and on language', () => {
    expect(wantsStatement(sub([], []), st, later)).toBe(true);
    expect(wantsStatement(sub(['tkp'], []), st, later)).toBe(true);
    expect(wantsStatement(sub(['dkp'], []), st, later)).toBe(false);
    expect(wantsStatement(sub([], ['el']), st, later)).toBe(true);
    expect(wantsStatement(sub([], ['el']), { ...st, language: 'el-CY' }, later)).toBe(true);
    expect(wantsStatement(sub(['kke'], ['tr']), st, later)).toBe(false);
  });
  it('never match once unsubscribed', () => {
    expect(wantsStatement({ ...sub([], []), unsubscribedAt: '2026-11-01T12:00:00.000Z' }, st, later)).toBe(false);
  });
  it('skip statements published before the subscription began, however late they are delivered', () => {
    expect(wantsStatement(sub([], []), st, '2026-11-01T09:59:59.999Z')).toBe(false);
    expect(wantsStatement(sub([], []), st, subscribed.toISOString())).toBe(true);
  });
  it('start anew when a lapsed address subscribes again, keeping its id and unsubscribe secret', () => {
    const lapsed = { ...sub(['kke'], []), unsubscribedAt: '2026-11-01T12:00:00.000Z', suppressedFor: 'bounce' as const };
    const again = resubscribe(lapsed, { email: 'a@b.org', parties: [], languages: ['el'] }, new Date(later));
    expect(again).toMatchObject({ id: lapsed.id, unsubscribeSecret: lapsed.unsubscribeSecret, subscribedAt: later, languages: ['el'] });
    expect(again.unsubscribedAt).toBeUndefined();
    expect(again.suppressedFor).toBeUndefined();
    expect(wantsStatement(again, st, '2026-11-01T11:00:00.000Z')).toBe(false);
    // Changing the filters of a live subscription keeps its start.
    expect(resubscribe(sub([], []), { email: 'a@b.org', parties: ['kke'], languages: [] }, new Date(later)).subscribedAt).toBe(
      subscribed.toISOString(),
    );
  });
});

describe('subscriber ids and unsubscribe tokens', () => {
  const input = { email: 'reader@example.org', parties: [], languages: [] };
  it('are random, never derived from the address', () => {
    const a = newSubscriber(input, new Date());
    const b = newSubscriber(input, new Date());
    expect(a.id).not.toBe(b.id);
    expect(a.id).toMatch(/^[0-9a-z]{24}$/);
  });
  it('parse in the current form and in the 20-hex form of subscribers added before random ids', () => {
    const s = newSubscriber(input, new Date());
    expect(parseUnsubscribeToken(unsubscribeToken(s))).toEqual({ id: s.id, secret: s.unsubscribeSecret });
    const legacy = `${'0123456789abcdef0123'}.${'a'.repeat(32)}`;
    expect(parseUnsubscribeToken(legacy)).toEqual({ id: '0123456789abcdef0123', secret: 'a'.repeat(32) });
    for (const bad of ['', 'x.y', `${s.id}`, `${s.id}.${s.unsubscribeSecret}.x`, `${s.id.toUpperCase()}.${s.unsubscribeSecret}`]) {
      expect(parseUnsubscribeToken(bad)).toBeUndefined();
    }
  });
  it('unlock only their own subscriber, and nothing for an unknown one', () => {
    const s = newSubscriber(input, new Date());
    expect(unsubscribeSecretMatches(s, s.unsubscribeSecret)).toBe(true);
    expect(unsubscribeSecretMatches(s, newSubscriber(input, new Date()).unsubscribeSecret)).toBe(false);
    expect(unsubscribeSecretMatches(undefined, s.unsubscribeSecret)).toBe(false);
  });
});
