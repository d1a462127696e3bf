// A search shard as stored (a JSON object from token to statement ids) and as used (a Map): a token is
// any word, "__proto__" and "constructor" included, so no plain object is ever indexed by one.

export type Shard = Map<string, string[]>;

export function parseShard(text: string): Shard {
  const raw: unknown = JSON.parse(text);
  const shard: Shard = new Map();
  if (raw && typeof raw === 'object') {
    for (const [token, ids] of Object.entries(raw)) if (Array.isArray(ids)) shard.set(token, ids.map(String));
  }
  return shard;
}

/** Object.fromEntries defines own properties, so "__proto__" is stored as a token, not a prototype. */
export function serializeShard(shard: Shard): string {
  return JSON.stringify(Object.fromEntries([...shard].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}
