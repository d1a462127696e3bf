// `npm start`: runs the embedded platform from dist/ under plain node, building it first when dist/ is
// missing or older than the sources (a fresh clone, a pull, an edit).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildDist, DIST, ROOT, SOURCES, STAMP } from './build.mjs';

function newestSource() {
  let newest = 0;
  const visit = (p) => {
    const stat = fs.statSync(p);
    if (stat.isDirectory()) for (const entry of fs.readdirSync(p)) visit(path.join(p, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const s of SOURCES) if (fs.existsSync(path.join(ROOT, s))) visit(path.join(ROOT, s));
  return newest;
}

const built = fs.existsSync(STAMP) ? fs.statSync(STAMP).mtimeMs : 0;
if (built < newestSource()) {
  const ms = await buildDist();
  console.log(`built dist/ in ${ms} ms (the sources changed since the last build)`);
}
await import(pathToFileURL(path.join(DIST, 'start-local.js')).href);
