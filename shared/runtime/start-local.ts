// `npm start`: the whole platform on one machine: API, site, search index and email, under DATA_DIR.
import { setTimeout as sleep } from 'node:timers/promises';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createApp } from '../../functions/api/app.js';
import type { SqliteQueues } from '../adapters/local/queues.js';
import { consumerBatches, consumerHandlers, emailJobQueues } from '../consumers/handlers.js';
import { loadDemoData } from '../demo/load.js';
import { publishSiteShell } from '../site/shell.js';
import { startEmailSchedule } from './email-schedule.js';
import { startEmbargoClock } from './embargo-clock.js';
import { localDeps, readLocalSettings } from './local.js';
import { serveSite } from './site-server.js';
import { startWorker } from './worker.js';

async function main() {
  const settings = readLocalSettings();
  const platform = localDeps(settings);
  // Nothing of a killed process is mid-flight any more: its messages and its mailing walks are free again.
  platform.queues.releaseInFlight();
  platform.mailings.releaseAll();
  await publishSiteShell(platform.site, undefined, platform.config.siteUrl);
  const demo = settings.DEMO_DATA === 'on' ? await loadDemoData(platform, settings.dataDir) : 0;

  const root = new Hono();
  root.route('/', createApp(platform));
  root.get('*', serveSite(platform.site));

  const n = settings.CONSUMER_CONCURRENCY;
  const worker = startWorker(platform.queues, consumerHandlers(platform), {
    batches: consumerBatches(platform),
    concurrency: { 'render-pages': n, 'index-search': n, 'send-emails': n },
    jobQueues: emailJobQueues(platform, n),
    onError: (queue, e) => console.error(`[${queue}] ${(e as Error)?.stack ?? e}`),
  });
  const schedule = startEmailSchedule(platform, (e) => console.error(`[digests] ${(e as Error)?.stack ?? e}`));
  const embargoes = startEmbargoClock(platform, (e) => console.error(`[embargoes] ${(e as Error)?.stack ?? e}`));
  const server = serve({ fetch: root.fetch, port: settings.PORT, hostname: settings.HOST }, (info) => {
    console.log(
      `Communiqué is running: site ${settings.siteUrl}/ · press offices' desk ${settings.siteUrl}/desk/ · ` +
        `API ${settings.siteUrl}/v1/ (reference ${settings.siteUrl}/v1/docs) · ` +
        'get a press key with `npm run cli -- keys issue --party kke --name "desk laptop"`',
    );
    console.log(`listening on ${info.address}:${info.port}; data in ${settings.dataDir}${demo ? `; loaded ${demo} demo statements` : ''}`);
    if (demo) void announceWhenDrained(platform.queues, demo);
  });

  const shutdown = async () => {
    server.close();
    schedule.stop();
    await embargoes.stop();
    await worker.stop();
    platform.db.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** The demo backlog renders in the background; say when the demo site is complete, and how far it is meanwhile. */
async function announceWhenDrained(queues: SqliteQueues, statements: number) {
  const started = Date.now();
  let lastReport = started;
  for (let left = queues.backlog(); left > 0; left = queues.backlog()) {
    if (Date.now() - lastReport >= 2_000) {
      console.log(`preparing the demo site: ${left} jobs left for pages, search and email`);
      lastReport = Date.now();
    }
    await sleep(100);
  }
  const dead = queues.deadLetters().length;
  console.log(
    `demo site ready: ${statements} statements rendered and indexed in ${((Date.now() - started) / 1000).toFixed(1)} s` +
      (dead ? `, but ${dead} jobs failed: see \`npm run cli -- dlq list\`` : ''),
  );
}

main().catch((e) => {
  console.error(`communique: ${(e as Error).message}`);
  process.exit(1);
});
