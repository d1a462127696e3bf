// A statement's history page: every version of its text with the note of each correction, and what each
// correction changed, word by word (Intl.Segmenter finds words in scripts written without spaces too).
import { type Change, diffWords } from 'diff';
import type { Party } from '../../domain/party.js';
import { type Statement, statementPath } from '../../domain/statement.js';
import type { TextVersion } from '../../services/history.js';
import { Layout, renderDocument } from './layout.js';
import { DateLine, PartyNames } from './statement-list.js';

export const historyPageKey = (id: string) => `statements/${id}/history/index.html`;

/** A diff that takes longer than this shows the two texts whole instead. */
const DIFF_TIMEOUT_MS = 1_000;

function wordsChanged(before: string, after: string, language: string): Change[] | undefined {
  let segmenter: Intl.Segmenter | undefined;
  try {
    segmenter = new Intl.Segmenter(language, { granularity: 'word' });
  } catch {
    segmenter = undefined;
  }
  return diffWords(before, after, { timeout: DIFF_TIMEOUT_MS, ...(segmenter ? { intlSegmenter: segmenter } : {}) });
}

function TextDiff({ before, after, language }: { before: string; after: string; language: string }) {
  const changes = wordsChanged(before, after, language);
  if (!changes) {
    return (
      <div class="diff">
        <del>{before}</del>
        <ins>{after}</ins>
      </div>
    );
  }
  return (
    <div class="diff">
      {changes.map((c) => (c.added ? <ins>{c.value}</ins> : c.removed ? <del>{c.value}</del> : <span>{c.value}</span>))}
    </div>
  );
}

export function renderHistoryPage(s: Statement, versions: TextVersion[], parties: Map<string, Party>): Promise<string> {
  const title = `History: ${s.title}`;
  return renderDocument(
    <Layout title={title} lang="en" dir="ltr" description={`Every version of “${s.title}”, with what each correction changed.`}>
      <article class="history">
        <h1>
          History of{' '}
          <a href={statementPath(s.id)} lang={s.language} dir={s.dir}>
            {s.title}
          </a>
        </h1>
        <p class="meta">
          <PartyNames ids={[s.party]} parties={parties} /> · published <DateLine iso={s.publishedAt} />
        </p>
        {s.retraction ? (
          <p class="retraction" role="note">
            Retracted on <DateLine iso={s.retraction.at} />: <span dir="auto">{s.retraction.reason}</span>
          </p>
        ) : null}
        <ol class="versions" reversed>
          {[...versions].reverse().map((v) => {
            const before = versions[versions.indexOf(v) - 1];
            return (
              <li id={`v${v.version}`} class="version">
                <h2>
                  {v.note === undefined ? 'Published' : 'Corrected'} on <DateLine iso={v.at} />
                </h2>
                {v.note !== undefined ? (
                  <p class="note" dir="auto">
                    {v.note}
                  </p>
                ) : null}
                {before && !s.retraction ? (
                  <>
                    {before.title !== v.title ? (
                      <p class="title-change" lang={s.language} dir={s.dir}>
                        Title: <TextDiff before={before.title} after={v.title} language={s.language} />
                      </p>
                    ) : null}
                    <section lang={s.language} dir={s.dir} aria-label={`Changes in version ${v.version}`}>
                      <TextDiff before={before.text} after={v.text} language={s.language} />
                    </section>
                  </>
                ) : null}
              </li>
            );
          })}
        </ol>
      </article>
    </Layout>,
  );
}
