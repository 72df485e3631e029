// Renumbering from the writing workshop, and the data entries' forms, in Debian's
// chromium (playwright-core), on a copy of the TAT corpus served by
// `fiches serve --no-pdf`:
//  - keyboard only: Tab from the top of fiche-action 4's editor reaches
//    « Renuméroter ou renommer… », Enter opens the dialog, typing 12 and
//    Enter lists the changes (file, line, before, after) and writes nothing,
//    Enter on « Appliquer ces changements » applies them;
//  - the browser lands on the editor of actions/12-santal.md; the links are
//    rewritten on disk (themes 5 and 6, guide chapter 4, the démarche page);
//    the served site is rebuilt (fiche-action 12 on its page, theme 6 links
//    to it);
//  - a taken number is refused in the dialog with a French message;
//  - a contact's page « Modifier » opens the contact's form; the form is
//    filled and sent with the keyboard alone; the file changes in that entry;
//  - a contact's id changed with the keyboard alone: preview, then apply;
//  - on the site's glossary, bibliography and contacts list, each entry's own « Modifier »
//    (named after its entry, reached with the keyboard) opens that entry's form;
//  - axe-core on the dialog with its changes, the contacts list and a
//    contact's form, the glossary and contacts pages with their per-entry
//    links: no serious or critical violation.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from '../browser/helpers.mjs';
import { ROOT, OUT, AXE, check, step, finish, needBrowser, serve } from '../lib/suite.mjs';


const pw = await needBrowser();

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fiches-editor-rename-'));
const root = path.join(tmp, 'projet');
fs.mkdirSync(root);
fs.cpSync(path.join(ROOT, 'content'), path.join(root, 'content'), { recursive: true });
const content = path.join(root, 'content');
const read = (rel) => fs.readFileSync(path.join(content, rel), 'utf8');
const snapshot = () => {
  const out = {};
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p); else out[path.relative(content, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(content);
  return out;
};

const server = await serve(root, ['--no-pdf']);
const started = server.started;
if (!check('serve prints the workshop start URL', started, server.log().slice(-1000))) { await server.stop(); finish(); }
const base = `http://127.0.0.1:${started.port}/`;

const browser = await launch(pw);
// bypassCSP: axe-core is injected as an inline script (the workshop's CSP allows none).
const ctx = await browser.newContext({ viewport: { width: 1300, height: 900 }, serviceWorkers: 'block', bypassCSP: true });
const page = await ctx.newPage();
await page.goto(started.url);
const axeLines = [];

async function axe(p, label) {
  await p.addScriptTag({ content: AXE });
  const res = await p.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  const serious = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of res.violations) axeLines.push(`${label}: ${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  check(`axe: no serious or critical violation on the ${label}`, serious.length === 0,
    serious.map((v) => `${v.id} on ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`).join(' | '));
}

// Tab from the top of the page until the element whose id is wanted has the focus.
async function tabTo(p, id, max = 40) {
  await p.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
  for (let i = 0; i < max; i++) {
    await p.keyboard.press('Tab');
    if (await p.evaluate((x) => document.activeElement && document.activeElement.id === x, id)) return true;
  }
  return false;
}

await step('renumbering with the keyboard', async () => {
  await page.goto(base + '_edit/fichier/actions/04-santal.md');
  await page.waitForFunction(() => document.getElementById('resume-problemes').textContent !== 'Vérification en cours…');
  check('« Renuméroter ou renommer… » is reached with Tab', await tabTo(page, 'renommer-ouvrir'));
  await page.keyboard.press('Enter');
  await page.locator('#renommer').waitFor({ state: 'visible' });
  check('the dialog opens with the focus in the number field',
    await page.evaluate(() => document.activeElement.id === 'renommer-numero' && document.activeElement.value === '4'));
  // A number already taken.
  await page.keyboard.press('Control+a');
  await page.keyboard.type('6');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('renommer-erreur').textContent !== '');
  const refusal = await page.locator('#renommer-erreur').textContent();
  check('a number taken is refused in French, naming the other fiche',
    /Le numéro 6 est déjà pris par/.test(refusal) && /Habitants/.test(refusal), refusal);
  const before = snapshot();
  await page.locator('#renommer-numero').focus();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('12');
  await page.keyboard.press('Enter');
  await page.locator('#renommer-changements').waitFor({ state: 'visible' });
  const rows = await page.locator('#renommer-changements tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  const files = new Set(rows.map((r) => r[0]));
  check('the changes are listed: file, line, before, after',
    rows.length >= 5 && ['content/themes/5-adolescence-construction-identitaire-sante.md',
      'content/themes/6-expertise-des-habitants.md', 'content/guide/04-colonne-vertebrale.md',
      'content/pages/la-demarche-tat.md', 'content/actions/04-santal.md'].every((f) => files.has(f)) &&
      rows.some((r) => r[2].includes('action:4') && r[3].includes('action:12')), JSON.stringify(rows.slice(0, 3)));
  const summary = await page.locator('#renommer-resume').textContent();
  check('the summary says what will happen, in French',
    /Fiche-action 4 renumérotée en 12 \(\d+ liens mis à jour\)/.test(summary) &&
      summary.includes('content/actions/12-santal.md'), summary);
  check('nothing is written before the confirmation', JSON.stringify(snapshot()) === JSON.stringify(before));
  await axe(page, 'renumbering dialog with its changes');
  await page.screenshot({ path: path.join(OUT, 'editor-rename-dialog.png') });
  check('« Appliquer » has the focus after the preview',
    await page.evaluate(() => document.activeElement.id === 'renommer-appliquer'));
  await Promise.all([
    page.waitForURL(/\/_edit\/fichier\/actions\/12-santal\.md$/, { timeout: 30000 }),
    page.keyboard.press('Enter'),
  ]);
  check('the browser goes to the editor of the fiche under its new name', true);
  const after = snapshot();
  check('the file moved and its number changed', !after['actions/04-santal.md'] &&
    /^---\nnumber: 12\n/.test(after['actions/12-santal.md'] || ''));
  check('the links are rewritten on disk',
    after['themes/6-expertise-des-habitants.md'].includes('[fiche-action 4](action:12)') &&
    after['guide/04-colonne-vertebrale.md'].includes('[Santal](action:12)') &&
    !after['themes/6-expertise-des-habitants.md'].includes('(action:4)'));
  // The site is rebuilt.
  let ok = false;
  for (let i = 0; i < 150 && !ok; i++) {
    const r = await ctx.request.get(base + 'fiches-actions/santal.html');
    ok = r.status() === 200 && /Fiche-action(\s|&nbsp;|\u00a0)+12/.test(await r.text());
    if (!ok) await new Promise((res) => setTimeout(res, 200));
  }
  check('the site page shows fiche-action 12 after the rebuild', ok);
  const theme = await (await ctx.request.get(base + 'fiches-thematiques/expertise-des-habitants.html')).text();
  check('theme 6 links to the renumbered fiche', /href="[^"]*fiches-actions\/santal\.html"/.test(theme));
});

await step('contacts forms', async () => {
  await page.goto(base + 'contacts/copiltat.html');
  await Promise.all([page.waitForURL(/\/_edit\/donnees\/contact\/copiltat$/), page.locator('#fiches-modifier').click()]);
  check('« Modifier » on a contact page opens its form', true);
  await axe(page, 'contact form');
  const before = read('contacts.yaml');
  check('the name field is reached with Tab', await tabTo(page, 'champ-name'));
  await page.keyboard.press('Control+a');
  await page.keyboard.type('Comité de pilotage de la démarche TAT');
  let reached = false;
  for (let i = 0; i < 30 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement.type === 'submit' &&
      document.activeElement.textContent === 'Enregistrer');
  }
  check('« Enregistrer » is reached with Tab', reached);
  await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
  await page.waitForURL(/enregistre=1$/, { timeout: 5000 }).catch(async () => {
    console.log('# form page after submit: ' + (await page.content()).slice(0, 600));
  });
  check('the form confirms the save', (await page.locator('.confirme').textContent()).includes('Enregistré'));
  const after = read('contacts.yaml');
  check('only the name line of that entry changed', after === before.replace(
    '  name: Comité de pilotage TAT (CopilTAT)\n', '  name: Comité de pilotage de la démarche TAT\n'));
  await page.goto(base + '_edit/donnees/contact/');
  await axe(page, 'contacts list');
  await page.goto(base + '_edit/donnees/nouveau/glossary');
  await axe(page, 'new glossary entry form');
  await page.screenshot({ path: path.join(OUT, 'editor-contact-form.png'), fullPage: false });
});

await step('per-entry « Modifier » on the glossary and the contacts list', async () => {
  await page.goto(base + 'glossaire.html');
  const links = page.locator('dl.glossaire > dt > a.fiches-modifier-entree');
  const dts = await page.locator('dl.glossaire > dt').count();
  check('each glossary entry has its own « Modifier » link', dts > 40 && (await links.count()) === dts,
    `${await links.count()} links, ${dts} entries`);
  const ars = page.locator('dt#ars > a.fiches-modifier-entree');
  check('its accessible name says which entry', (await ars.getAttribute('aria-label')) === 'Modifier \u00ab\u202fARS\u202f\u00bb',
    await ars.getAttribute('aria-label'));
  await axe(page, 'glossary page with its « Modifier » links');
  await ars.focus();
  check('the link takes the keyboard focus', await page.evaluate(() =>
    document.activeElement.classList.contains('fiches-modifier-entree') && document.activeElement.tabIndex >= 0));
  await Promise.all([page.waitForURL(/\/_edit\/donnees\/glossary\/ARS$/), page.keyboard.press('Enter')]);
  check('Enter on the ARS entry\'s « Modifier » opens the ARS form', (await page.inputValue('#champ-id')) === 'ARS');
  await page.goto(base + 'bibliographie.html');
  const refs = await page.locator('ul.bibliographie > li[id]').count();
  check('each reference of the bibliography has its own « Modifier » link',
    refs > 20 && (await page.locator('ul.bibliographie > li[id] a.fiches-modifier-entree').count()) === refs);
  await Promise.all([page.waitForURL(/\/_edit\/donnees\/biblio\/alouti-2013$/),
    page.locator('li#alouti-2013 a.fiches-modifier-entree').click()]);
  check('it opens that reference\'s form', (await page.inputValue('#champ-title')).startsWith('A Marseille'));
  await axe(page, 'reference form');
  await page.goto(base + 'contacts/');
  const allo = page.locator('ul.annuaire > li:has(h3 a[href$="allo-mairie.html"]) a.fiches-modifier-entree');
  check('each contact of the list has its own « Modifier » link',
    (await page.locator('ul.annuaire > li a.fiches-modifier-entree').count()) === (await page.locator('ul.annuaire > li').count()));
  await axe(page, 'contacts page with its « Modifier » links');
  await allo.focus();
  await Promise.all([page.waitForURL(/\/_edit\/donnees\/contact\/allo-mairie$/), page.keyboard.press('Enter')]);
  check('Enter on a contact\'s « Modifier » in the list opens that contact\'s form',
    (await page.inputValue('#champ-id')) === 'allo-mairie');
});

await step('a contact\'s id changed with the keyboard', async () => {
  await page.goto(base + '_edit/donnees/contact/bus-31-32');
  check('« Nouvel identifiant » is reached with Tab', await tabTo(page, 'renommer-nouvel', 60));
  await page.keyboard.press('Control+a');
  await page.keyboard.type('bus-31-32-marseille');
  await Promise.all([page.waitForURL(/\/renommer$/), page.keyboard.press('Enter')]);
  const rows = await page.locator('.tableau-changements tbody tr').count();
  check('Enter shows the changes, nothing written yet', rows >= 4 && read('contacts.yaml').includes('- id: bus-31-32\n'),
    `${rows} rows`);
  await axe(page, 'contact id change preview');
  check('« Appliquer ces changements » has the focus', await page.evaluate(() =>
    document.activeElement && document.activeElement.textContent === 'Appliquer ces changements'));
  await Promise.all([page.waitForURL(/\/_edit\/donnees\/contact\/bus-31-32-marseille\?renomme=1$/),
    page.keyboard.press('Enter')]);
  check('Enter applies them: the entry\'s form under its new id says so',
    (await page.locator('.confirme').textContent()).includes('Identifiant changé'));
  check('the entry and the fiche\'s links follow on disk',
    read('contacts.yaml').includes('- id: bus-31-32-marseille\n') &&
    !/contact:bus-31-32\)|bus-31-32,/.test(read('actions/07-reduction-des-risques-lies-aux-usages.md')));
});

fs.writeFileSync(path.join(OUT, 'editor-rename-axe.txt'), axeLines.join('\n') + '\n');
await browser.close();
// The server may still be publishing a rebuild (its staging tree under the
// project): remove the project only once it has exited.
await server.stop('SIGINT');
fs.rmSync(tmp, { recursive: true, force: true });
finish();
