// bench/search/ab.mjs SITE_A SITE_B: the phone measurement of phone.sh on two builds of
// the same corpus, interleaved (A then B for each query in even rounds, B then A in odd ones, from file:// and over
// http with gzip), so that both see the same load: on a shared machine the figures of
// two separate runs differ more than the builds do. ROUNDS (default 2) rounds; each
// figure is over every round (not the least). FROM=http or FROM=file: that one only.
// QUERIES="a|b": those queries instead of PHONE_QUERIES. Report on stdout, then each
// query's keystrokes over 50 ms, A against B.
import { pathToFileURL } from 'node:url';
import { loadPlaywright, launch, serve, phoneTimings, PHONE_QUERIES } from '../../tests/browser/helpers.mjs';
import fs from 'node:fs';
import path from 'node:path';

const sites = process.argv.slice(2, 4).map((d) => path.resolve(d));
if (sites.length !== 2) { console.error('usage: node bench/search/ab.mjs SITE_A SITE_B'); process.exit(2); }
const ROUNDS = +(process.env.ROUNDS || 2);
const pw = await loadPlaywright();
if (!pw) { console.error('playwright-core missing: cd tests/browser && npm ci'); process.exit(3); }
const browser = await launch(pw);
const load = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const pick = (xs, p) => { const s = xs.filter(Number.isFinite).sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN; };
const f = (x) => (Number.isFinite(x) ? x.toFixed(0) : '-');
console.log([`# A/B: A ${sites[0]}, B ${sites[1]}`, '', `Load average at the start ${load()}; ${ROUNDS} rounds, A and B interleaved.`, '',
  '| site | from | first p50 | p95 | keystrokes | key p50 | p95 | max | over 50 ms | snippets p50 | p95 | bytes p50 | max |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'].join('\n'));
const servers = await Promise.all(sites.map((d) => serve(d, { gzip: true })));
const QUERIES = process.env.QUERIES ? process.env.QUERIES.split('|') : PHONE_QUERIES;
const perQuery = [];
for (const from of ['file://', 'http, gzip'].filter((m) => !process.env.FROM || m.startsWith(process.env.FROM))) {
  const acc = sites.map(() => ({ first: [], keys: [], snip: [], bytes: [] }));
  for (let round = 0; round < ROUNDS; round++)
    for (const q of QUERIES)
      for (const s of round % 2 ? [1, 0] : [0, 1]) {
        const http = from !== 'file://';
        const base = http ? servers[s].base : pathToFileURL(sites[s]).href + '/';
        const t = await phoneTimings(browser, base, [q], { rate: 4, keyMs: 100, ...(http ? { srv: servers[s] } : {}) });
        const p = t.perQuery[0];
        acc[s].first.push(p.first); acc[s].keys.push(...p.keys); acc[s].snip.push(p.snippets);
        if (http) acc[s].bytes.push(p.bytes);
        perQuery.push({ from, q, s, first: p.first, keys: p.keys, bytes: p.bytes });
      }
  acc.forEach((a, s) => console.log(`| ${'AB'[s]} | ${from} | ${f(pick(a.first, 0.5))} ms | ${f(pick(a.first, 0.95))} ms | ${a.keys.length} | ${f(pick(a.keys, 0.5))} ms | ${f(pick(a.keys, 0.95))} ms | ${f(Math.max(...a.keys))} ms | ${a.keys.filter((k) => k > 50).length} | ${f(pick(a.snip, 0.5))} ms | ${f(pick(a.snip, 0.95))} ms | ${a.bytes.length ? f(pick(a.bytes, 0.5)) : '-'} | ${a.bytes.length ? Math.max(...a.bytes) : '-'} |`));
}
console.log('\nEach query: first results (ms, each round), keystrokes over 50 ms (ms), bytes.\n');
for (const from of new Set(perQuery.map((p) => p.from)))
  for (const q of QUERIES)
    for (let s = 0; s < 2; s++) {
      const ps = perQuery.filter((p) => p.from === from && p.q === q && p.s === s);
      console.log(`- ${from} « ${q} » ${'AB'[s]}: first ${ps.map((p) => f(p.first)).join(' ')}; slow keys ${ps.map((p) => p.keys.filter((k) => k > 50).map(f).join(' ') || '-').join(' / ')}; of ${ps[0].keys.length}${from === 'file://' ? '' : `; ${ps.map((p) => p.bytes).join(' ')} bytes`}`);
    }
console.log(`\nLoad average at the end ${load()}.`);
await Promise.all(servers.map((s) => s.close()));
await browser.close();
