// bench/search/bench.mjs TAT_SITE BIG_SITE N: writes the search budget report (Markdown) on stdout.
import fs from 'node:fs';
import path from 'node:path';
import { loadPlaywright, launch, serve, timeQueries, TIMING_QUERIES, htmlBytes } from '../../tests/browser/helpers.mjs';

const [tat, big, n] = process.argv.slice(2);
const pw = await loadPlaywright();
if (!pw) { console.error('playwright-core missing: cd tests/browser && npm ci'); process.exit(3); }
const browser = await launch(pw);
const lines = ['# Search budget', '', `Chromium ${browser.version()}, ${new Date().toISOString().slice(0, 10)}.`, ''];
lines.push('| corpus | pages | HTML bytes | index bytes | index / HTML | sections | words | load ms | queries | median ms | p95 ms | max ms | max ms after the first pass |');
lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [label, dir, rounds] of [['TAT', tat, 20], [`synthetic, ${n} fiches`, big, 5]]) {
  const html = htmlBytes(dir);
  const index = fs.statSync(path.join(dir, 'assets', 'recherche-index.js')).size;
  const srv = await serve(dir);
  const ctx = await browser.newContext({ serviceWorkers: 'block' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(120000);
  await page.goto(srv.base + 'index.html');
  const t0 = Date.now();
  const t = await timeQueries(page, TIMING_QUERIES, rounds);
  const wall = Date.now() - t0;
  lines.push(`| ${label} | ${html.pages} | ${html.total} | ${index} | ${(100 * index / html.total).toFixed(1)} % | ${t.sections} | ${t.words} | ${t.loadMs.toFixed(0)} | ${t.queries} | ${t.median.toFixed(2)} | ${t.p95.toFixed(2)} | ${t.max.toFixed(2)} | ${t.warmMax.toFixed(2)} |`);
  console.error(`${label}: ${wall} ms wall including loading`);
  await ctx.close();
  await srv.close();
}
lines.push('', `Queries: ${TIMING_QUERIES.map((q) => `« ${q} »`).join(', ')}; each timed alone, with the snippets of the 8 results a listbox shows.`,
  'Load: parsing the index script and building the postings, once, on the first focus of a search field.', '');
console.log(lines.join('\n'));
await browser.close();
