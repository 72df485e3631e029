// The header's search on a site whose index comes in pieces (issue 16 item 4): a keystroke
// should not wait for a piece an earlier keystroke could tell it would need. Builds a
// synthetic corpus of 1 000 fiches (bench/gencorpus.c, compiled here) with
// `fiches build --no-pdf` (FICHES_SITE=dir uses a built site instead), types queries in
// Debian's chromium (one key every 150 ms, from file://) and records, for each search
// the field starts, the index pieces it must wait for (Engine.needed before the search).
// Checks:
//  - « santé des jeunes »: once « santé » is followed by a space, no later keystroke waits
//    for the whole postings of a word (mN: the next word crosses santé's, and « jeun » →
//    jeune is the likely end of the word being typed), so they were fetched meanwhile;
//  - « caarud »: the sigle's crossed expansion (fN) is fetched from « ca » on, not waited for;
//  - a one-word query fetches no whole postings (nothing it would not need).
// Prints ok/FAIL lines and a final « N passed, N failed, N skipped ».
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { ROOT, FICHES, launch } from './helpers.mjs';
import { check, finish, needBrowser } from '../lib/suite.mjs';

const pw = await needBrowser({ program: false });
let site, tmp = null;
if (process.env.FICHES_SITE) site = path.resolve(process.env.FICHES_SITE);
else if (fs.existsSync(FICHES)) {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fiches-prefetch-'));
  const run = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, LANG: 'C', LC_ALL: 'C' } });
    if (r.status !== 0) { check(`${path.basename(cmd)} runs`, false, r.stderr || String(r.error)); finish(1); }
  };
  run(process.env.CC || 'cc', ['-std=c11', '-O2', '-o', path.join(tmp, 'gencorpus'), path.join(ROOT, 'bench', 'gencorpus.c')]);
  run(path.join(tmp, 'gencorpus'), ['1000', path.join(tmp, 'c1000')]);
  site = path.join(tmp, 'site');
  run(FICHES, ['build', '-q', '--no-pdf', '-C', path.join(tmp, 'c1000'), '--templates', path.join(ROOT, 'templates'), '-o', site]);
} else { check('a site to test', false, 'no build/fiches'); finish(1); }

const browser = await launch(pw);

// Types q into the header's field of a fresh page; returns [value, pieces waited for] per search.
async function typed(q) {
  const ctx = await browser.newContext({ serviceWorkers: 'block' });
  const page = await ctx.newPage();
  await page.goto(pathToFileURL(path.join(site, 'index.html')).href);
  await page.evaluate(() => new Promise((r) => window.FichesRecherche.load(r)));
  const info = await page.evaluate((q) => {
    const e = window.FichesRecherche.engine(), P = Object.getPrototypeOf(e), search = P.search;
    window.waits = [];
    P.search = function (q, limit) {
      window.waits.push([q, [...this.needed(this.parse(q), limit)]]);
      return search.apply(this, arguments);
    };
    const first = e.parse(q)[0], id = first && first.cands.size ? [...first.cands.keys()][0] : -1;
    return { whole: !!e.whole, bigFirst: id >= 0 && e.df[id] > e.head };
  }, q);
  await page.tap?.('#q-entete').catch(() => {});
  await page.focus('#q-entete');
  for (const ch of q) { await page.keyboard.type(ch); await page.waitForTimeout(150); }
  await page.waitForTimeout(300);
  const waits = await page.evaluate(() => window.waits);
  await ctx.close();
  return { ...info, waits };
}

const sante = await typed('santé des jeunes');
check('the index of 1 000 fiches comes in pieces, « santé » has whole postings apart', !sante.whole && sante.bigFirst,
  JSON.stringify({ whole: sante.whole, bigFirst: sante.bigFirst }));
const late = sante.waits.filter(([v]) => v.startsWith('santé ') && v.trim() !== 'santé')
  .filter(([, names]) => names.some((n) => n[0] === 'm'));
check('« santé des jeunes »: after « santé », no keystroke waits for whole postings',
  sante.waits.length > 0 && late.length === 0, late.map(([v, n]) => `${v}: ${n.join(',')}`).join('; '));

const caarud = await typed('caarud');
const phrase = caarud.waits.filter(([, names]) => names.some((n) => n[0] === 'f'));
check('« caarud »: no keystroke waits for the expansion of the sigle', caarud.waits.length > 0 && phrase.length === 0,
  phrase.map(([v, n]) => `${v}: ${n.join(',')}`).join('; '));

// A query of one word needs no whole postings: none is fetched.
{
  const ctx = await browser.newContext({ serviceWorkers: 'block' });
  const page = await ctx.newPage();
  await page.addInitScript(() => {
    window.asked = [];
    const append = Node.prototype.appendChild;
    Node.prototype.appendChild = function (n) {
      if (n && n.tagName === 'SCRIPT') window.asked.push(n.src.replace(/^.*\/|\.js.*$/g, ''));
      return append.call(this, n);
    };
  });
  await page.goto(pathToFileURL(path.join(site, 'index.html')).href);
  await page.focus('#q-entete');
  for (const ch of 'prévention') { await page.keyboard.type(ch); await page.waitForTimeout(150); }
  await page.waitForTimeout(300);
  const asked = await page.evaluate(() => window.asked);
  const whole = asked.filter((n) => /^m[0-9]+$/.test(n));
  check('a one-word query fetches no whole postings', asked.some((n) => /^p[0-9]+$/.test(n)) && whole.length === 0, whole.join(','));
  await ctx.close();
}

await browser.close();
if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
finish();
