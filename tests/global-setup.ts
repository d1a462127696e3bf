// Before any test file: build dist/ once, so the end-to-end tests run `npm start`'s entry as users do
// (plain node), and no two test processes rebuild it at the same time.
import { buildDist } from '../scripts/build.mjs';

export default async function setup() {
  await buildDist();
}
