// Submit throughput through the HTTP API of the running local platform, submit-to-visible latency (page
// served, search finds it, email written), p50/p95, and how soon after its publishAt an embargoed page is served.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emptyFilters } from '../shared/search/engine.js';
import { httpEngine } from '../shared/search/store-search.js';
import { issueKey, runCli, startPlatform } from '../tests/helpers/platform-process.js';
import { pct, progress, round } from './stats.js';

export interface FlowOptions {
  submits: number;
  concurrency: number;
  latencyProbes: number;
}

export async function benchFlow(opts: FlowOptions) {
  const { submits: THROUGHPUT_N, concurrency: CONCURRENCY, latencyProbes: LATENCY_N } = opts;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'communique-bench-'));
  await runCli(dataDir, ['parties', 'add', '--id', 'kke', '--name', 'Communist Party of Greece', '--country', 'GR', '--language', 'el']);
  for (let i = 0; i < 5; i++) await runCli(dataDir, ['subscribers', 'add', '--email', `reader${i}@example.org`]);
  const key = await issueKey(dataDir, 'kke');
  // The benchmark is one press key submitting as fast as it is answered: no rate limit.
  const platform = await startPlatform(dataDir, { DEMO_DATA: 'off', RATE_LIMIT_PER_KEY: '1000000' });
  const submit = async (i: number, word: string) => {
    const res = await fetch(`${platform.url}/v1/statements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: `Benchmark statement ${i}`,
        summary: 'Measured submission.',
        body: `Οι εργάτες του λιμανιού απεργούν. ${word}\n\n${'Solidarity with the dockers. '.repeat(40)}`,
        language: 'el',
        topics: ['bench'],
      }),
    });
    if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };

  try {
    // Throughput: CONCURRENCY clients submitting as fast as they are answered.
    let next = 0;
    let done = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < THROUGHPUT_N) {
          await submit(next++, 'throughput');
          progress('submits', ++done, THROUGHPUT_N);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const throughput = THROUGHPUT_N / seconds;

    // Let the consumers drain the backlog before measuring latency on a quiet platform.
    const outbox = path.join(dataDir, 'outbox');
    const emails = () => (fs.existsSync(outbox) ? fs.readdirSync(outbox).filter((f) => f.endsWith('.eml')).length : 0);
    const drainStart = performance.now();
    while (emails() < THROUGHPUT_N * 5) await new Promise((r) => setTimeout(r, 50));
    const drainSeconds = (performance.now() - drainStart) / 1000;

    const page: number[] = [];
    const search: number[] = [];
    const email: number[] = [];
    for (let i = 0; i < LATENCY_N; i++) {
      const word = `latencyword${i}x`;
      // The search page's engine over HTTP, as a browser would query the site.
      const engine = httpEngine(platform.url);
      const start = performance.now();
      const id = await submit(THROUGHPUT_N + i, word);
      const pending = new Set(['page', 'search', 'email']);
      while (pending.size) {
        const now = performance.now() - start;
        if (pending.has('page') && (await fetch(`${platform.url}/statements/${id}/`)).ok) {
          page.push(now);
          pending.delete('page');
        }
        if (pending.has('search')) {
          const found = await engine.search({ q: word, filters: emptyFilters(), limit: 10, prefix: false });
          if (found.hits.some((h) => h.record.id === id)) {
            search.push(now);
            pending.delete('search');
          }
        }
        if (pending.has('email') && fs.existsSync(outbox) && fs.readdirSync(outbox).filter((f) => f.startsWith(id)).length === 5) {
          email.push(now);
          pending.delete('email');
        }
        if (pending.size) await new Promise((r) => setTimeout(r, 5));
      }
      progress('latency probes', i + 1, LATENCY_N);
    }

    // Embargoes: statements scheduled a couple of seconds ahead, a few at once; from each one's publishAt
    // until its page is served (the issue asks for a second or two).
    const embargo: number[] = [];
    const scheduled = await Promise.all(
      Array.from({ length: Math.max(1, Math.round(LATENCY_N / 4)) }, async (_, i) => {
        const publishAt = Date.now() + 2_000 + i * 250;
        const res = await fetch(`${platform.url}/v1/statements`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            title: `Embargoed statement ${i}`,
            body: 'Under embargo until its time.',
            language: 'el',
            publishAt: new Date(publishAt).toISOString(),
          }),
        });
        if (res.status !== 202) throw new Error(`schedule answered ${res.status}: ${await res.text()}`);
        return { id: ((await res.json()) as { id: string }).id, publishAt };
      }),
    );
    await Promise.all(
      scheduled.map(async ({ id, publishAt }) => {
        for (;;) {
          const ok = (await fetch(`${platform.url}/statements/${id}/`)).ok;
          if (ok && Date.now() < publishAt) throw new Error(`statement ${id} was visible before its publishAt`);
          if (ok) return void embargo.push(Date.now() - publishAt);
          await new Promise((r) => setTimeout(r, 10));
        }
      }),
    );

    return {
      publishAtToPageMs: { statements: scheduled.length, p50: round(pct(embargo, 50)), max: round(Math.max(...embargo)) },
      submitThroughput: { submits: THROUGHPUT_N, concurrency: CONCURRENCY, seconds: round(seconds), perSecond: round(throughput) },
      backlogDrain: {
        statements: THROUGHPUT_N,
        emails: THROUGHPUT_N * 5,
        seconds: round(drainSeconds),
        statementsPerSecond: round(THROUGHPUT_N / drainSeconds),
      },
      submitToVisibleMs: {
        probes: LATENCY_N,
        page: { p50: round(pct(page, 50)), p95: round(pct(page, 95)) },
        search: { p50: round(pct(search, 50)), p95: round(pct(search, 95)) },
        email: { p50: round(pct(email, 50)), p95: round(pct(email, 95)) },
      },
    };
  } finally {
    await platform.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
