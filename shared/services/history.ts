// A statement's history as readers see it: every version of its text, with the note of each correction.
// Apart from corrections.ts so that the page renderer bundles no Markdown renderer.
import { type Statement, statementBlobKey } from '../domain/statement.js';
import type { StatementStore } from './read-statement.js';

/** One version of a statement's text as the history page shows it. */
export interface TextVersion {
  version: number;
  at: string;
  /** Absent for the first version. */
  note?: string;
  title: string;
  text: string;
}

/** The statement's texts, first version first: the published one and each correction's (or only `only`'s). */
export async function textVersions(p: StatementStore, current: Statement, only?: number): Promise<TextVersion[]> {
  const entries: Array<{ version: number; revision?: string; at: string; note?: string }> = [
    { version: 1, at: current.publishedAt },
    ...(current.corrections ?? []),
  ].filter((e) => only === undefined || e.version === only);
  const read = async (version: number, revision?: string): Promise<Statement> => {
    // The first version is current until a correction (signatures change no text); a retracted statement's
    // history shows no text, so none is read.
    if (version === current.version || (version === 1 && !current.corrections?.length) || current.retraction) return current;
    const bytes = await p.blobs.get(statementBlobKey(current.id, version, revision));
    if (!bytes) throw new Error(`statement ${current.id}: version ${version} is not stored`);
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as Statement;
  };
  return Promise.all(
    entries.map(async (e): Promise<TextVersion> => {
      const s = await read(e.version, e.revision);
      return { version: e.version, at: e.at, ...(e.note !== undefined ? { note: e.note } : {}), title: s.title, text: s.bodyText };
    }),
  );
}
