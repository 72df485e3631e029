// Shared by t_browser.mjs and bench/search: build a site, serve it on the
// loopback interface, launch Debian's chromium, time search queries.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
export const FICHES = process.env.FICHES || path.join(ROOT, 'build', 'fiches');

// Loads playwright-core from tests/browser/node_modules (installed by scripts/deps.sh).
export async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch (e) {
    return null;
  }
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// The browser of a suite: the one Chromium tests/run.sh started for every
// browser suite (tests/lib/browser_server.mjs), when it did, else a
// Chromium of the suite's own. Either way the suite makes its own contexts
// (browser.newContext/newPage) and closes the browser at its end: for a
// shared Chromium that closes this suite's contexts and connection only.
export async function launch(pw) {
  if (process.env.FICHES_BROWSER_WS)
    return pw.chromium.connect(process.env.FICHES_BROWSER_WS);
  return pw.chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

// Builds projectRoot's content into a fresh temporary directory; returns its path.
export function buildSite(projectRoot, extraArgs = ['--no-pdf']) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fiches-browser-'));
  const out = path.join(tmp, 'site');
  const r = spawnSync(FICHES, ['build', '-C', projectRoot, '-o', out, ...extraArgs],
    { encoding: 'utf8', env: { ...process.env, LANG: 'C', LC_ALL: 'C' } });
  if (r.status !== 0) throw new Error(`fiches build failed (${r.status}): ${r.stderr}`);
  return { tmp, out };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.pdf': 'application/pdf', '.webmanifest': 'application/manifest+json',
  '.xml': 'application/xml', '.txt': 'text/plain',
};

// Text types a server may send compressed (as `fiches serve` does).
const TEXT_TYPES = new Set(['.html', '.css', '.js', '.json', '.svg', '.webmanifest', '.xml', '.txt']);

// A static server for dir on 127.0.0.1 (port chosen by the system). Records every path asked;
// with gzip, sends text compressed to a client that accepts it, like `fiches serve`.
// sent(re): the bytes of bodies sent so far, for the paths re matches (all without).
export function serve(dir, { gzip = false } = {}) {
  const requests = [];
  const sentLog = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let rel = decodeURIComponent(url.pathname);
    requests.push(rel);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(dir, '.' + rel);
    const inside = file === dir || file.startsWith(dir + path.sep);
    let body = null, status = 200;
    if (inside && fs.existsSync(file) && fs.statSync(file).isFile()) body = fs.readFileSync(file);
    else {
      status = 404;
      const nf = path.join(dir, '404.html');
      body = fs.existsSync(nf) ? fs.readFileSync(nf) : Buffer.from('not found');
    }
    const type = status === 404 ? TYPES['.html'] : (TYPES[path.extname(file)] || 'application/octet-stream');
    const headers = { 'Content-Type': type, 'Cache-Control': 'no-cache' };
    if (gzip && status === 200 && TEXT_TYPES.has(path.extname(file)) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
      body = zlib.gzipSync(body, { level: 9 });
      headers['Content-Encoding'] = 'gzip';
      headers['Vary'] = 'Accept-Encoding';
    }
    if (req.method !== 'HEAD') sentLog.push([rel, body.length]);
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ server, port, base: `http://127.0.0.1:${port}/`, requests,
        sent: (re) => sentLog.reduce((n, [p, b]) => n + (!re || re.test(p) ? b : 0), 0),
        close: () => new Promise((r) => server.close(r)) });
    });
  });
}

// Queries used for timing: words of the corpus, prefixes as typed, misspellings, two-word queries.
export const TIMING_QUERIES = ['relogement', 'reloger', 'relogés', 'ecole', 'école', 'caarud',
  'centre d\'accueil', 're', 'pr', 'de', 'ha', 'hab', 'habit', 'habitants', 'trafic', 'trafics drogues',
  'famille', 'familles victimes', 'prévention', 'réduction des risques', 'jeunes', 'santé',
  'mobilisation des habitants', 'formation', 'quartier', 'quartiers nord', 'marseille', 'violence',
  'soutien', 'parents', 'cadre de vie', 'expertise', 'insertion', 'scolarisation', 'addictions',
  'seringues', 'médiation', 'CSAPA', 'MILDECA', 'ARS', 'copiltat', 'xyzzy', 'a', 'qu',
  'professionnels de santé', 'économie de la débrouille', 'adolescence', 'logement', 'police'];

// Runs in the page: times `rounds` passes over the queries with performance.now(), ms per query.
export async function timeQueries(page, queries, rounds = 20) {
  return page.evaluate(({ queries, rounds }) => new Promise((resolve) => {
    window.FichesRecherche.load(async (eng) => {
      const times = [];
      let results = 0, warmMax = 0;
      for (let r = 0; r < rounds; r++) {
        for (const q of queries) {
          const t0 = performance.now();
          const res = await window.FichesRecherche.search(q, 8);
          // What the listbox shows is part of the answer: the snippets too.
          for (let i = 0; i < res.results.length; i++) window.FichesRecherche.describe(res, i);
          const dt = performance.now() - t0;
          times.push(dt);
          // The first pass also pays for the JIT compiling the engine.
          if (r > 0 && dt > warmMax) warmMax = dt;
          results += res.total;
        }
      }
      times.sort((a, b) => a - b);
      const pick = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
      resolve({ queries: times.length, median: pick(0.5), p95: pick(0.95), max: times[times.length - 1],
        warmMax, mean: times.reduce((a, b) => a + b, 0) / times.length, loadMs: eng.loadMs,
        sections: eng.nsec, words: eng.words.length, stems: eng.nstems, results });
    });
  }), { queries, rounds });
}

// Total size of the *.html files below dir, and of one file.
export function htmlBytes(dir) {
  let total = 0, pages = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.html')) { total += fs.statSync(p).size; pages++; }
    }
  };
  walk(dir);
  return { total, pages };
}

// What habitants type, one fresh page each, for the phone timings below.
export const PHONE_QUERIES = ['relogement', 'école', 'caarud', 'habitants', 'trafic de drogue', 'violence',
  'parents', 'santé des jeunes', 'polise', 'prévention', 'mon fils vend de la drogue', 'logement'];

const pick = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};

/*
 * A phone typing in the header's search field: for each query, a fresh
 * context and page (nothing cached), the CPU slowed `rate` times (CDP
 * Emulation.setCPUThrottlingRate), `readMs` ms on the page as a reader
 * glances at it (the page loads the vocabulary when idle), a tap on the
 * field, then the query typed
 * one key every `keyMs` ms. In the page, every input event and every update
 * of the result count (the end of a rendering) is timed with
 * performance.now(). Per query: « first » = from the keystroke that makes
 * the query searchable (its second letter; the tap came one key before) to
 * the first results shown (their titles: the snippets follow when typing
 * pauses); « keys » = for each later keystroke, to the first rendering that
 * includes it; « snippets » = from the last keystroke to the list with all
 * its snippets (data-extraits="oui"). srv (optional, from serve()) counts the
 * bytes of the index's files sent during each query, snippets included. With rounds > 1, each query
 * is typed that many times and each figure is the least of its rounds (on a
 * shared machine, what the page costs, less the other programs' bursts).
 * Returns the figures and their p50/p95.
 */
export async function phoneTimings(browser, base, queries, { rate = 4, keyMs = 150, readMs = 1000, srv = null, rounds = 1 } = {}) {
  const firsts = [], keys = [], bytes = [], snips = [], perQuery = [];
  for (const q of queries) {
    let best = null;
    for (let round = 0; round < rounds; round++) {
      const one = await typeOnce(browser, base, q, { rate, keyMs, readMs, srv });
      if (!best) best = one;
      else {
        best.first = one.first === null || best.first === null ? null : Math.min(best.first, one.first);
        best.keys = best.keys.map((k, i) => (i < one.keys.length ? Math.min(k, one.keys[i]) : k));
        best.bytes = Math.min(best.bytes, one.bytes);
        best.snippets = Math.min(best.snippets, one.snippets);
      }
    }
    firsts.push(best.first);
    if (Number.isFinite(best.snippets)) snips.push(best.snippets);
    keys.push(...best.keys);
    bytes.push(best.bytes);
    perQuery.push({ q, ...best });
  }
  return { perQuery, firstP50: pick(firsts, 0.5), firstP95: pick(firsts, 0.95), firstMax: Math.max(...firsts),
    keyP50: pick(keys, 0.5), keyP95: pick(keys, 0.95), keyMax: Math.max(...keys), keyCount: keys.length,
    bytesP50: pick(bytes, 0.5), bytesMax: Math.max(...bytes),
    snippetsP50: pick(snips, 0.5), snippetsP95: pick(snips, 0.95) };
}

// One query typed in a fresh page: see phoneTimings.
async function typeOnce(browser, base, q, { rate, keyMs, readMs, srv }) {
  {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true,
      hasTouch: true, serviceWorkers: 'block' });
    const page = await ctx.newPage();
    page.setDefaultTimeout(60000);
    await page.goto(base + 'index.html');
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    await page.evaluate(() => {
      const input = document.querySelector('#q-entete');
      const status = input.form.querySelector('[role=status]');
      window.phone = { keys: [], shows: [], complete: [] };
      document.addEventListener('input', () => window.phone.keys.push([input.value, performance.now()]), true);
      new MutationObserver(() => {
        if (!input.form.querySelector('[role=listbox]').hidden || /^Aucun/.test(status.textContent))
          window.phone.shows.push([input.value, performance.now()]);
      }).observe(status, { childList: true, characterData: true, subtree: true });
      const list = input.form.querySelector('[role=listbox]');
      new MutationObserver(() => {
        if (list.dataset.extraits === 'oui') window.phone.complete.push([input.value, performance.now()]);
      }).observe(list, { attributes: true, attributeFilter: ['data-extraits'], childList: true });
    });
    const INDEX = /^\/assets\/recherche/;
    const sent0 = srv ? srv.sent(INDEX) : 0;
    await page.waitForTimeout(readMs);
    await page.tap('#q-entete');
    for (const ch of q) {
      await page.keyboard.type(ch);
      await page.waitForTimeout(keyMs);
    }
    // The last rendering: the one for the whole query.
    await page.waitForFunction((q) => window.phone.shows.some((s) => s[0] === q), q, { timeout: 60000 });
    // Its snippets (the bytes of the query include their texts); a search.js that
    // rendered them with the titles (before data-extraits) is done already.
    await page.waitForFunction((q) => {
      const list = document.querySelector('#q-entete').form.querySelector('[role=listbox]');
      return list.hidden || list.dataset.extraits === undefined ||
        (list.dataset.extraits === 'oui' && window.phone.complete.some((s) => s[0] === q));
    }, q, { timeout: 60000 });
    const t = await page.evaluate(() => window.phone);
    const sent = srv ? srv.sent(INDEX) - sent0 : 0;
    let first = null;
    const lat = [];
    for (const [value, at] of t.keys) {
      if (value.trim().length < 2) continue;
      // The first rendering of this value or of a longer one typed after it.
      const shown = t.shows.find((s) => s[1] >= at && s[0].length >= value.length && s[0].startsWith(value));
      if (!shown) continue;
      if (first === null) first = shown[1] - at;
      else lat.push(shown[1] - at);
    }
    const lastKey = t.keys.length ? t.keys[t.keys.length - 1][1] : 0;
    const done = t.complete.find((s) => s[0] === q && s[1] >= lastKey);
    await ctx.close();
    return { first, keys: lat, bytes: sent, snippets: done ? done[1] - lastKey : NaN };
  }
}
