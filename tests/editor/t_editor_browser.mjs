// The writing workshop of `fiches serve` in Debian's chromium (playwright-core).
//
// On a copy of the TAT corpus (content/), with `fiches serve --no-pdf`:
//  - the start URL sets the cookie; a site page's « Modifier » link opens
//    the editor of its fiche (CodeMirror with line numbers);
//  - the coordinator types in the title and a body paragraph: the preview
//    (the build's page) shows both; a mistake in the logique brings a
//    diagnostic into the list and the gutter, fixing it takes it away;
//  - a fiche link is inserted from the searchable list;
//  - saving: the open site page reloads by itself with the change;
//  - unsaved text survives a reload (with the « leave the page? » warning);
//  - a save over a file changed on disk is refused, both versions shown,
//    nothing lost, then « keep mine » saves;
//  - axe-core on the editor and the list: no serious or critical violation;
//    the editor can be left with the keyboard.
// Latencies (preview and diagnostics after a pause in typing, save to
// reload of the site page, editor page load) are printed and written to
// tests/out/editor-latency.md; they are reported, not asserted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from '../browser/helpers.mjs';
import { ROOT, OUT, AXE, check, step, finish, needBrowser, serve } from '../lib/suite.mjs';

const DOC = 'actions/06-habitants-a-l-epreuve-des-trafics.md';
const PAGE = 'fiches-actions/habitants-a-l-epreuve-des-trafics.html';

const pw = await needBrowser();

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fiches-editor-browser-'));
const root = path.join(tmp, 'projet');
fs.mkdirSync(root);
fs.cpSync(path.join(ROOT, 'content'), path.join(root, 'content'), { recursive: true });
const docFile = path.join(root, 'content', DOC);
const original = fs.readFileSync(docFile, 'utf8');

const server = await serve(root, ['--no-pdf']);
const started = server.started;
if (!check('serve prints the workshop start URL', started, server.log().slice(-1000))) { await server.stop(); finish(); }
const base = `http://127.0.0.1:${started.port}/`;

const browser = await launch(pw);
const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'block' });
const latency = { diagnostics: [], apercu: [], saveToReload: [], load: [] };
const p95 = (a) => a.length ? [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.ceil(a.length * 0.95) - 1)] : NaN;
const median = (a) => a.length ? [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] : NaN;

const cmValue = (page) => page.evaluate(() => document.querySelector('.CodeMirror').CodeMirror.getValue());
// Puts the cursor at the end of the first line starting with prefix.
const cursorAfter = (page, prefix) => page.evaluate((p) => {
  const cm = document.querySelector('.CodeMirror').CodeMirror;
  for (let l = 0; l <= cm.lastLine(); l++)
    if (cm.getLine(l).startsWith(p)) { cm.focus(); cm.setCursor({ line: l, ch: cm.getLine(l).length }); return l + 1; }
  return 0;
}, prefix);
const previewH1 = (page) => page.evaluate(() => {
  const d = document.getElementById('apercu').contentDocument;
  return d && d.querySelector('h1') ? d.querySelector('h1').textContent : '';
});
const previewText = (page) => page.evaluate(() => {
  const d = document.getElementById('apercu').contentDocument;
  // Soft hyphens (the renderer's hyphenation points) are not text.
  return d && d.body ? d.body.textContent.replace(/\u00ad/g, '') : '';
});

let editor, site;
await step('open', async () => {
  editor = await ctx.newPage();
  editor.on('dialog', (d) => { editor.__dialogs = (editor.__dialogs || []).concat(d.type()); d.accept(); });
  await editor.goto(started.url);
  check('start URL lands on the list of documents', editor.url() === base + '_edit/' &&
    await editor.locator('a[href="/_edit/fichier/' + DOC + '"]').count() === 1, editor.url());
  site = await ctx.newPage();
  await site.goto(base + PAGE);
  const modifier = site.locator('#fiches-modifier');
  check('the site page has a « Modifier » link', await modifier.count() === 1 && (await modifier.textContent()) === 'Modifier');
  const t0 = Date.now();
  await editor.goto(base + '_edit/ouvrir/' + PAGE);
  await editor.waitForFunction(() => document.getElementById('resume-problemes').textContent === 'Aucun problème.');
  latency.load.push(Date.now() - t0);
  check('« Modifier » opens the editor of the fiche', editor.url() === base + '_edit/fichier/' + DOC, editor.url());
  // CodeMirror takes the text area's place after the first paint.
  await editor.waitForSelector('.CodeMirror');
  check('CodeMirror with line numbers', await editor.locator('.CodeMirror .CodeMirror-linenumber').count() > 10);
  check('the editor holds the file', await cmValue(editor) === original);
  await editor.waitForFunction(() => { const d = document.getElementById('apercu').contentDocument; return d && d.querySelector('h1'); });
  check('the preview shows the page', (await previewH1(editor)).includes('trafics'), await previewH1(editor));
  check('« Voir la page » points at the site page', await editor.locator('#voir').getAttribute('href') === '/' + PAGE);
  // A cold start of the page: a fresh tab, measured to the first preview.
  for (let i = 0; i < 3; i++) {
    const p = await ctx.newPage();
    const t = Date.now();
    await p.goto(base + '_edit/fichier/' + DOC);
    await p.waitForFunction(() => document.getElementById('resume-problemes').textContent === 'Aucun problème.');
    latency.load.push(Date.now() - t);
    await p.close();
  }
});

await step('text area first, then CodeMirror', async () => {
  // CodeMirror held back: the page must show the text and its problems without it,
  // and what is typed meanwhile must be in CodeMirror once it arrives.
  const p = await ctx.newPage();
  let release;
  const held = new Promise((r) => { release = r; });
  await p.route((u) => u.pathname.startsWith('/_edit/cm/') && u.pathname.endsWith('.js'),
    async (route) => { await held; await route.continue(); });
  // (Not to DOMContentLoaded: it waits for the deferred scripts, CodeMirror among them.)
  await p.goto(base + '_edit/fichier/' + DOC, { waitUntil: 'commit' });
  await p.waitForFunction(() => document.getElementById('resume-problemes').textContent === 'Aucun problème.');
  check('before CodeMirror: the text is in the text area, the problems are listed',
    !(await p.locator('.CodeMirror').count()) && await p.inputValue('#texte') === original);
  await p.waitForFunction(() => { const d = document.getElementById('apercu').contentDocument; return d && d.querySelector('h1'); });
  check('before CodeMirror: the preview shows the page', (await previewH1(p)).includes('trafics'));
  await p.evaluate(() => { const t = document.getElementById('texte'); const at = t.value.indexOf('\n## '); t.focus(); t.setSelectionRange(at, at); });
  await p.keyboard.type(' Tapé avant CodeMirror.');
  await p.waitForFunction(() => document.getElementById('etat').textContent === 'Modifications non enregistrées');
  release();
  await p.waitForSelector('.CodeMirror');
  const after = await p.evaluate(() => {
    const cm = document.querySelector('.CodeMirror').CodeMirror;
    return { text: cm.getValue(), at: cm.indexFromPos(cm.getCursor()), focus: cm.hasFocus() };
  });
  const expected = original.replace('\n## ', ' Tapé avant CodeMirror.\n## ');
  check('what was typed in the text area is in CodeMirror, cursor and focus kept',
    after.text === expected && after.at === original.indexOf('\n## ') + ' Tapé avant CodeMirror.'.length && after.focus,
    JSON.stringify({ at: after.at, focus: after.focus, same: after.text === expected }));
  await p.keyboard.type(' Et après.');
  check('typing goes on in CodeMirror', (await cmValue(p)).includes('Tapé avant CodeMirror. Et après.'));
  // Not saved: the draft is dropped so that the next steps start from the file.
  await p.evaluate(() => { for (const k of Object.keys(localStorage)) localStorage.removeItem(k); });
  p.on('dialog', (d) => d.accept());
  await p.close({ runBeforeUnload: false });
});

await step('typing', async () => {
  // Title: typed like a coordinator, one key at a time with human pauses.
  await cursorAfter(editor, 'title:');
  await editor.keyboard.type(' au quotidien', { delay: 120 });
  await editor.waitForFunction(() => {
    const d = document.getElementById('apercu').contentDocument;
    return d && d.querySelector('h1') && d.querySelector('h1').textContent.includes('au quotidien');
  }, null, { timeout: 10000 });
  check('the preview shows the new title', (await previewH1(editor)).includes('au quotidien'));
  await cursorAfter(editor, 'Dans les quartiers où');
  await editor.keyboard.type(' Une phrase tapee par le test.', { delay: 110 });
  const shown = await editor.waitForFunction(() => {
    const d = document.getElementById('apercu').contentDocument;
    return d && d.body && d.body.textContent.replace(/\u00ad/g, '').includes('tapee par le test.');
  }, null, { timeout: 10000 }).then(() => true, () => false);
  check('the preview shows the new paragraph text', shown, (await previewText(editor)).slice(0, 200));
  // A mistake: an unknown logique. Its diagnostic appears at its line, then goes away.
  const line = await cursorAfter(editor, 'logic:');
  await editor.keyboard.type('-inconnue', { delay: 100 });
  // In French, as the site's language: the unknown id between « ».
  await editor.waitForFunction(() => [...document.querySelectorAll('#problemes li.erreur')].some((li) => li.textContent.includes('«\u202fmobilisation-habitants-inconnue\u202f»')),
    null, { timeout: 10000 });
  const item = await editor.locator('#problemes li.erreur').first().textContent();
  check('a diagnostic appears in the list, at its line, in French', item.includes('ligne ' + line) && item.includes('«\u202fmobilisation-habitants-inconnue\u202f» introuvable'), item);
  check('…and in the gutter', await editor.locator('.CodeMirror .marque-erreur').count() === 1);
  check('the preview waits, and says why', (await editor.locator('#etat-apercu').textContent()).includes('corrigez'));
  for (let i = 0; i < '-inconnue'.length; i++) await editor.keyboard.press('Backspace', { delay: 90 });
  await editor.waitForFunction(() => document.getElementById('resume-problemes').textContent === 'Aucun problème.', null, { timeout: 10000 });
  check('the diagnostic goes away once fixed', await editor.locator('.CodeMirror .marque-erreur').count() === 0);
  // More pauses to measure: a word, a pause, a word...
  await cursorAfter(editor, 'Dans les quartiers où');
  for (const w of [' Encore', ' une', ' phrase', ' pour', ' mesurer', ' le', ' temps', ' de', ' reponse.', ' Fin', ' du', ' test.']) {
    await editor.keyboard.type(w, { delay: 60 });
    await editor.waitForTimeout(350);
  }
  const m = await editor.evaluate(() => window.__fichesMesures);
  latency.diagnostics.push(...m.diagnostics);
  latency.apercu.push(...m.apercu);
  latency.server = m.serveur || [];
  check('latencies were measured', m.diagnostics.length >= 10 && m.apercu.length >= 10, JSON.stringify(m).slice(0, 200));
  check('status says unsaved', (await editor.locator('#etat').textContent()) === 'Modifications non enregistrées');
});

await step('fiche link', async () => {
  await editor.evaluate(() => { const cm = document.querySelector('.CodeMirror').CodeMirror; cm.focus(); cm.setCursor({ line: cm.lastLine(), ch: 0 }); });
  await editor.getByRole('button', { name: 'Lien vers une fiche…' }).click();
  await editor.locator('#choix-filtre').fill('formation');
  const choice = editor.locator('#choix-liste button', { hasText: 'Formation' }).first();
  check('the fiche list filters as one types', await editor.locator('#choix-liste button').count() >= 1 && await choice.count() === 1);
  await choice.click();
  await editor.locator('#choix-liste button', { hasText: 'Toute la fiche' }).click();
  check('a link to the chosen fiche is inserted', (await cmValue(editor)).includes('[](action:11)'));
  await editor.waitForFunction(() => document.getElementById('resume-problemes').textContent === 'Aucun problème.', null, { timeout: 10000 });
});

await step('form', async () => {
  await editor.locator('#champs fieldset').first().waitFor();
  const before = await cmValue(editor);
  // The logique: radio buttons with each one's colour and label.
  const logic = editor.locator('fieldset.champ-taxon', { hasText: 'Soutien aux familles' }).first();
  check('the logique is a choice of labels with their colour', await logic.locator('.pastille').count() >= 6);
  await logic.getByLabel('Soutien aux familles et proches victimes de la violence des réseaux').check();
  await editor.waitForFunction(() => document.querySelector('.CodeMirror').CodeMirror.getValue().includes('logic: soutien-familles'));
  const afterLogic = await cmValue(editor);
  const diffLines = (a, b) => { const x = a.split('\n'), y = b.split('\n'); return x.length === y.length ? x.filter((l, i) => l !== y[i]).length : -1; };
  check('choosing a logique rewrites its line only', diffLines(before, afterLogic) === 1);
  // A public: checkboxes labelled from site.yaml.
  const publics = editor.locator('fieldset.champ-taxon', { has: editor.locator('legend', { hasText: /^Publics/ }) });
  const box = publics.locator('.option', { hasText: 'Élus' }).first();
  const hasElus = await box.count();
  if (hasElus) {
    await box.locator('input').check();
    await editor.waitForFunction(() => /publics: \[[^\]]*elus/.test(document.querySelector('.CodeMirror').CodeMirror.getValue()));
    check('checking a public adds its id to the list, one line changed', diffLines(afterLogic, await cmValue(editor)) === 1);
  } else {
    check('a public to check', false, await publics.textContent());
  }
  // The carrier: a searchable choice; an unknown id cannot be typed.
  const carrier = editor.locator('fieldset.champ-contact', { has: editor.locator('legend', { hasText: /^Porteur/ }) }).first();
  check('the carrier is chosen from a searchable list', await carrier.locator('input[type=search]').count() === 1 &&
    await carrier.locator('input[type=text]').count() === 0);
  // The preview follows.
  await editor.waitForFunction(() => {
    const d = document.getElementById('apercu').contentDocument;
    return d && d.body && d.body.textContent.includes('Soutien aux familles');
  }, null, { timeout: 10000 });
  check('the preview shows the new logique', true);
  // Typing in the text updates the form.
  await cursorAfter(editor, 'since:');
  await editor.keyboard.press('Backspace');
  await editor.keyboard.type('3');
  await editor.waitForFunction(() => document.getElementById('champ-since') && document.getElementById('champ-since').value === '2013', null, { timeout: 10000 })
    .then(() => check('the form follows the text', true), () => check('the form follows the text', false));
});

await step('save and reload', async () => {
  const reloaded = site.waitForEvent('load', { timeout: 20000 });
  // Once reloaded, the page tells the server it has loaded (the data files and PDFs wait for it).
  const said = site.waitForRequest((r) => new URL(r.url()).pathname === '/__fiches/charge', { timeout: 20000 });
  const t0 = Date.now();
  await editor.keyboard.press('Control+s');
  await reloaded;
  latency.saveToReload.push(Date.now() - t0);
  check('the open site page reloads with the change',
    (await site.locator('h1').first().textContent()).includes('au quotidien'));
  const loaded = await said.then((r) => r.response()).catch(() => null);
  check('the reloaded page says it has loaded (/__fiches/charge, 204)', loaded !== null && loaded.status() === 204);
  check('status says saved', (await editor.locator('#etat').textContent()) === 'Enregistré');
  const disk = fs.readFileSync(docFile, 'utf8');
  check('the file holds the text', disk === await cmValue(editor) && disk.includes('[](action:11)'));
  // Twice more, for a figure.
  for (let i = 0; i < 2; i++) {
    await cursorAfter(editor, 'Dans les quartiers où');
    await editor.keyboard.type(` Mesure ${i}.`);
    await editor.waitForTimeout(300);
    const again = site.waitForEvent('load', { timeout: 20000 });
    const t = Date.now();
    await editor.keyboard.press('Control+s');
    await again;
    latency.saveToReload.push(Date.now() - t);
  }
});

await step('draft survives a reload', async () => {
  await cursorAfter(editor, 'Dans les quartiers où');
  await editor.keyboard.type(' Brouillon qui doit survivre.');
  editor.__dialogs = [];
  await editor.reload();
  await editor.waitForSelector('.CodeMirror');
  check('leaving with unsaved text asks first', (editor.__dialogs || []).includes('beforeunload'), JSON.stringify(editor.__dialogs));
  check('the unsaved text is back after a reload', (await cmValue(editor)).includes('Brouillon qui doit survivre.'));
  check('and says so', await editor.locator('#brouillon').isVisible());
});

await step('conflict', async () => {
  const mine = await cmValue(editor);
  const other = fs.readFileSync(docFile, 'utf8') + '\nLigne ajoutée par un autre programme.\n';
  fs.writeFileSync(docFile, other);
  await editor.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await editor.locator('#conflit').waitFor({ state: 'visible' });
  check('a save over a changed file is refused, both versions shown',
    (await editor.locator('#conflit-disque').textContent()).includes('Ligne ajoutée par un autre programme.') &&
    (await editor.locator('#conflit-mien').textContent()).includes('Brouillon qui doit survivre.'));
  check('the differing lines are marked', await editor.locator('#conflit mark').count() >= 2);
  check('the disk keeps the other version', fs.readFileSync(docFile, 'utf8') === other);
  check('the editor keeps mine', await cmValue(editor) === mine);
  await editor.locator('#conflit-garder').click();
  await editor.waitForFunction(() => document.getElementById('etat').textContent === 'Enregistré');
  check('« keep mine » saves it', fs.readFileSync(docFile, 'utf8') === mine);
});

await step('history', async () => {
  const current = await cmValue(editor);
  await editor.getByRole('button', { name: 'Historique' }).click();
  await editor.locator('#historique-liste li button').first().waitFor();
  const items = await editor.locator('#historique-liste li').allTextContents();
  check('the history lists the saves, newest first, in French', items.length >= 4 && /Fiche-action 6\u202f: /.test(items[0]), items.slice(0, 2).join(' | '));
  const last = editor.locator('#historique-liste li').last();
  await last.getByRole('button', { name: 'Comparer avec le texte actuel' }).click();
  await editor.locator('#historique-diff').waitFor({ state: 'visible' });
  check('a version is compared with the current text, side by side',
    (await editor.locator('#historique-actuel').textContent()).includes('Brouillon qui doit survivre.') &&
    !(await editor.locator('#historique-ancienne').textContent()).includes('Brouillon qui doit survivre.') &&
    await editor.locator('#historique mark').count() > 0);
  await last.getByRole('button', { name: 'Rétablir cette version' }).click();
  await editor.waitForFunction(() => !document.querySelector('.CodeMirror').CodeMirror.getValue().includes('Brouillon qui doit survivre.'));
  check('restoring the oldest version brings back the original text', fs.readFileSync(docFile, 'utf8') === original && await cmValue(editor) === original);
  await editor.locator('#historique-liste li').first().waitFor();
  check('the restore is a new version', /rétablir la version/.test(await editor.locator('#historique-liste li').first().textContent()));
  check('the text before it stays in the history', current !== original);
  await editor.locator('#historique-fermer').click();
});

await step('accessibility', async () => {
  const actx = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  await actx.addCookies([{ name: 'fiches_atelier', value: started.url.split('cle=')[1], url: base }]);
  const p = await actx.newPage();
  const lines = [];
  for (const [label, url] of [['editor', '_edit/fichier/' + DOC], ['list', '_edit/'], ['history', '_edit/fichier/' + DOC]]) {
    await p.goto(base + url);
    if (label !== 'list') {
      await p.waitForFunction(() => document.getElementById('resume-problemes').textContent !== 'Vérification en cours…');
      await p.waitForSelector('.CodeMirror');
    }
    if (label === 'history') {
      await p.getByRole('button', { name: 'Historique' }).click();
      await p.locator('#historique-liste li button').first().waitFor();
      await p.locator('#historique-liste li button').first().click();
      await p.locator('#historique-diff').waitFor({ state: 'visible' });
    }
    await p.addScriptTag({ content: AXE });
    const res = await p.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    }));
    const serious = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    for (const v of res.violations) lines.push(`${label}: ${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    check(`axe: no serious or critical violation on the ${label}`, serious.length === 0,
      serious.map((v) => `${v.id} on ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`).join(' | '));
  }
  fs.writeFileSync(path.join(OUT, 'editor-axe.txt'), lines.join('\n') + '\n');
  // Keyboard: from the text, Tab leaves the editor for the next control.
  await p.goto(base + '_edit/fichier/' + DOC);
  await p.waitForSelector('.CodeMirror');
  await p.evaluate(() => document.querySelector('.CodeMirror').CodeMirror.focus());
  await p.keyboard.press('Tab');
  const after = await p.evaluate(() => document.activeElement === document.querySelector('.CodeMirror').CodeMirror.getInputField() ? 'editor' : document.activeElement.tagName);
  check('Tab leaves the text for the next control', after !== 'editor', after);
  await p.evaluate(() => document.getElementById('outils').querySelector('button').focus());
  await p.keyboard.press('Enter');
  check('toolbar buttons work from the keyboard', (await p.evaluate(() => document.querySelector('.CodeMirror').CodeMirror.getValue())).includes('## '));
  await p.screenshot({ path: path.join(OUT, 'editor.png') });
  await actx.close();
});

const fmt = (a) => `median ${Math.round(median(a))} ms, p95 ${Math.round(p95(a))} ms (n=${a.length})`;
const report = [
  '# Writing workshop latencies (TAT corpus, Chromium, this machine)',
  '',
  `- diagnostics shown after the last keystroke: ${fmt(latency.diagnostics)}`,
  `- preview page loaded after the last keystroke: ${fmt(latency.apercu)}`,
  `- save to reload of the open site page: ${fmt(latency.saveToReload)}`,
  `- editor page load to first preview (first + cold tabs): ${fmt(latency.load)}`,
  `- of which the server's check and render of one preview: ${fmt(latency.server || [])}`,
  `- machine load average during the run: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (2 cores)`,
  '',
];
fs.writeFileSync(path.join(OUT, 'editor-latency.md'), report.join('\n'));
for (const l of report.slice(2, 8)) console.log('# ' + l.slice(2));

await browser.close();
// The server may still be publishing a rebuild (its staging tree under the
// project): remove the project only once it has exited.
await server.stop('SIGINT');
fs.rmSync(tmp, { recursive: true, force: true });
finish();
