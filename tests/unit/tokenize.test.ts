import { describe, expect, it } from 'vitest';
import { SHARD_COUNT, shardOf, tokenize } from '../../shared/search/tokenize.js';

describe('tokenize', () => {
  it('folds case and diacritics in Latin, Greek and Turkish', () => {
    expect(tokenize('Ἀπεργία ΑΠΕΡΓΊΑ Grève İzmir')).toEqual(['απεργια', 'greve', 'izmir']);
  });
  it('turns Japanese, Chinese and Korean runs into bigrams that a query shares', () => {
    const doc = tokenize('日本共産党は労働者の権利を守る');
    for (const t of tokenize('労働者')) expect(doc).toContain(t);
    const ko = tokenize('노동자들의 권리');
    for (const t of tokenize('노동자')) expect(ko).toContain(t);
  });
  it('keeps Persian and Arabic words whole', () => {
    expect(tokenize('کارگران اعتصاب کردند')).toEqual(['کارگران', 'اعتصاب', 'کردند']);
  });
  it('ignores punctuation and spaces', () => {
    expect(tokenize(' ... ,,, ')).toEqual([]);
  });
  it('places a token in a stable shard', () => {
    expect(shardOf('workers', SHARD_COUNT)).toBe(shardOf('workers', SHARD_COUNT));
    expect(shardOf('workers', SHARD_COUNT)).toBeLessThan(SHARD_COUNT);
  });
});
