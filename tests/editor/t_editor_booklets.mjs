// The workshop's booklets page in Debian's chromium (playwright-core).
//
// On a copy of tests/fixtures/basic served by `fiches serve` (with its PDF
// pass, so the site's booklets exist):
//  - the list of documents links to « Livrets »; the page lists every
//    booklet, and each page count it shows equals pdfinfo's for that file;
//  - an ad-hoc booklet by theme, in A5: the page shows the pending state,
//    then both downloads; both files pass qpdf --check, their page counts
//    (pdfinfo) are the ones shown; « Enregistrer ce livret » saves it;
//  - the hand-picked list filters as one types;
//  - the queue: while one booklet is typeset (its worker paused), four
//    other tabs are each told their place in French, a fifth is refused
//    with a sentence and keeps its choice; the queue then moves on;
//  - axe-core: no serious or critical violation, before and after;
//  - everything is reachable with the keyboard: Tab reaches the form's
//    controls and the button, arrow keys change the choice, Enter composes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { launch } from '../browser/helpers.mjs';
import { ROOT, OUT, AXE, check, step, finish, needBrowser, serve } from '../lib/suite.mjs';

const pdfPages = (file) => {
  const m = spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout.match(/Pages:\s+(\d+)/);
  return m ? +m[1] : -1;
};
const qpdfOk = (file) => spawnSync('qpdf', ['--check', file], { encoding: 'utf8' }).status === 0;

const pw = await needBrowser();

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fiches-booklets-browser-'));
const root = path.join(tmp, 'projet');
fs.cpSync(path.join(ROOT, 'tests', 'fixtures', 'basic'), root, { recursive: true });
const scratch = path.join(tmp, 'tmp');
fs.mkdirSync(scratch);

const pdfFile = path.join(root, 'public', 'pdf', 'atelier.pdf');
// The site's booklets come with the PDF pass, after the pages.
const server = await serve(root, [], { env: { TMPDIR: scratch }, ready: () => fs.existsSync(pdfFile), timeout: 180000 });
const started = server.started;
if (!check('serve starts and typesets the site\'s booklets', started, server.log().slice(-1000))) { await server.stop(); finish(); }
const base = `http://127.0.0.1:${started.port}/`;

const browser = await launch(pw);
// bypassCSP: axe-core is injected as an inline script, which the workshop's policy refuses.
const ctx = await browser.newContext({ viewport: { width: 1300, height: 900 }, acceptDownloads: true, serviceWorkers: 'block',
  bypassCSP: true });
const page = await ctx.newPage();

async function axe(label) {
  await page.addScriptTag({ content: AXE });
  const res = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  const serious = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(`axe: no serious or critical violation ${label}`, serious.length === 0,
    serious.map((v) => `${v.id} on ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`).join(' | '));
  return res.violations.map((v) => `${label}: ${v.impact} ${v.id}`);
}

const axeLines = [];
await step('list', async () => {
  await page.goto(started.url);
  await page.getByRole('link', { name: 'Livrets' }).click();
  await page.waitForURL(base + '_edit/livrets');
  check('« Livrets » opens the booklets page', await page.locator('h1').textContent() === 'Livrets');
  const cells = await page.locator('td[data-fichier]').evaluateAll((tds) =>
    tds.map((td) => ({ file: td.dataset.fichier, pages: td.dataset.pages ? +td.dataset.pages : null, text: td.textContent })));
  check('every booklet of the site is listed', ['atelier.pdf', 'atelier-imposee.pdf', 'fiches-actions.pdf',
    'fiches-thematiques.pdf', 'guide-complet.pdf'].every((f) => cells.some((c) => c.file === f)), JSON.stringify(cells.map((c) => c.file)));
  const wrong = cells.filter((c) => c.pages !== pdfPages(path.join(root, 'public', 'pdf', c.file)) ||
    !c.text.includes(`${c.pages}\u00a0page`));
  check('each page count shown equals pdfinfo\'s', cells.length >= 5 && wrong.length === 0,
    JSON.stringify(wrong.map((c) => [c.file, c.pages, pdfPages(path.join(root, 'public', 'pdf', c.file))])));
  const href = await page.locator('td[data-fichier="atelier.pdf"] a').getAttribute('href');
  check('the PDF link is the site\'s file', href === '/pdf/atelier.pdf', href);
  axeLines.push(...await axe('on the booklets page'));
});

await step('keyboard', async () => {
  // From the top of the page, Tab reaches the title field, the choices and the button.
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  const reached = new Set();
  for (let i = 0; i < 60 && !reached.has('composer-bouton'); i++) {
    await page.keyboard.press('Tab');
    reached.add(await page.evaluate(() => document.activeElement.id || document.activeElement.name || document.activeElement.tagName));
  }
  check('Tab reaches the title, the choice, a theme, the format and the button',
    ['livret-titre', 'selon-theme', 'theme-cadre-de-vie', 'format-a5', 'composer-bouton'].every((x) => reached.has(x)), [...reached].join(' '));
  // Arrow keys move between the radio buttons: « par logique » shows its list.
  await page.locator('#selon-theme').focus();
  await page.keyboard.press('ArrowDown');
  check('arrow keys choose « par logique », whose list appears', await page.locator('#par-logique').isVisible() &&
    !(await page.locator('#par-theme').isVisible()));
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  check('« une à une » shows the searchable list', await page.locator('#par-liste').isVisible());
  await page.locator('#liste-filtre').fill('maraude');
  const shown = await page.locator('#liste-fiches li:not([hidden])').count();
  check('typing filters the list of fiches', shown === 1 &&
    (await page.locator('#liste-fiches li:not([hidden])').textContent()).includes('Maraude'), shown);
  await page.locator('#liste-filtre').fill('');
  await page.locator('#selon-theme').check();
});

await step('compose', async () => {
  await page.locator('#theme-cadre-de-vie').check();
  await page.locator('#format-a5').check();
  // Enter on the focused button, as a keyboard user composes.
  const polls = [];
  page.on('request', (r) => { if (/\/_edit\/api\/livret\/[0-9a-f]{16}$/.test(r.url())) polls.push(r.url()); });
  await page.locator('#composer-bouton').focus();
  await page.keyboard.press('Enter');
  await page.locator('#livret-pdf').waitFor({ timeout: 180000 });
  check('the page asked for the booklet\'s state while it was typeset', polls.length >= 1, polls.length);
  const said = await page.locator('#resultat').textContent();
  check('then both downloads, in French with its typography', said.includes('Livret «\u202fLe cadre de vie\u202f» composé') &&
    said.includes('\u202f:') && await page.locator('#livret-imposee').count() === 1, said);
  for (const [id, name] of [['livret-pdf', 'le-cadre-de-vie.pdf'], ['livret-imposee', 'le-cadre-de-vie-imposee.pdf']]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#' + id).click()]);
    const file = path.join(tmp, name);
    await download.saveAs(file);
    check(`${name}: downloaded under that name`, download.suggestedFilename() === name, download.suggestedFilename());
    check(`${name}: qpdf --check`, qpdfOk(file));
    const shownPages = +(await page.locator('#' + id).evaluate((a) => a.parentNode.textContent.match(/(\d+)\u00a0page/)[1]));
    check(`${name}: pdfinfo's page count is the one shown`, pdfPages(file) === shownPages && shownPages > 0,
      `${pdfPages(file)} vs ${shownPages}`);
  }
  const left = fs.readdirSync(path.join(root, 'public'), { recursive: true }).filter((f) => /livret/.test(f));
  check('nothing of it in public/', left.length === 0, left.join(' '));
  axeLines.push(...await axe('with the booklet composed'));
  await page.screenshot({ path: path.join(OUT, 'editor-booklets.png'), fullPage: true });
});

await step('save', async () => {
  await page.locator('#livret-nom').fill('atelier-cadre-de-vie');
  await page.getByRole('button', { name: 'Enregistrer ce livret' }).click();
  await page.waitForFunction(() => document.getElementById('enregistrer-etat').textContent !== '');
  const said = await page.locator('#enregistrer-etat').textContent();
  check('« Enregistrer ce livret » saves content/booklets/NAME.yaml', said.startsWith('Livret enregistré') &&
    fs.existsSync(path.join(root, 'content', 'booklets', 'atelier-cadre-de-vie.yaml')), said);
  await page.getByRole('button', { name: 'Enregistrer ce livret' }).click();
  const refused = await page.waitForFunction(() => /déjà/.test(document.getElementById('enregistrer-etat').textContent),
    null, { timeout: 10000 }).then(() => true, () => false);
  check('the same name again is refused', refused, await page.locator('#enregistrer-etat').textContent());
});

// The booklet worker(s) of our server: children running `fiches __pdf-booklet`.
function bookletWorkers() {
  const out = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = +stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      if (ppid === server.proc.pid && cmd.includes('__pdf-booklet')) out.push(+pid);
    } catch { /* gone meanwhile */ }
  }
  return out;
}

await step('queue', async () => {
  // Other coordinators' tabs while one booklet is typeset: each is told its place in the
  // queue, in French; the fifth waiting one is refused with a sentence, its choice kept.
  // The running worker is paused (SIGSTOP), so the queue is seen whatever the machine's speed.
  const compose = async (p, title, how) => {
    await p.goto(base + '_edit/livrets');
    await p.locator('#livret-titre').fill(title);
    await how(p);
    await p.locator('#composer-bouton').click();
  };
  const first = await ctx.newPage();
  await compose(first, 'En tête de file', async (p) => { await p.locator('#theme-cadre-de-vie').check(); await p.locator('#format-a5').check(); });
  let paused = [];
  for (const t = Date.now(); !paused.length && Date.now() - t < 30000;) {
    paused = bookletWorkers();
    if (!paused.length) await new Promise((r) => setTimeout(r, 50));
  }
  for (const pid of paused) process.kill(pid, 'SIGSTOP');
  const tabs = [];
  try {
    check('queue: one booklet is being typeset', paused.length === 1, paused.length);
    const oneFiche = async (p) => {
      await p.locator('#selon-liste').check();
      await p.locator('#liste-fiches input').first().check();
      await p.locator('#format-a4').check();
    };
    for (let n = 1; n <= 5; n++) {
      const p = await ctx.newPage();
      await compose(p, `Atelier ${n}`, oneFiche);
      tabs.push(p);
      if (n <= 4)
        await p.waitForFunction((t) => document.getElementById('resultat').textContent.includes(t + '\u202f» attend son tour'),
          `Atelier ${n}`, { timeout: 20000 });
    }
    const said = [];
    for (const p of tabs.slice(0, 4)) said.push(await p.locator('#resultat').textContent());
    check('queue: each waiting tab says so in French, with its place',
      said[0].startsWith('«\u202fAtelier 1\u202f» attend son tour\u202f: un livret passe avant lui (') &&
      [2, 3, 4].every((k) => said[k - 1].startsWith(`«\u202fAtelier ${k}\u202f» attend son tour\u202f: ${k} livrets passent avant lui (`)) &&
      said.every((t) => /\(\d+\u00a0s d’attente\)\.$/.test(t)), said.join(' | '));
    check('queue: the waiting result is marked busy for screen readers',
      await tabs[0].locator('#resultat').getAttribute('aria-busy') === 'true');
    const fifth = tabs[4];
    await fifth.waitForFunction(() => document.getElementById('resultat').className === 'erreur', null, { timeout: 20000 });
    const refused = await fifth.locator('#resultat').textContent();
    check('queue: a fifth waiting one is refused with a French sentence and its typography',
      /^Déjà 4 livrets attendent d’être composés\u202f: réessayez quand /.test(refused) && !/ [:;?!]/.test(refused), refused);
    check('queue: the refused choice stays in the form, the button usable again',
      await fifth.locator('#livret-titre').inputValue() === 'Atelier 5' &&
      await fifth.locator('#liste-fiches input:checked').count() === 1 && await fifth.locator('#composer-bouton').isEnabled());
  } finally {
    for (const pid of paused) process.kill(pid, 'SIGCONT');
  }
  // Going on: the first waiting tab leaves the queue once the booklet before it is done.
  const moved = await tabs[0].waitForFunction(() => !/attend son tour/.test(document.getElementById('resultat').textContent),
    null, { timeout: 180000 }).then(() => true, () => false);
  check('queue: it moves on, in order, once the paused booklet is done', moved, await tabs[0].locator('#resultat').textContent());
  for (const p of [first, ...tabs]) await p.close();
});

fs.writeFileSync(path.join(OUT, 'editor-booklets-axe.txt'), axeLines.join('\n') + '\n');
await browser.close();
await server.stop('SIGTERM');
check('the server removes its temporary booklets when it stops',
  fs.readdirSync(scratch).filter((d) => d.startsWith('fiches-livrets-')).length === 0, fs.readdirSync(scratch).join(' '));
fs.rmSync(tmp, { recursive: true, force: true });
finish();
