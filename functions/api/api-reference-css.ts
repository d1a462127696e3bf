// The reference page's own stylesheet, on top of the site's (/assets/site.css): served by the API at
// /v1/docs/reference.css, so that it comes from our origin wherever the API runs (CloudFront routes /v1/*).
export const REFERENCE_CSS = `/* Communiqué API reference */
main { max-width: 64rem; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
pre { overflow-x: auto; padding: 0.75rem; border: 1px solid var(--line); border-radius: 0.3rem; }
nav.contents ul { list-style: none; padding: 0; }
nav.contents li { padding-block: 0.15rem; }
nav.contents h3 { font-size: 1rem; margin-block: 1rem 0.25rem; }
section.tag { margin-block-start: 2.5rem; border-block-start: 2px solid var(--line); }
section.operation, section.schema { margin-block: 1.5rem; padding-block-start: 0.5rem; border-block-start: 1px solid var(--line); }
section.operation h3, section.schema h3 { font-size: 1.15rem; overflow-wrap: anywhere; }
h4 { font-size: 1rem; margin-block: 1rem 0.4rem; }
.summary { font-weight: 600; }
.method { display: inline-block; min-width: 4.2em; padding: 0 0.4em; border-radius: 0.25rem; font: 700 0.8rem / 1.6 ui-monospace, monospace; text-align: center; color: #fff; background: #555; }
.method.get { background: #1d6b3a; }
.method.post { background: #1f4f99; }
.method.put, .method.patch { background: #8a5300; }
.method.delete { background: #a0182b; }
div.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
th, td { text-align: start; vertical-align: top; padding: 0.35rem 0.5rem; border-block-end: 1px solid var(--line); }
th[scope="row"] { font-weight: normal; white-space: nowrap; }
.required { color: var(--accent); font-size: 0.8rem; }
.limit { display: block; color: var(--muted); font-size: 0.85rem; overflow-wrap: anywhere; }
dl.responses { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dl.responses dt { font: 700 0.95rem ui-monospace, monospace; padding-block-start: 0.9rem; }
dl.responses dd { margin: 0; }
dt.s2xx { color: #1d6b3a; }
dt.s4xx, dt.s5xx { color: var(--accent); }
ul.media { list-style: none; padding: 0; margin: 0.25rem 0; }
p.header { margin: 0.25rem 0; font-size: 0.92rem; }
details summary { cursor: pointer; color: var(--muted); }
@media (prefers-color-scheme: dark) {
  dt.s2xx { color: #5fd38d; }
}
`;
