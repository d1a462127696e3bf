// The site's pages as typed functions of data; hono/jsx escapes every value, and only bodyHtml
// (sanitised at write time) is inserted as markup.

import { languageName } from '../../domain/language.js';
import { listingHref } from '../../domain/listings.js';
import { countryName, type Party } from '../../domain/party.js';
import { type Statement, type StatementSummary, signatories, statementPath } from '../../domain/statement.js';
import { ArticleHead, describe } from './article-head.js';
import { Attachments } from './attachments.js';
import { Layout, renderDocument } from './layout.js';
import { DateLine, PartyNames, Summary } from './statement-list.js';

/** The statements before and after this one in its author's archive. */
export interface Neighbours {
  before?: StatementSummary;
  after?: StatementSummary;
}

function NeighbourLink({ s, rel, label }: { s: StatementSummary; rel: 'prev' | 'next'; label: string }) {
  return (
    <li>
      {label}:{' '}
      <a rel={rel} href={statementPath(s.id)} lang={s.language} dir={s.dir}>
        {s.title}
      </a>{' '}
      (<DateLine iso={s.publishedAt} />)
    </li>
  );
}

/** One language version of a statement: the statement translated, or one of its translations. */
export interface LanguageVersion {
  id: string;
  language: string;
}

/** hreflang alternates for every language version, this one included (search engines want both ways). */
function Alternates({ versions, siteUrl }: { versions: LanguageVersion[]; siteUrl: string }) {
  return (
    <>
      {versions.map((v) => (
        <link rel="alternate" hreflang={v.language} href={`${siteUrl}${statementPath(v.id)}`} />
      ))}
    </>
  );
}

function LanguageSwitcher({ current, versions }: { current: string; versions: LanguageVersion[] }) {
  return (
    <nav class="languages" aria-label="This statement in other languages" lang="en" dir="ltr">
      <ul class="language-versions">
        {versions.map((v) => (
          <li>
            {v.id === current ? (
              <span aria-current="page" lang={v.language}>
                {languageName(v.language)}
              </span>
            ) : (
              <a href={statementPath(v.id)} hreflang={v.language} lang={v.language}>
                {languageName(v.language)}
              </a>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function renderStatementPage(
  s: Statement,
  parties: Map<string, Party>,
  siteUrl: string,
  contents?: string,
  neighbours: Neighbours = {},
  languages: LanguageVersion[] = [],
): Promise<string> {
  const author = parties.get(s.party)?.name ?? s.party;
  const corrections = s.corrections ?? [];
  return renderDocument(
    <Layout
      title={s.retraction ? `Retracted: ${s.title}` : s.title}
      lang={s.language}
      dir={s.dir}
      description={describe(s) || undefined}
      contents={contents}
      head={
        <>
          <ArticleHead s={s} parties={parties} siteUrl={siteUrl} />
          {languages.length > 1 ? <Alternates versions={languages} siteUrl={siteUrl} /> : null}
          {s.retraction ? <meta name="robots" content="noindex" /> : null}
        </>
      }
    >
      {languages.length > 1 ? <LanguageSwitcher current={s.id} versions={languages} /> : null}
      <article class="statement">
        {/* dir="auto": a title may be in another script than the statement (quoted names, demo data). */}
        <h1 dir="auto">{s.title}</h1>
        <p class="meta" lang="en" dir="ltr">
          <PartyNames ids={signatories(s)} parties={parties} /> · <DateLine iso={s.publishedAt} /> ·{' '}
          <a class="language" href={listingHref(`language:${s.language}`)} lang={s.language} dir={s.dir}>
            {languageName(s.language)}
          </a>
          {s.countries.length ? (
            <span class="countries">
              {' · '}
              {s.countries.map((c, i) => (
                <>
                  {i > 0 ? ', ' : ''}
                  <a href={listingHref(`country:${c}`)}>{countryName(c)}</a>
                </>
              ))}
            </span>
          ) : null}
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
        {s.retraction ? (
          <div class="retraction" role="note" lang="en" dir="ltr">
            <p>
              <strong>Retracted</strong> by its author on <DateLine iso={s.retraction.at} />.
            </p>
            <p dir="auto">{s.retraction.reason}</p>
          </div>
        ) : (
          <>
            {corrections.length ? (
              <ul class="corrections" lang="en" dir="ltr">
                {[...corrections].reverse().map((c) => (
                  <li>
                    Corrected on <DateLine iso={c.at} />: <span dir="auto">{c.note}</span>
                  </li>
                ))}
              </ul>
            ) : null}
            <Summary text={s.summary} />
            <div class="body" dangerouslySetInnerHTML={{ __html: s.bodyHtml }} />
            <Attachments items={s.attachments} />
          </>
        )}
        {corrections.length || s.retraction ? (
          <p class="history-link" lang="en" dir="ltr">
            <a href={`${statementPath(s.id)}history/`}>History of this statement</a>
          </p>
        ) : null}
        {s.topics.length ? (
          <ul class="topics" aria-label="Topics">
            {s.topics.map((t) => (
              <li dir="auto">
                <a href={listingHref(`topic:${t}`)}>{t}</a>
              </li>
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
      {neighbours.before || neighbours.after ? (
        <nav class="neighbours" aria-label={`More from ${author}`} lang="en" dir="ltr">
          <h2>More from {author}</h2>
          <ul>
            {neighbours.before ? <NeighbourLink s={neighbours.before} rel="prev" label="Previous" /> : null}
            {neighbours.after ? <NeighbourLink s={neighbours.after} rel="next" label="Next" /> : null}
          </ul>
        </nav>
      ) : null}
    </Layout>,
  );
}

export function renderSearchPage(): Promise<string> {
  return renderDocument(
    <Layout title="Search" lang="en" dir="ltr" scripts={['/assets/search.js']}>
      <h1>Search</h1>
      <search>
        <form class="search" id="search-form" action="/search/" method="get">
          <input type="search" name="q" id="q" aria-label="Search statements in any language" autocomplete="off" />
          <button type="submit">Search</button>
          <fieldset id="search-facets" class="facets" hidden>
            <legend>Filters</legend>
          </fieldset>
        </form>
      </search>
      <noscript>
        <p class="notice">
          Search runs in your browser and needs JavaScript. Without it, browse the statements by <a href="/parties/">party</a>,{' '}
          <a href="/countries/">country</a>, <a href="/languages/">language</a>, <a href="/topics/">topic</a> or{' '}
          <a href="/archive/">year</a>.
        </p>
      </noscript>
      <p id="search-status" aria-live="polite" />
      <ol id="search-results" class="statements" />
      <button type="button" id="search-more" hidden>
        More results
      </button>
    </Layout>,
  );
}
