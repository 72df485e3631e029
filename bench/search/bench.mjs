// bench/search/bench.mjs TAT_SITE BIG_SITE N: writes the search budget report (Markdown) on stdout.
// TAT_SITE or BIG_SITE may be "-" (that corpus left out). ENGINE=0 leaves part 3 out
// (bench/search/phone.sh, the quick measurement).
//  1. The index against the HTML: its first file (loaded when a page is idle), all its
//     parts, gzipped too.
//  2. A phone (issue 16 item 4): CPU 4x slower (CDP), PHONE_QUERIES typed in a fresh
//     page each (helpers.phoneTimings: tap 1 s after the page shows, one key every
//     100 ms), from file:// and over http with gzip; first results (from the keystroke
//     that makes the query searchable) and each later keystroke, p50/p95/max, and the
//     index bytes each query transfers. ROUNDS (default 2) rounds per query, the least kept.
//  3. The engine alone, unthrottled: TIMING_QUERIES with their snippets (timeQueries).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { loadPlaywright, launch, serve, timeQueries, TIMING_QUERIES, htmlBytes, phoneTimings,
  PHONE_QUERIES } from '../../tests/browser/helpers.mjs';

const [tat, big, n] = process.argv.slice(2);
const ROUNDS = +(process.env.ROUNDS || 2);
const ENGINE = process.env.ENGINE !== '0';
const pw = await loadPlaywright();
if (!pw) { console.error('playwright-core missing: cd tests/browser && npm ci'); process.exit(3); }
const browser = await launch(pw);
const load = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const lines = ['# Search budget', '', `Chromium ${browser.version()}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, load average at the start ${load()}.`, ''];
const sizes = ['| corpus | pages | HTML bytes | index first file | gzipped | all parts | gzipped | all / HTML | parts |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
const phone = ['| corpus | from | first results p50 | p95 | max | keystrokes | keystroke p50 | p95 | max | snippets after the last key p50 | p95 | index bytes per query p50 | max |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
const engine = ['| corpus | sections | words | load ms | queries | median ms | p95 ms | max ms |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
const detail = [];
const f = (x) => (x === null || Number.isNaN(x) ? '-' : x.toFixed(0));
for (const [label, dir, rounds] of [['TAT', tat, 20], [`${n} fiches`, big, 3]].filter((c) => c[1] !== '-')) {
  const html = htmlBytes(dir);
  const first = fs.readFileSync(path.join(dir, 'assets', 'recherche-index.js'));
  const partsDir = path.join(dir, 'assets', 'recherche');
  let all = first.length, allGz = zlib.gzipSync(first, { level: 9 }).length, nparts = 0;
  for (const p of fs.readdirSync(partsDir)) {
    const b = fs.readFileSync(path.join(partsDir, p));
    all += b.length;
    allGz += zlib.gzipSync(b, { level: 9 }).length;
    nparts++;
  }
  sizes.push(`| ${label} | ${html.pages} | ${html.total} | ${first.length} | ${zlib.gzipSync(first, { level: 9 }).length} | ${all} | ${allGz} | ${(100 * all / html.total).toFixed(1)} % | ${nparts} |`);
  const srv = await serve(dir, { gzip: true });
  for (const [from, base, opts] of [['file://', pathToFileURL(dir).href + '/', {}], ['http, gzip', srv.base, { srv }]]) {
    const t0 = Date.now();
    const t = await phoneTimings(browser, base, PHONE_QUERIES, { rate: 4, keyMs: 100, rounds: ROUNDS, ...opts });
    phone.push(`| ${label} | ${from} | ${f(t.firstP50)} ms | ${f(t.firstP95)} ms | ${f(t.firstMax)} ms | ${t.keyCount} | ${f(t.keyP50)} ms | ${f(t.keyP95)} ms | ${f(t.keyMax)} ms | ${f(t.snippetsP50)} ms | ${f(t.snippetsP95)} ms | ${opts.srv ? t.bytesP50 : '-'} | ${opts.srv ? t.bytesMax : '-'} |`);
    for (const p of t.perQuery) {
      const line = `${label}, ${from}, « ${p.q} »: first ${f(p.first)} ms, keys ${p.keys.map(f).join(' ')}, snippets ${f(p.snippets)}${opts.srv ? `, ${p.bytes} bytes` : ''}`;
      detail.push(`- ${line}`);
      console.error(line);
    }
    console.error(`${label} ${from}: ${Date.now() - t0} ms wall`);
  }
  if (!ENGINE) { await srv.close(); continue; }
  const ctx = await browser.newContext({ serviceWorkers: 'block' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(120000);
  await page.goto(srv.base + 'index.html');
  const t = await timeQueries(page, TIMING_QUERIES, rounds);
  engine.push(`| ${label} | ${t.sections} | ${t.words} | ${t.loadMs.toFixed(1)} | ${t.queries} | ${t.median.toFixed(2)} | ${t.p95.toFixed(2)} | ${t.max.toFixed(2)} |`);
  await ctx.close();
  await srv.close();
}
lines.push('## Index against the HTML', '', ...sizes, '',
  'The first file (vocabulary, stem counts, where the rest is) loads when a page with a search field is idle; the record lists (kinds, numbers, titles) when a finger touches the field; the other parts (postings shards, large stems, phrases, text fragments) as queries need them.', '',
  '## On a phone (CPU 4× slower)', '', ...phone, '',
  `Queries: ${PHONE_QUERIES.map((q) => `« ${q} »`).join(', ')}; a fresh page each, tap 1 s after it shows, one key every 100 ms; the least of ${ROUNDS} rounds per figure. Results are timed when the list shows them (kind, number, title); their snippets follow when typing pauses (${'`'}SNIPPET_PAUSE_MS${'`'} in search.js), timed from the last keystroke. Budgets (issue 16): first results within 200 ms of the keystroke that makes the query searchable, each further keystroke within 50 ms, at most 300 KB transferred per query (snippets included).`, '',
  ...(ENGINE ? ['## The engine alone (no throttling)', '', ...engine, '',
    `Queries: ${TIMING_QUERIES.map((q) => `« ${q} »`).join(', ')}; each timed alone (index parts loaded on first use), with the snippets of the 8 results a listbox shows.`, '']
    : ['## Each query (the least of its rounds; keys: each keystroke after the first results)', '', ...detail, '']),
  `Load average at the end: ${load()}.`, '');
console.log(lines.join('\n'));
await browser.close();
