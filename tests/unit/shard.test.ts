// Search shards as the indexer writes them and the search page reads them: any word is a word.
import { describe, expect, it } from 'vitest';
import { parseShard, serializeShard } from '../../shared/search/shard.js';

const NAMES = ['constructor', '__proto__', 'hasOwnProperty', 'toString', 'valueOf'];

describe('search shards', () => {
  it('keep object-prototype names as ordinary tokens, through JSON and back', () => {
    const shard = new Map(NAMES.map((t, i) => [t, [`s${i}`]]));
    const text = serializeShard(shard);
    expect(JSON.parse(text)).toHaveProperty('__proto__', ['s1']);
    const back = parseShard(text);
    for (const [i, t] of NAMES.entries()) expect(back.get(t)).toEqual([`s${i}`]);
    expect(back.get('isPrototypeOf')).toBeUndefined();
  });

  it('reads a shard that has no such token as having none', () => {
    const shard = parseShard('{"strike":["a"]}');
    for (const t of NAMES) expect(shard.get(t)).toBeUndefined();
  });
});
