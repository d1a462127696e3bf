// The search page's script: runs in the reader's browser against the static index, no server. The query
// and the filters live in the URL (?q=…&language=el&year=2024), so a search can be shared and the back
// button walks back through searches. Every string from the index is set as text, never as markup.
import { emptyFilters, FACETS, type Facet, type FacetCount, type Filters, type Hit, type Results, SearchEngine } from '../engine.js';
import { highlight } from '../highlight.js';
import { queryStemmerFor } from './query-stemmers.js';

const PAGE = 10;
const FACET_VALUES_SHOWN = 8;
const TYPING_DELAY_MS = 180;
const FACET_TITLES: Record<Facet, string> = { party: 'Party', country: 'Country', language: 'Language', topic: 'Topic', year: 'Year' };

const engine = new SearchEngine(
  async (key, immutable) => {
    // The manifest is revalidated every time; segment files never change and may come from the cache.
    const res = await fetch(`/${key}`, immutable ? {} : { cache: 'no-cache' });
    if (res.status === 404 || res.status === 403) return undefined;
    if (!res.ok) throw new Error(`${key}: HTTP ${res.status}`);
    return res.json();
  },
  queryStemmerFor,
  document.documentElement.lang || 'en',
);

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });

function labelOf(facet: Facet, c: FacetCount): string {
  try {
    if (facet === 'country') return regionNames.of(c.value) ?? c.value;
    if (facet === 'language') return languageNames.of(c.value) ?? c.value;
  } catch {
    return c.value;
  }
  if (facet === 'topic') return c.value.replace(/-/g, ' ');
  return c.label;
}

interface State {
  q: string;
  filters: Filters;
}

function stateFromUrl(): State {
  const params = new URLSearchParams(location.search);
  const filters = emptyFilters();
  for (const facet of FACETS) filters[facet] = params.getAll(facet).filter((v) => v.length > 0 && v.length <= 64);
  return { q: (params.get('q') ?? '').slice(0, 500), filters };
}

function urlOf(state: State): string {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set('q', state.q.trim());
  for (const facet of FACETS) for (const v of state.filters[facet]) params.append(facet, v);
  const query = params.toString();
  return `/search/${query ? `?${query}` : ''}`;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

function marked(text: string, language: string, terms: string[]): Node[] {
  return highlight(text, language, terms, queryStemmerFor).map((part) =>
    part.mark ? el('mark', {}, part.text) : document.createTextNode(part.text),
  );
}

function resultItem(hit: Hit, terms: string[]): HTMLLIElement {
  const r = hit.record;
  const li = el('li', { lang: r.language, dir: r.rtl ? 'rtl' : 'ltr' });
  const a = el('a', { href: `/statements/${encodeURIComponent(r.id)}/` }, ...marked(r.title, r.language, terms));
  const meta = el('p', { className: 'meta', lang: 'en', dir: 'ltr' });
  let languageLabel = r.language;
  try {
    languageLabel = languageNames.of(r.language) ?? r.language;
  } catch {}
  meta.append(`${r.parties.join(', ')} · `, el('time', { dateTime: r.date }, r.date), ` · ${languageLabel}`);
  const snippet = el('p', { className: 'summary', dir: 'auto' }, ...marked(hit.excerpt || r.summary, r.language, terms));
  li.append(el('h2', { dir: 'auto' }, a), meta, snippet);
  return li;
}

function facetBox(facet: Facet, counts: FacetCount[], chosen: string[]): HTMLFieldSetElement {
  const box = el('fieldset', { className: 'facet' }, el('legend', {}, FACET_TITLES[facet]));
  const option = (c: FacetCount) =>
    el(
      'label',
      {},
      el('input', { type: 'checkbox', name: facet, value: c.value, checked: chosen.includes(c.value) }),
      ` ${labelOf(facet, c)} `,
      el('span', { className: 'count' }, `(${c.count})`),
    );
  // The most frequent values, and the chosen ones; every other value one click away.
  const shown = counts.filter((c, i) => i < FACET_VALUES_SHOWN || chosen.includes(c.value));
  for (const v of chosen) if (!shown.some((c) => c.value === v)) shown.push({ value: v, label: v, count: 0 });
  const rest = counts.filter((c) => !shown.includes(c));
  box.append(...shown.map(option));
  if (rest.length) box.append(el('details', {}, el('summary', {}, `${rest.length} more`), ...rest.map(option)));
  return box;
}

const form = document.getElementById('search-form') as HTMLFormElement;
const input = document.getElementById('q') as HTMLInputElement;
const status = document.getElementById('search-status') as HTMLElement;
const list = document.getElementById('search-results') as HTMLOListElement;
const facetsBox = document.getElementById('search-facets') as HTMLFieldSetElement;
const facetsLegend = facetsBox.querySelector('legend') as HTMLLegendElement;
const more = document.getElementById('search-more') as HTMLButtonElement;

let state = stateFromUrl();
let limit = PAGE;
let run = 0;

async function show(prefix: boolean): Promise<void> {
  const mine = ++run;
  document.body.dataset.searchState = 'searching';
  status.textContent = 'Searching…';
  try {
    const results: Results = await engine.search({ q: state.q, filters: state.filters, limit, prefix });
    if (mine !== run) return;
    list.replaceChildren(...results.hits.map((h) => resultItem(h, results.terms)));
    const boxes = FACETS.filter((f) => results.facets[f].length > 0).map((f) => facetBox(f, results.facets[f], state.filters[f]));
    facetsBox.replaceChildren(facetsLegend, ...boxes);
    facetsBox.hidden = boxes.length === 0;
    const what = state.q.trim() ? ` for “${state.q.trim()}”` : '';
    status.textContent = results.total
      ? `${results.total} statement${results.total === 1 ? '' : 's'}${what}${results.total > results.hits.length ? `, showing ${results.hits.length}` : ''}`
      : `No statement matches${what || ' these filters'}.`;
    more.hidden = results.total <= results.hits.length;
    document.body.dataset.searchState = 'done';
  } catch (e) {
    if (mine !== run) return;
    status.textContent = `Search failed: ${(e as Error).message}. Reload the page to try again.`;
    document.body.dataset.searchState = 'failed';
  }
}

function filtersFromForm(): Filters {
  const filters = emptyFilters();
  const data = new FormData(form);
  for (const facet of FACETS) filters[facet] = data.getAll(facet).map(String);
  return filters;
}

let typing: ReturnType<typeof setTimeout> | undefined;
input.addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(() => {
    state = { ...state, q: input.value };
    limit = PAGE;
    history.replaceState(null, '', urlOf(state));
    void show(true);
  }, TYPING_DELAY_MS);
});
form.addEventListener('submit', (e) => {
  e.preventDefault();
  clearTimeout(typing);
  state = { q: input.value, filters: filtersFromForm() };
  limit = PAGE;
  history.pushState(null, '', urlOf(state));
  void show(false);
});
facetsBox.addEventListener('change', () => {
  state = { q: input.value, filters: filtersFromForm() };
  limit = PAGE;
  history.pushState(null, '', urlOf(state));
  void show(false);
});
more.addEventListener('click', () => {
  limit += PAGE;
  void show(false);
});
window.addEventListener('popstate', () => {
  state = stateFromUrl();
  input.value = state.q;
  limit = PAGE;
  void show(false);
});

input.value = state.q;
document.body.classList.add('js');
void show(false);
