// What the Node.js tests of fiches share, so that a test holds its checks
// only (the Python side is tests/lib/fichestest.py):
//   check/step/skip count and print « ok - name » / « FAIL - name: detail » /
//   « skip - why »; finish() prints the line tests/run.sh adds to its totals
//   (« N passed, N failed, N skipped ») and exits 1 on a failure;
//   needBrowser() loads playwright-core, or skips the whole suite when it,
//   Chromium or the program is missing;
//   serve() starts `fiches serve --port 0` on a project and waits for its
//   workshop URL; AXE is axe-core's script, to inject in a page.
// Browser-specific helpers (launch, a static server, search timings) are in
// tests/browser/helpers.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { ROOT, FICHES, CHROMIUM, loadPlaywright } from '../browser/helpers.mjs';

export { ROOT, FICHES };
export const OUT = path.join(ROOT, 'tests', 'out');
fs.mkdirSync(OUT, { recursive: true });

const counts = { passed: 0, failed: 0, skipped: 0 };

export function check(name, cond, detail = '') {
  if (cond) { counts.passed++; console.log(`ok - ${name}`); }
  else { counts.failed++; console.log(`FAIL - ${name}${detail ? ': ' + detail : ''}`); }
  return cond;
}

export function skip(why) {
  counts.skipped++;
  console.log(`skip - ${why}`);
}

export function failed() {
  return counts.failed;
}

export function finish(code) {
  console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  process.exit(code ?? (counts.failed ? 1 : 0));
}

// Runs one scenario; an exception fails it with the first lines of its stack
// instead of ending the suite.
export async function step(name, fn, lines = 4) {
  try { await fn(); } catch (e) { check(name, false, (e && e.stack || String(e)).split('\n').slice(0, lines).join(' | ')); }
}

// playwright-core, or the suite ends here as skipped (with program: the
// program under test must be built too).
export async function needBrowser({ program = true } = {}) {
  const pw = await loadPlaywright();
  const missing = [!pw && 'playwright-core (cd tests/browser && npm ci)', !fs.existsSync(CHROMIUM) && CHROMIUM,
    program && !fs.existsSync(FICHES) && FICHES].filter(Boolean);
  if (missing.length) {
    skip(`missing: ${missing.join(', ')}`);
    finish(0);
  }
  return pw;
}

// axe-core's script (from tests/browser/node_modules), to add to a page.
export const AXE = (() => {
  try {
    const require = createRequire(path.join(ROOT, 'tests', 'browser', 'package.json'));
    return fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  } catch (e) {
    return null;
  }
})();

/*
 * `fiches serve -C root --port 0 extra…` in the C locale, its output kept.
 * Resolves, once the workshop's start URL is printed and ready(log) holds
 * (by default: « Serving », the first build done), or timeout ms of wall
 * time have passed (a limit that catches a hang), to
 * { proc, log(), started: { port, url } or null, stop(signal) }.
 */
export async function serve(root, extra = [], { env = {}, ready = (log) => /Serving/.test(log), timeout = 60000 } = {}) {
  let log = '';
  const proc = spawn(FICHES, ['serve', '-C', root, '--port', '0', ...extra],
    { env: { ...process.env, NO_COLOR: '1', LC_ALL: 'C', LANGUAGE: '', ...env } });
  proc.stdout.on('data', (b) => { log += b; });
  proc.stderr.on('data', (b) => { log += b; });
  const started = await new Promise((resolve) => {
    const t0 = Date.now();
    const poll = setInterval(() => {
      const m = log.match(/http:\/\/127\.0\.0\.1:(\d+)\/_edit\/\?cle=([0-9a-f]+)/);
      if (m && ready(log)) { clearInterval(poll); resolve({ port: +m[1], url: m[0] }); }
      else if (Date.now() - t0 > timeout || proc.exitCode !== null) { clearInterval(poll); resolve(null); }
    }, 50);
  });
  const stop = (signal = 'SIGTERM') => new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.on('exit', () => resolve());
    proc.kill(signal);
  });
  return { proc, log: () => log, started, stop };
}
