// One Chromium for every browser suite of a `make test` run (tests/run.sh
// starts it, then stops it by its pid). Launching Chromium costs about two
// seconds of CPU and several of wall time per suite; each suite connects to
// this one instead (launch() in tests/browser/helpers.mjs, when
// FICHES_BROWSER_WS is set) and works in contexts of its own, which share
// no cookies, storage or service workers with the other suites'.
// Usage: node tests/lib/browser_server.mjs FILE  (FILE receives the
// WebSocket endpoint once the browser is up, FILE.pid this process's pid). Prints nothing and exits 0
// when playwright-core or Chromium is missing: each suite then says so.
import fs from 'node:fs';
import { loadPlaywright, CHROMIUM_ARGS, CHROMIUM } from '../browser/helpers.mjs';

const file = process.argv[2];
const pw = await loadPlaywright();
if (!pw || !fs.existsSync(CHROMIUM)) process.exit(0);
const server = await pw.chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
const stop = async () => {
  await server.close().catch(() => {});
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The pid too: the runner stops this process, not GNU time around it.
fs.writeFileSync(file + '.pid', String(process.pid));
fs.writeFileSync(file + '.tmp', server.wsEndpoint());
fs.renameSync(file + '.tmp', file);
