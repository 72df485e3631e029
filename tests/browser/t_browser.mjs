// Browser tests of the built site, in Debian's chromium (playwright-core, no
// downloaded browser) with axe-core. Builds content/ with `fiches build
// --no-pdf` into a temporary directory (FICHES_SITE=dir uses a built site
// instead), serves it on 127.0.0.1 where http is needed, and checks:
//  a. a habitant on a 360×740 phone: home → Habitants → search « relogement »
//     → fiche-action 9 → contact e-mail → a theme → back;
//  b. a partner from file://: navigation, search, PDF links, no request
//     outside the site;
//  c. a crawl of every page: no broken link or anchor, no missing asset, no
//     console error, no request outside the site;
//  d. axe-core on every page type: no serious or critical violation;
//  e. offline after one visit (service worker), a fiche never seen and a search;
//  f. print emulation of a fiche;
//  g. screenshots at 360 and 1280 px in tests/out/screens/;
// plus the search budget (index size, query time) in tests/out/search-report.md.
// Prints ok/FAIL lines and a final « N passed, N failed ».
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { check, skip, step, finish, needBrowser, OUT, AXE } from '../lib/suite.mjs';
import { ROOT, FICHES, launch, buildSite, serve, timeQueries, TIMING_QUERIES,
  htmlBytes } from './helpers.mjs';

const SCREENS = path.join(OUT, 'screens');
fs.mkdirSync(SCREENS, { recursive: true });


const pw = await needBrowser({ program: false });

let site, tmp = null;
if (process.env.FICHES_SITE) site = path.resolve(process.env.FICHES_SITE);
else if (fs.existsSync(FICHES)) ({ tmp, out: site } = buildSite(ROOT));
else if (fs.existsSync(path.join(ROOT, 'public', 'index.html'))) site = path.join(ROOT, 'public');
else { check('a site to test', false, 'no build/fiches and no public/'); finish(1); }
site = fs.realpathSync(site);
console.log(`# site: ${site}`);

const pdfBuilt = fs.existsSync(path.join(site, 'pdf'));

const srv = await serve(site);
const browser = await launch(pw);
const report = [];

function listHtml(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listHtml(dir, r));
    else if (e.name.endsWith('.html')) out.push(r);
  }
  return out.sort();
}
const allPages = listHtml(site);
const firstIn = (dir) => allPages.find((p) => p.startsWith(dir + '/') && !p.endsWith('index.html'));
const fiche9 = allPages.find((p) => p.startsWith('fiches-actions/') && fs.readFileSync(path.join(site, p), 'utf8')
  .includes('<title>Fiche-action 9 · '));

// Types slowly, as a person does, so the combobox sees every keystroke.
async function typeQuery(page, selector, text) {
  await page.click(selector);
  await page.fill(selector, '');
  await page.type(selector, text, { delay: 20 });
}

/* ---- a. A habitant on a phone ------------------------------------------- */
await step('a. habitant on a phone', async () => {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true,
    hasTouch: true, locale: 'fr-FR', serviceWorkers: 'block' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(srv.base + 'index.html');
  const entry = page.locator('main a', { hasText: 'Habitants' }).first();
  check('a. the home page offers a « Habitants » entry', await entry.isVisible());
  await entry.click();
  await page.waitForLoadState();
  check('a. the « Habitants » entry leads to the habitants page', /publics\/habitants\.html$/.test(page.url()), page.url());
  await typeQuery(page, '#q-entete', 'relogement');
  const listbox = page.locator('[role=listbox]').first();
  await listbox.waitFor({ state: 'visible', timeout: 5000 });
  const options = page.locator('[role=listbox] [role=option]');
  const n = await options.count();
  check('a. results appear as she types « relogement »', n > 0, `${n} options`);
  const status = await page.locator('form.recherche-entete [role=status]').textContent();
  check('a. the result count is announced in French', /^\d+ résultats?$|^1 résultat$/.test(status.trim()), status);
  const opt9 = options.filter({ hasText: 'Fiche-action 9' }).first();
  check('a. fiche-action 9 is among the results', await opt9.count() > 0);
  const texts = await options.allTextContents();
  report.push(`a. « relogement » on the phone: ${status}; first: ${texts.slice(0, 3).map((t) => t.slice(0, 80)).join(' | ')}`);
  const marks = await opt9.locator('mark').allTextContents();
  check('a. the matched word is highlighted', marks.some((m) => /relog/i.test(m)), marks.join(','));
  await opt9.click();
  await page.waitForLoadState();
  check('a. the option opens fiche-action 9', page.url().includes(fiche9), page.url());
  const mail = page.locator('main a[href^="mailto:"]').first();
  check('a. the contact e-mail is visible on the fiche', await mail.isVisible(), await mail.textContent().catch(() => ''));
  const ficheUrl = page.url();
  const theme = page.locator('main a[href*="fiches-thematiques/"]:not([href$="index.html"])').first();
  const themeHref = await theme.getAttribute('href');
  await theme.click();
  await page.waitForLoadState();
  check('a. a theme link opens the theme', page.url().includes('fiches-thematiques/'), `${themeHref} → ${page.url()}`);
  await page.goBack();
  await page.waitForLoadState();
  check('a. history back returns to the fiche', page.url() === ficheUrl, page.url());
  check('a. no script error on the way', errors.length === 0, errors.join(' | '));
  await ctx.close();
});

/* ---- b. A partner from a USB stick (file://) ---------------------------- */
await step('b. partner from file://', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  const page = await ctx.newPage();
  const siteUrl = pathToFileURL(site).href + '/';
  const outside = [], errors = [];
  page.on('request', (r) => { if (!r.url().startsWith(siteUrl) && !r.url().startsWith('data:')) outside.push(r.url()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(siteUrl + 'index.html');
  await page.click('nav.navigation a:has-text("Fiches-actions")');
  await page.waitForLoadState();
  check('b. navigation works from file://', page.url() === siteUrl + 'fiches-actions/index.html', page.url());
  const cards = await page.locator('main .carte').count();
  check('b. the list of fiches-actions shows its cards', cards >= 11, `${cards}`);
  await typeQuery(page, '#q-entete', 'caarud');
  await page.locator('[role=listbox]').first().waitFor({ state: 'visible', timeout: 5000 });
  const texts = await page.locator('[role=listbox] [role=option]').allTextContents();
  check('b. search works from file:// (index loaded by a script tag)', texts.length > 0, `${texts.length}`);
  check('b. « caarud » lists the glossary entry', texts.some((t) => /^Glossaire\s*CAARUD/.test(t)), texts.map((t) => t.slice(0, 40)).join(' | '));
  await page.keyboard.press('ArrowDown');
  const active = await page.getAttribute('#q-entete', 'aria-activedescendant');
  check('b. ArrowDown selects the first option (aria-activedescendant)', !!active, String(active));
  await Promise.all([page.waitForURL((u) => !String(u).endsWith('fiches-actions/index.html')), page.keyboard.press('Enter')]);
  await page.waitForLoadState();
  check('b. Enter opens the selected result', page.url().startsWith(siteUrl) && !page.url().endsWith('fiches-actions/index.html'), page.url());
  // PDF links: none when built with --no-pdf; otherwise each must exist on disk.
  let pdfLinks = 0, missing = [];
  for (const p of ['index.html', 'fiches-actions/index.html', fiche9, firstIn('fiches-thematiques'), 'guide/index.html']) {
    await page.goto(siteUrl + p);
    const hrefs = await page.$$eval('a[href$=".pdf"]', (as) => as.map((a) => a.href));
    pdfLinks += hrefs.length;
    for (const h of hrefs) if (!fs.existsSync(new URL(h).pathname)) missing.push(h);
  }
  if (pdfBuilt) check('b. every PDF link points to a file on disk', pdfLinks > 0 && missing.length === 0, `${pdfLinks} links, missing ${missing.join(' ')}`);
  else check('b. built without PDFs: no PDF link is shown', pdfLinks === 0, `${pdfLinks} links`);
  check('b. no request outside the site directory', outside.length === 0, outside.slice(0, 5).join(' '));
  check('b. no console error from file://', errors.length === 0, errors.slice(0, 3).join(' | '));
  await ctx.close();
});

/* ---- c. Crawl ------------------------------------------------------------ */
await step('c. crawler', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  const origin = srv.base.replace(/\/$/, '');
  const bad = [], outside = [], consoleErrors = [], brokenAnchors = [];
  let current = '';
  page.on('request', (r) => { if (!r.url().startsWith(srv.base) && !r.url().startsWith('data:')) outside.push(r.url()); });
  page.on('response', (r) => { if (r.status() >= 400) bad.push(`${r.status()} ${r.url()} (from ${current})`); });
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${current}: ${m.text()}`); });
  page.on('pageerror', (e) => consoleErrors.push(`${current}: ${e}`));
  const seen = new Set(), queue = ['index.html'], ids = new Map(), anchorsWanted = [], otherTargets = new Set();
  while (queue.length) {
    const rel = queue.shift();
    if (seen.has(rel)) continue;
    seen.add(rel);
    current = rel;
    const resp = await page.goto(srv.base + rel);
    if (!resp || resp.status() !== 200) { bad.push(`${resp && resp.status()} ${rel}`); continue; }
    const info = await page.evaluate(() => ({
      ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
      links: [...document.querySelectorAll('a[href]')].map((a) => a.href)
        .concat([...document.querySelectorAll('form[action]')].map((f) => f.action)),
    }));
    ids.set(rel, new Set(info.ids));
    for (const href of info.links) {
      if (!href.startsWith(origin)) {
        if (/^https?:/.test(href) && href.startsWith('http://127.0.0.1')) outside.push(href);
        continue;
      }
      const u = new URL(href);
      const target = decodeURIComponent(u.pathname.slice(1)) || 'index.html';
      if (u.hash) anchorsWanted.push([rel, target, decodeURIComponent(u.hash.slice(1))]);
      if (target.endsWith('.html') || target.endsWith('/')) {
        const t = target.endsWith('/') ? target + 'index.html' : target;
        if (!seen.has(t)) queue.push(t);
      } else otherTargets.add(target);
    }
  }
  for (const t of otherTargets) if (!fs.existsSync(path.join(site, t))) bad.push(`missing ${t}`);
  for (const [from, target, id] of anchorsWanted) {
    const set = ids.get(target.endsWith('/') ? target + 'index.html' : target);
    if (set && !set.has(id)) brokenAnchors.push(`${from} → ${target}#${id}`);
  }
  const unreached = allPages.filter((p) => !seen.has(p) && p !== '404.html');
  check(`c. the crawl reached the pages (${seen.size} visited)`, seen.size >= allPages.length - 3);
  // Not a failure of this test: a page no link leads to is for the templates to fix.
  if (unreached.length) {
    console.log(`note - pages no link leads to: ${unreached.join(' ')}`);
    report.push(`c. pages no link leads to: ${unreached.join(', ')}`);
  }
  check('c. no broken link or missing asset', bad.length === 0, bad.slice(0, 5).join(' | '));
  check('c. every #anchor exists in its page', brokenAnchors.length === 0, brokenAnchors.slice(0, 5).join(' | '));
  check('c. no console error', consoleErrors.length === 0, consoleErrors.slice(0, 3).join(' | '));
  check('c. no request outside the site', outside.length === 0, outside.slice(0, 5).join(' '));
  report.push(`c. crawl: ${seen.size} pages, ${otherTargets.size} other files, ${anchorsWanted.length} anchored links`);
  await ctx.close();
});

/* ---- d. axe-core --------------------------------------------------------- */
await step('d. axe-core', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  const pages = [
    ['home', 'index.html'], ['list of fiches-actions', 'fiches-actions/index.html'],
    ['list of fiches thématiques', 'fiches-thematiques/index.html'], ['guide index', 'guide/index.html'],
    ['fiche-action', fiche9], ['fiche thématique', firstIn('fiches-thematiques')],
    ['guide chapter', firstIn('guide')], ['page', firstIn('pages')],
    ['contacts', 'contacts/index.html'], ['contact', firstIn('contacts')],
    ['glossary', 'glossaire.html'], ['bibliography', 'bibliographie.html'],
    ['logiques', 'logiques/index.html'], ['a logique', firstIn('logiques')],
    ['a public', 'publics/habitants.html'], ['territoires', 'territoires/index.html'],
    ['search with results', 'recherche.html?q=relogement'], ['404', '404.html'],
  ].filter(([, p]) => p);
  const lines = [];
  async function audit(label) {
    await page.addScriptTag({ content: AXE });
    const res = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    }));
    const serious = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    for (const v of res.violations)
      lines.push(`${label}: ${v.impact} ${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    check(`d. axe: no serious or critical violation on ${label}`, serious.length === 0,
      serious.map((v) => `${v.id} on ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`).join(' | '));
  }
  for (const [label, p] of pages) {
    await page.goto(srv.base + p);
    if (p.startsWith('recherche.html')) await page.locator('.rr-resultats li').first().waitFor({ timeout: 5000 });
    await audit(`${label} (${p})`);
  }
  // The combobox open, an option selected.
  await page.goto(srv.base + 'index.html');
  await typeQuery(page, '#q-entete', 'prévention');
  await page.locator('[role=listbox]').first().waitFor({ state: 'visible' });
  await page.keyboard.press('ArrowDown');
  await audit('home with the search listbox open');
  fs.writeFileSync(path.join(OUT, 'axe-report.txt'), lines.join('\n') + '\n');
  report.push(`d. axe: ${lines.length} violation groups of any impact (tests/out/axe-report.txt)`);
  await ctx.close();
});

/* ---- e. Offline ---------------------------------------------------------- */
await step('e. offline', async () => {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
  const page = await ctx.newPage();
  const sw = fs.readFileSync(path.join(site, 'sw.js'), 'utf8');
  const version = /var VERSION = "([^"]+)"/.exec(sw)[1];
  const precache = JSON.parse(/var PRECACHE = (\[[\s\S]*?\]);/.exec(sw)[1]);
  await page.goto(srv.base + 'index.html');
  const state = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    for (let i = 0; i < 100 && reg.active.state !== 'activated'; i++) await new Promise((r) => setTimeout(r, 100));
    return { scope: reg.scope, active: reg.active && reg.active.state, controlled: !!navigator.serviceWorker.controller };
  });
  check('e. the service worker is active with the site root as scope', state.scope === srv.base && state.active === 'activated', JSON.stringify(state));
  const cached = await page.evaluate(async (v) => {
    for (let i = 0; i < 100; i++) {
      if ((await caches.keys()).includes(v)) {
        const n = (await (await caches.open(v)).keys()).length;
        if (n > 0) return { names: await caches.keys(), n };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return { names: await caches.keys(), n: 0 };
  }, version);
  check('e. the versioned cache holds the precache list', cached.n >= precache.length && cached.names.includes(version),
    `${cached.n}/${precache.length} in ${cached.names.join(',')}`);
  const parts = fs.readdirSync(path.join(site, 'assets', 'recherche')).map((f) => `assets/recherche/${f}`);
  check('e. the precache list has every HTML page and the search index with all its parts',
    allPages.every((p) => precache.includes(p)) && precache.includes('assets/recherche-index.js') &&
    parts.length > 0 && parts.every((p) => precache.includes(p)), `${parts.filter((p) => !precache.includes(p)).length} parts missing`);
  await ctx.setOffline(true);
  const never = allPages.find((p) => p.startsWith('fiches-thematiques/') && !p.endsWith('index.html'));
  const resp = await page.goto(srv.base + never);
  const h1 = await page.locator('h1').first().textContent();
  check(`e. offline, a fiche never visited opens (${never})`, resp && resp.ok() && h1.length > 3, `${resp && resp.status()} ${h1}`);
  await typeQuery(page, '#q-entete', 'relogement');
  await page.locator('[role=listbox]').first().waitFor({ state: 'visible', timeout: 5000 });
  const n = await page.locator('[role=listbox] [role=option]').count();
  check('e. offline, the search answers', n > 0, `${n} options`);
  const r2 = await page.goto(srv.base + 'recherche.html?q=ecole');
  await page.locator('.rr-resultats li').first().waitFor({ timeout: 5000 });
  check('e. offline, recherche.html?q=… lists results', r2.ok() && await page.locator('.rr-resultats li').count() > 0);
  const manifest = JSON.parse(fs.readFileSync(path.join(site, 'manifest.webmanifest'), 'utf8'));
  check('e. the manifest is French, standalone, starts at « . », has 192 and 512 px icons',
    manifest.lang === 'fr' && manifest.start_url === '.' && manifest.display === 'standalone' &&
    manifest.icons.some((i) => i.sizes === '192x192') && manifest.icons.some((i) => i.sizes === '512x512') &&
    manifest.icons.every((i) => fs.existsSync(path.join(site, i.src))), JSON.stringify(manifest));
  await ctx.close();
});

/* ---- e'. The preview server registers no worker ------------------------- */
await step('e. fiches serve', async () => {
  if (!fs.existsSync(FICHES) || process.env.FICHES_SITE) { skip('e. fiches serve: no program, or a site given'); return; }
  const { spawn } = await import('node:child_process');
  const outDir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'fiches-serve-'));
  const child = spawn(FICHES, ['serve', '--port', '0', '--no-pdf', '-C', ROOT, '-o', path.join(outDir, 'site')],
    { env: { ...process.env, LANG: 'C', LC_ALL: 'C' } });
  try {
    const url = await new Promise((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error('fiches serve did not start: ' + text)), 20000);
      const look = (d) => { text += d; const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(text); if (m) { clearTimeout(timer); resolve(m[0]); } };
      child.stdout.on('data', look);
      child.stderr.on('data', look);
    });
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(url + 'index.html');
    await page.waitForTimeout(1500);
    const regs = await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length);
    check('e. the fiches serve preview registers no service worker', regs === 0, `${regs}`);
    await ctx.close();
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(outDir, { recursive: true, force: true });
  }
});

/* ---- f. Print ------------------------------------------------------------ */
await step('f. print', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  await page.goto(srv.base + fiche9);
  await page.emulateMedia({ media: 'print' });
  check('f. print: the navigation is hidden', !(await page.locator('nav.navigation').isVisible()));
  check('f. print: the search field is hidden', !(await page.locator('#q-entete').isVisible()));
  check('f. print: the title and content are shown', await page.locator('main h1').isVisible() &&
    await page.locator('main .corps h2').first().isVisible());
  check('f. print: the contacts are shown', await page.locator('main .contact').first().isVisible() &&
    await page.locator('main a[href^="mailto:"]').first().isVisible());
  await page.pdf({ path: path.join(OUT, 'screens', 'fiche-impression.pdf') }).catch(() => {});
  await ctx.close();
});

/* ---- g. Screenshots ------------------------------------------------------ */
await step('g. screenshots', async () => {
  for (const width of [360, 1280]) {
    const ctx = await browser.newContext({ viewport: { width, height: width === 360 ? 740 : 900 },
      isMobile: width === 360, serviceWorkers: 'block' });
    const page = await ctx.newPage();
    await page.goto(srv.base + 'index.html');
    await page.screenshot({ path: path.join(SCREENS, `accueil-${width}.png`) });
    await page.goto(srv.base + fiche9);
    await page.screenshot({ path: path.join(SCREENS, `fiche-${width}.png`) });
    await typeQuery(page, '#q-entete', 'relogement');
    await page.locator('[role=listbox]').first().waitFor({ state: 'visible' });
    await page.keyboard.press('ArrowDown');
    await page.screenshot({ path: path.join(SCREENS, `recherche-liste-${width}.png`) });
    await page.goto(srv.base + 'recherche.html?q=relogement');
    await page.locator('.rr-resultats li').first().waitFor({ timeout: 5000 });
    await page.screenshot({ path: path.join(SCREENS, `recherche-page-${width}.png`) });
    await ctx.close();
  }
  const files = fs.readdirSync(SCREENS).filter((f) => f.endsWith('.png'));
  check('g. screenshots written to tests/out/screens/', files.length >= 8, files.join(' '));
});

/* ---- Budget: index size and query time ----------------------------------- */
await step('budget', async () => {
  const html = htmlBytes(site);
  const first = fs.statSync(path.join(site, 'assets', 'recherche-index.js')).size;
  const partsDir = path.join(site, 'assets', 'recherche');
  const partFiles = fs.readdirSync(partsDir);
  const index = first + partFiles.reduce((n, f) => n + fs.statSync(path.join(partsDir, f)).size, 0);
  const ratio = index / html.total;
  check(`budget: the index is under 40 % of the HTML (${(100 * ratio).toFixed(1)} %)`, ratio < 0.4);
  const ctx = await browser.newContext({ serviceWorkers: 'block' });
  const page = await ctx.newPage();
  await page.goto(srv.base + 'index.html');
  const t = await timeQueries(page, TIMING_QUERIES, 20);
  // Speed is measured (the figures go to the report, and bench/search times it
  // against its budget on a quiet machine); the test only catches a query that
  // hangs, since wall time here depends on what else the machine runs.
  console.log(`# query time: p95 ${t.p95.toFixed(2)} ms, max ${t.max.toFixed(2)} ms (budget 10 ms, bench/search)`);
  check(`budget: no query hangs (max ${t.max.toFixed(2)} ms, under 2 s)`, t.max < 2000);
  // The expectations of the issue on the index itself.
  const q = await page.evaluate(async () => {
    const hrefs = async (q) => { const r = await window.FichesRecherche.search(q, 50); return r.results.map((x, i) => window.FichesRecherche.describe(r, i).href); };
    const f9 = (l) => l.some((h) => h.includes('soutien-aux-familles'));
    return {
      relogement: f9(await hrefs('relogement')), reloger: f9(await hrefs('reloger')), reloges: f9(await hrefs('relogés')),
      ecole: (await hrefs('ecole')).length, ecoleAccent: (await hrefs('école')).length,
      caarud: await hrefs('caarud'), expansion: await hrefs('centre d’accueil usagers de drogues'),
      sections: (await hrefs('relogement')).filter((h) => h.includes('#')).length,
      fold: window.FichesRecherche.FOLD.join('|'),
    };
  });
  check('budget: « relogement », « reloger », « relogés » all find fiche-action 9', q.relogement && q.reloger && q.reloges, JSON.stringify(q).slice(0, 200));
  check('budget: « ecole » finds what « école » finds', q.ecole > 0 && q.ecole === q.ecoleAccent, `${q.ecole} vs ${q.ecoleAccent}`);
  check('budget: results point to sections (#anchor)', q.sections > 0);
  check('budget: « caarud » finds the glossary entry, its expansion finds the fiches that write CAARUD',
    q.caarud.some((h) => h.startsWith('glossaire.html#')) &&
    q.expansion.some((h) => h.startsWith('fiches-actions/reduction-des-risques-lies-aux-usages')), JSON.stringify(q.expansion.slice(0, 5)));
  const src = fs.readFileSync(path.join(ROOT, 'generator', 'html', 'search_fold.c'), 'utf8');
  const table = /fold_str\[\] =([^;]*);/.exec(src)[1];
  const cFold = [...table.matchAll(/"([a-z|]*)"/g)].map((m) => m[1]).join('');
  check('budget: search.js folds with the same table as search_fold.c', cFold === q.fold);
  const lines = [
    '# Search budget (TAT corpus)', '',
    `- HTML: ${html.pages} pages, ${html.total} bytes; index: ${index} bytes = ${(100 * ratio).toFixed(1)} % (budget 40 %), of which assets/recherche-index.js (loaded first) ${first} bytes = ${(100 * first / html.total).toFixed(1)} % and ${partFiles.length} parts in assets/recherche/ loaded as queries need them.`,
    `- Index in the browser: ${t.sections} sections, ${t.words} words, ${t.stems} stems; loading (parse + postings): ${t.loadMs.toFixed(1)} ms.`,
    `- ${t.queries} queries (${TIMING_QUERIES.length} distinct × 20, including snippets of the 8 shown): median ${t.median.toFixed(3)} ms, mean ${t.mean.toFixed(3)} ms, p95 ${t.p95.toFixed(3)} ms, max ${t.max.toFixed(3)} ms, max after the first pass ${t.warmMax.toFixed(3)} ms (budget 10 ms).`,
    '', ...report.map((r) => `- ${r}`), '',
  ];
  fs.writeFileSync(path.join(OUT, 'search-report.md'), lines.join('\n'));
  await ctx.close();
});

await browser.close();
await srv.close();
if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
finish();
