// What habitants type, and what the search must put first. Builds content/
// (the TAT corpus) with `fiches build --no-pdf` (FICHES_SITE=dir uses a built
// site instead), runs a table of realistic queries (typos, plurals, accents,
// everyday words and sentences, synonyms of content/recherche.yaml) in
// Debian's chromium, prints the table, and checks for each query:
//  - the kind of the first result is one of the expected kinds;
//  - a correction (« parant » → « parent ») is announced when expected, and
//    only then; every highlighted word belongs to what was searched;
//  - for « police », « école », « drogue »: a fiche or a chapter ranks above
//    every bibliography entry.
// Then in the page itself: the results page says « Résultats pour « parent » »,
// the header's list shows it too, a fast typist's keystrokes are debounced, and a
// keystroke's results come in the frame of its letter.
// Prints ok/FAIL lines and a final « N passed, N failed, N skipped ».
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, FICHES, launch, buildSite } from './helpers.mjs';
import { check, finish, needBrowser } from '../lib/suite.mjs';

const pw = await needBrowser({ program: false });
let site, tmp = null;
if (process.env.FICHES_SITE) site = path.resolve(process.env.FICHES_SITE);
else if (fs.existsSync(FICHES)) ({ tmp, out: site } = buildSite(ROOT));
else { check('a site to test', false, 'no build/fiches'); finish(1); }

const FICHE = ['Fiche-action', 'Fiche thématique'];
const DOC = [...FICHE, 'Chapitre'];
// [query, expected kinds of the first result, expected correction or null, why]
const TABLE = [
  ['police', [...DOC, 'Contact'], null, 'a bibliography entry must not come first'],
  ['école', DOC, null, 'accent'],
  ['ecole', DOC, null, 'accent left out'],
  ['drogue', DOC, null, 'no longer contacts and bibliography first'],
  ['drogues', DOC, null, 'plural'],
  ['relogement', ['Fiche-action'], null, 'fiche-action 9'],
  ['relogés', ['Fiche-action'], null, 'plural of a form absent from the text: no correction'],
  ['parant', FICHE, 'parent', 'typo (issue)'],
  ['polise', [...DOC, 'Contact'], 'police', 'typo (issue)'],
  ['vilence', ['Fiche-action'], 'violence', 'typo (issue)'],
  ['violance', ['Fiche-action'], 'violence', 'typo'],
  ['adolesence', ['Fiche thématique'], 'adolescence', 'typo in a long word'],
  ['scolarisation', ['Fiche thématique'], null, 'a fiche thématique’s title'],
  ['familles victimes', ['Fiche-action'], null, 'two words of a title'],
  ['caarud', ['Glossaire'], null, 'a sigle'],
  ['trafics', DOC, null, 'plural'],
  ['guetteurs', DOC, null, 'a word of the street'],
  ['que faire pour les jeunes', DOC, null, 'everyday question'],
  ['reduction des risques', DOC, null, 'a phrase without accents'],
  ['santé des jeunes', DOC, null, 'accent and plural'],
  ['9', ['Fiche-action'], null, 'a fiche’s number'],
  // Words of the street, through content/recherche.yaml.
  ['shit', DOC, null, 'synonym: cannabis (issue)'],
  ['maman', FICHE, null, 'synonym: parents (issue)'],
  ['flic', [...DOC, 'Contact'], null, 'synonym: police'],
  ['dealer', DOC, null, 'synonym: trafic (issue)'],
  ['harcelement', ['Fiche-action'], null, 'absent from the texts (issue): synonyms menaces, violence'],
  ['mon fils vend de la drogue', DOC, null, 'everyday sentence (issue): stop words, synonyms'],
  ['j’ai peur des dealers', FICHE, null, 'everyday sentence'],
];
const ABOVE_BIBLIO = ['police', 'école', 'drogue', 'flic'];

const browser = await launch(pw);
const page = await browser.newPage();
await page.goto('file://' + path.join(site, 'index.html'));
await page.evaluate(() => new Promise((r) => window.FichesRecherche.load(r)));

const rows = [];
for (const [q, kinds, fix, why] of TABLE) {
  const r = await page.evaluate(async (q) => {
    const F = window.FichesRecherche, res = await F.search(q, 50);
    const ds = res.results.map((x, i) => F.describe(res, i));
    const marks = [];
    for (const d of ds.slice(0, 8))
      for (const part of [...d.title, ...(d.section || []), ...d.snippet])
        if (part[1]) marks.push(F.fold(part[0]));
    return { total: res.total, corrected: res.corrected, marks,
      kinds: ds.map((d) => d.type.replace(/ [0-9]+$/, '')),
      first: ds.length ? `${ds[0].type} · ${ds[0].title.map((p) => p[0]).join('')}${ds[0].section ? ' · ' + ds[0].section.map((p) => p[0]).join('') : ''}` : '' };
  }, q);
  const kindOk = r.kinds.length > 0 && kinds.includes(r.kinds[0]);
  const fixOk = (r.corrected || null) === fix;
  rows.push({ q, why, total: r.total, corrected: r.corrected || '', first: r.first, ok: kindOk && fixOk });
  check(`« ${q} »: first result is ${kinds.join(' | ')}`, kindOk, r.first);
  check(`« ${q} »: ${fix ? `corrected to « ${fix} »` : 'no correction announced'}`, fixOk, String(r.corrected));
  if (fix) {
    const stray = r.marks.filter((m) => !m.startsWith(fix.slice(0, 5)));
    check(`« ${q} »: only words of « ${fix} » are highlighted`, r.marks.length > 0 && stray.length === 0, stray.join(' '));
  }
  if (ABOVE_BIBLIO.includes(q)) {
    const doc = r.kinds.findIndex((k) => DOC.includes(k)), bib = r.kinds.indexOf('Bibliographie');
    check(`« ${q} »: a fiche or chapter ranks above the bibliography`, doc >= 0 && (bib < 0 || doc < bib), `doc ${doc}, bibliography ${bib}`);
  }
}

console.log('\n| Query | Why | Results | Understood as | First result |\n|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.q} | ${r.why} | ${r.total} | ${r.corrected} | ${r.ok ? '' : 'FAIL '}${r.first.slice(0, 90)} |`);
console.log('');

// The results page and the header's list announce the correction.
const nb = '\u202F';
await page.goto('file://' + path.join(site, 'recherche.html') + '?q=parant');
await page.locator('.rr-resultats li').first().waitFor({ timeout: 5000 });
const status = await page.locator('.rr-statut').textContent();
check('recherche.html?q=parant says « Résultats pour « parent » »', status.includes(`Résultats pour «${nb}parent${nb}»`), status);
const wrong = await page.locator('.rr-resultats mark').evaluateAll((ms) => ms.map((m) => m.textContent).filter((t) => !/^parent/i.test(t)));
check('recherche.html?q=parant highlights only « parent(s) »', wrong.length === 0, wrong.join(' '));

await page.goto('file://' + path.join(site, 'index.html'));
const input = page.locator('form.recherche-entete input[name=q]').first();
await input.focus();
await page.evaluate(() => new Promise((r) => window.FichesRecherche.load(r)));
await input.fill('polise');
await page.locator('.rr-correction:visible').first().waitFor({ timeout: 5000 });
const note = await page.locator('.rr-correction:visible').first().textContent();
check('the header’s list says « Résultats pour « police » »', note === `Résultats pour «${nb}police${nb}»`, note);

// Debounce (issue 16 item 4).
await input.fill('');
await page.evaluate(() => {
  const e = window.FichesRecherche.engine(), search = e.search;
  window.searchCalls = [];
  e.search = function (q, limit) { window.searchCalls.push(q); return search.call(this, q, limit); };
});
// Ten input events in one task, as from a typist faster than the delay (the
// machine's load cannot space them out): one search, for the whole word.
await page.evaluate(() => {
  const el = document.querySelector('form.recherche-entete input[name=q]');
  for (let i = 1; i <= 'relogement'.length; i++) {
    el.value = 'relogement'.slice(0, i);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }
});
await page.waitForFunction(() => window.searchCalls.includes('relogement'), null, { timeout: 5000 });
await page.waitForTimeout(200);
const calls = await page.evaluate(() => window.searchCalls);
check(`ten quick keystrokes give one search, not one per letter (${calls.length}: ${calls.join(', ')})`,
  calls.length === 1 && calls[0] === 'relogement');
const shown = await page.locator('.rr-liste:visible [role=option]').count();
check('the header’s list shows the results of the last keystroke', shown > 0, `${shown}`);

// A keystroke whose index parts are loaded shows its results in the frame that shows its
// letter (issue 16 item 4): the search runs in that frame's requestAnimationFrame, not in a
// task after it (10–25 ms later on a slow phone). Timers are held back meanwhile, so a
// search started by setTimeout would not have run by the frame.
const inFrame = await page.evaluate(() => new Promise((resolve) => {
  const el = document.querySelector('form.recherche-entete input[name=q]');
  const status = el.form.querySelector('[role=status]');
  const setTimeout0 = window.setTimeout;
  window.setTimeout = () => 0;
  el.value = 'polise';
  el.dispatchEvent(new Event('input', { bubbles: true }));
  requestAnimationFrame(() => {
    window.setTimeout = setTimeout0;
    resolve(status.textContent);
  });
}));
check('a keystroke’s results are shown in the frame of its letter (no task in between)',
  inFrame.includes(`«${nb}police${nb}»`), inFrame);

await browser.close();
if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
finish();
