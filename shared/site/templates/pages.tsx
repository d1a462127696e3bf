// The site's pages as typed functions of data; hono/jsx escapes every value, and only bodyHtml
// (sanitised at write time) is inserted as markup.

import { languageName } from '../../domain/language.js';
import { countryName, type Party } from '../../domain/party.js';
import { type Statement, type StatementSummary, signatories } from '../../domain/statement.js';
import { ArticleHead } from './article-head.js';
import { Layout, renderDocument } from './layout.js';
import { DateLine, PartyNames, StatementList, Summary } from './statement-list.js';

export function renderStatementPage(s: Statement, parties: Map<string, Party>, siteUrl: string, contents?: string): Promise<string> {
  return renderDocument(
    <Layout
      title={s.title}
      lang={s.language}
      dir={s.dir}
      description={s.summary || undefined}
      contents={contents}
      head={<ArticleHead s={s} parties={parties} siteUrl={siteUrl} />}
    >
      <article class="statement">
        {/* dir="auto": a title may be in another script than the statement (quoted names, demo data). */}
        <h1 dir="auto">{s.title}</h1>
        <p class="meta" lang="en" dir="ltr">
          <PartyNames ids={signatories(s)} parties={parties} /> · <DateLine iso={s.publishedAt} /> ·{' '}
          <span class="language">{languageName(s.language)}</span>
          {s.countries.length ? <span class="countries"> · {s.countries.map((c) => countryName(c)).join(', ')}</span> : null}
        </p>
        {s.signatures.length ? (
          <ul class="signatures" lang="en" dir="ltr">
            {s.signatures.map((sig) => (
              <li>
                Signed by <PartyNames ids={[sig.party]} parties={parties} /> on <DateLine iso={sig.signedAt} />
              </li>
            ))}
          </ul>
        ) : null}
        <Summary text={s.summary} />
        <div class="body" dangerouslySetInnerHTML={{ __html: s.bodyHtml }} />
        {s.topics.length ? (
          <ul class="topics" lang="en" dir="ltr">
            {s.topics.map((t) => (
              <li>{t}</li>
            ))}
          </ul>
        ) : null}
        {s.sourceUrl ? (
          <p class="source" lang="en" dir="ltr">
            Source:{' '}
            <a href={s.sourceUrl} rel="nofollow noopener">
              {s.sourceUrl}
            </a>
          </p>
        ) : null}
      </article>
    </Layout>,
  );
}

export function renderHomePage(latest: StatementSummary[], parties: Map<string, Party>, contents?: string): Promise<string> {
  return renderDocument(
    <Layout title="Latest statements" lang="en" dir="ltr" contents={contents} feeds="/">
      <h1>Latest statements</h1>
      <StatementList items={latest} parties={parties} />
    </Layout>,
  );
}

export function renderPartyPage(party: Party, latest: StatementSummary[], parties: Map<string, Party>, contents?: string): Promise<string> {
  return renderDocument(
    <Layout title={party.name} lang="en" dir="ltr" contents={contents} feeds={`/parties/${party.id}/`}>
      <h1>{party.name}</h1>
      <p class="meta">
        {countryName(party.country)} · writes in {languageName(party.language)}
      </p>
      <StatementList items={latest} parties={parties} />
    </Layout>,
  );
}

export function renderPartiesPage(all: Party[]): Promise<string> {
  return renderDocument(
    <Layout title="Parties" lang="en" dir="ltr">
      <h1>Parties</h1>
      <ul class="parties-index">
        {all.map((p) => (
          <li>
            <a href={`/parties/${p.id}/`}>{p.name}</a> <span class="meta">{countryName(p.country)}</span>
          </li>
        ))}
      </ul>
    </Layout>,
  );
}

export function renderSearchPage(): Promise<string> {
  return renderDocument(
    <Layout title="Search" lang="en" dir="ltr" scripts={['/assets/search.js']}>
      <h1>Search</h1>
      <search>
        <form class="search" action="/search/" method="get">
          <input type="search" name="q" id="q" aria-label="Search statements" autocomplete="off" />
          <button type="submit">Search</button>
        </form>
      </search>
      <p id="search-status" aria-live="polite" />
      <ol id="search-results" class="statements" />
    </Layout>,
  );
}
