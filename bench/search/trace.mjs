// bench/search/trace.mjs SITE [QUERY...]: what each keystroke of the phone measurement waits
// for. The queries (default PHONE_QUERIES) are typed as phoneTimings types them (a fresh
// page each, CPU slowed 4×, a tap 1 s after the page shows, one key every 100 ms; http
// with gzip, or file:// with FROM=file), and every keystroke whose list came later than
// OVER ms (default 50; 0: all) is printed with what happened between the key and the list:
// the index parts loaded (requested, received, run), the engine's work (parse, rank,
// postings decoded) and the main thread's long tasks. ROUNDS (default 1) rounds.
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { loadPlaywright, launch, serve, PHONE_QUERIES } from '../../tests/browser/helpers.mjs';

const site = path.resolve(process.argv[2] || '');
const queries = process.argv.length > 3 ? process.argv.slice(3) : PHONE_QUERIES;
const ROUNDS = +(process.env.ROUNDS || 1), OVER = +(process.env.OVER ?? 50);
const pw = await loadPlaywright();
if (!pw) { console.error('playwright-core missing: cd tests/browser && npm ci'); process.exit(3); }
const browser = await launch(pw);
const srv = process.env.FROM === 'file' ? null : await serve(site, { gzip: true });
const base = srv ? srv.base : pathToFileURL(site).href + '/';

// Installed in the page before its scripts: times the parts' script tags and the engine's methods.
function hooks() {
  const ev = (window.trace = []);
  const add = (e) => ev.push(e);
  try {
    new PerformanceObserver((l) => l.getEntries().forEach((e) => add({ k: 'long', t: e.startTime, d: e.duration })))
      .observe({ type: 'longtask', buffered: true });
  } catch (e) { /* no long tasks */ }
  const append = Node.prototype.appendChild;
  Node.prototype.appendChild = function (n) {
    if (n && n.tagName === 'SCRIPT' && /recherche/.test(n.src)) {
      const name = n.src.replace(/^.*\/|\.js.*$/g, ''), t = performance.now(), rec = { k: 'part', name, t };
      add(rec);
      n.addEventListener('load', () => { rec.end = performance.now(); }, { once: true });
    }
    return append.call(this, n);
  };
  const data = 'FichesRechercheData';
  let inner = null;
  Object.defineProperty(window, data, {
    configurable: true,
    get() { return inner && function (name, d) { const t = performance.now(); inner(name, d); add({ k: 'run', name, t, d: performance.now() - t }); }; },
    set(f) { inner = f; },
  });
  document.addEventListener('input', (e) => add({ k: 'key', v: e.target.value, t: performance.now() }), true);
  const wrap = () => {
    const R = window.FichesRecherche;
    if (!R || !R.engine()) return false;
    const P = Object.getPrototypeOf(R.engine());
    for (const m of ['parse', 'rank', 'postings', 'store', 'correct', 'needed', 'partsFor', 'describe', 'matcher']) {
      const f = P[m];
      P[m] = function (...a) {
        const t = performance.now(), r = f.apply(this, a);
        add({ k: m, t, d: performance.now() - t, a: m === 'store' ? a[0] : m === 'postings' ? a[0] : undefined });
        return r;
      };
    }
    return true;
  };
  const iv = setInterval(() => { if (wrap()) clearInterval(iv); }, 20);
}

const f = (x) => (Number.isFinite(x) ? x.toFixed(0) : '-');
for (let round = 0; round < ROUNDS; round++)
  for (const q of queries) {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, serviceWorkers: 'block' });
    await ctx.addInitScript(hooks);
    const page = await ctx.newPage();
    await page.goto(base + 'index.html');
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.evaluate(() => {
      const input = document.querySelector('#q-entete');
      const status = input.form.querySelector('[role=status]');
      new MutationObserver(() => window.trace.push({ k: 'show', v: input.value, t: performance.now() }))
        .observe(status, { childList: true, characterData: true, subtree: true });
    });
    await page.waitForTimeout(1000);
    await page.tap('#q-entete');
    await page.evaluate(() => window.trace.push({ k: 'tap', t: performance.now() }));
    for (const ch of q) { await page.keyboard.type(ch); await page.waitForTimeout(100); }
    await page.waitForFunction((q) => window.trace.some((e) => e.k === 'show' && e.v === q), q, { timeout: 60000 });
    await page.waitForTimeout(600);
    const ev = await page.evaluate(() => {
      const got = new Map(performance.getEntriesByType('resource').map((r) => [r.name.replace(/^.*\/|\.js.*$/g, ''), r.responseEnd]));
      window.trace.forEach((e) => { if (e.k === 'part') e.resp = got.get(e.name); });
      return window.trace;
    });
    await ctx.close();
    const keys = ev.filter((e) => e.k === 'key'), shows = ev.filter((e) => e.k === 'show');
    const tap = (ev.find((e) => e.k === 'tap') || { t: 0 }).t;
    const lines = [];
    let firstDone = false;
    keys.forEach((k, i) => {
      if (k.v.trim().length < 2) return;
      const s = shows.find((s) => s.t >= k.t && s.v.length >= k.v.length && s.v.startsWith(k.v));
      if (!s) return;
      const lat = s.t - k.t, label = firstDone ? 'key' : 'FIRST';
      firstDone = true;
      if (lat <= OVER && label === 'key') return;
      const inside = ev.filter((e) => e.t < s.t && (e.t + (e.d || 0) > k.t || (e.end || 0) > k.t) && !['key', 'show', 'tap'].includes(e.k));
      const sum = {};
      inside.forEach((e) => { if (e.d !== undefined) sum[e.k] = (sum[e.k] || 0) + Math.min(e.t + e.d, s.t) - Math.max(e.t, k.t); });
      const longs = inside.filter((e) => e.k === 'long').map((e) => `${f(e.t - k.t)}+${f(e.d)}`);
      const parts = inside.filter((e) => e.k === 'part').map((e) => `${e.name}@${f(e.t - k.t)}→${f((e.resp ?? NaN) - k.t)}→${f((e.end ?? NaN) - k.t)}`);
      lines.push(`  ${label} «${k.v}» ${f(lat)} ms (${f(k.t - tap)} ms after tap): ` +
        Object.entries(sum).map(([n, d]) => `${n} ${f(d)}`).join(', ') + (parts.length ? `; parts ${parts.join(' ')}` : '') + (longs.length ? `; long tasks ${longs.join(' ')}` : ''));
    });
    console.log(`« ${q} »${lines.length ? '' : ': none over ' + OVER + ' ms'}`);
    lines.forEach((l) => console.log(l));
  }
if (srv) await srv.close();
await browser.close();
