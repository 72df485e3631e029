// Habitants on a phone (issue 18, item 1), in Debian's chromium, on the TAT site:
// for every kind of page at 320, 360 and 1280 px:
//  - no horizontal overflow;
//  - every entry of the main menu visible, or visible after one tap on « Menu »
//    (and, without JavaScript, visible at once);
//  - every tap target that stands on its own (not a link inside a sentence) is at
//    least 24 × 24 px, the main menu's at least 44 px tall;
//  - the focus indicator of every focusable element has at least 3:1 contrast
//    against the background it is drawn on, and is not clipped by a scrolling box;
//  - axe-core at 320 px: no serious or critical violation.
import fs from 'node:fs';
import path from 'node:path';
import { check, finish, needBrowser, AXE } from '../lib/suite.mjs';
import { ROOT, launch, serve, buildSite } from './helpers.mjs';

const pw = await needBrowser();
const { tmp, out } = buildSite(ROOT);
const site = fs.realpathSync(out);
const first = (dir) => {
  const f = fs.readdirSync(path.join(site, dir)).filter((n) => n.endsWith('.html') && n !== 'index.html').sort()[0];
  return f && `${dir}/${f}`;
};
const PAGES = [
  ['home', 'index.html'], ['fiches-actions', 'fiches-actions/index.html'],
  ['fiche-action', 'fiches-actions/habitants-a-l-epreuve-des-trafics.html'],
  ['fiches thématiques', 'fiches-thematiques/index.html'], ['fiche thématique', first('fiches-thematiques')],
  ['guide', 'guide/index.html'], ['chapter', first('guide')], ['page', first('pages')],
  ['contacts', 'contacts/index.html'], ['contact', first('contacts')], ['glossary', 'glossaire.html'],
  ['bibliography', 'bibliographie.html'], ['logique', first('logiques')], ['territoires', 'territoires/index.html'],
  ['search', 'recherche.html?q=parents'], ['404', '404.html'], ['que faire si', 'que-faire.html'],
].filter(([, p]) => p && fs.existsSync(path.join(site, p.replace(/\?.*/, ''))));

// Runs in the page: measures overflow, menu, targets.
function measure() {
  const doc = document.documentElement;
  const r = { overflow: doc.scrollWidth - doc.clientWidth, small: [], menuShort: [] };
  const inSentence = (a) => {
    const parent = a.parentElement;
    if (!parent) return false;
    // A link inside running text: its block holds other text than its own.
    const block = a.closest('p, li, td, th, dd, blockquote, figcaption, h1, h2, h3, h4');
    if (!block) return false;
    const own = a.textContent.trim().length;
    return block.textContent.trim().length > own + 2 && !a.closest('nav, .liste-en-ligne, .pied-liens');
  };
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || style.visibility === 'hidden' || el.closest('[hidden]')) continue;
    if (el.matches('.evitement') || el.closest('.visuellement-cache')) continue;
    if (el.tagName === 'A' && inSentence(el)) continue;
    if (box.width < 23.5 || box.height < 23.5)
      r.small.push(`${el.tagName} “${(el.textContent || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 30)}” ${Math.round(box.width)}×${Math.round(box.height)}`);
    if (el.closest('.navigation') && box.height < 43.5)
      r.menuShort.push(`${el.textContent.trim()} ${Math.round(box.height)}`);
  }
  const items = [...document.querySelectorAll('.navigation li a')];
  r.menuTotal = items.length;
  r.menuVisible = items.filter((a) => {
    const b = a.getBoundingClientRect();
    return b.width > 0 && b.left >= -0.5 && b.right <= doc.clientWidth + 0.5;
  }).length;
  return r;
}

// Runs in the page: contrast of the focused element's outline against what is behind it.
function focusContrast() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const lum = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(',').map(Number);
    if (a === 0) return null;
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const label = `${el.tagName} ${(el.textContent || el.name || '').trim().replace(/\s+/g, ' ').slice(0, 30)}`;
  // The ring is the element's outline, or that of an ancestor drawn by :focus-within (a card).
  let ringEl = null;
  for (let p = el; p && p !== document.body && !ringEl; p = p.parentElement) {
    const st = getComputedStyle(p);
    if (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2) ringEl = p;
  }
  if (!ringEl) return { el: label, ratio: 0, clipped: false };
  const style = getComputedStyle(ringEl);
  const ring = style.outlineColor;
  // What is behind the ring: the first element under a point just outside the
  // box that is not the ring's element or inside it, and its first opaque background.
  const rb = ringEl.getBoundingClientRect();
  const off = Math.max(0, parseFloat(style.outlineOffset)) + parseFloat(style.outlineWidth) / 2;
  const x = Math.max(0, rb.left - off), y = Math.min(innerHeight - 1, Math.max(0, rb.top + rb.height / 2));
  const under = document.elementsFromPoint(x, y).find((u) => u !== ringEl && !ringEl.contains(u));
  let bg = null;
  for (let p = under; p && bg === null; p = p.parentElement) bg = lum(getComputedStyle(p).backgroundColor);
  if (bg === null) bg = 1;
  const fg = lum(ring);
  const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  // Clipped: an ancestor that scrolls or hides overflow cuts the ring.
  const box = rb;
  const ext = parseFloat(style.outlineWidth) + Math.max(0, parseFloat(style.outlineOffset));
  let clipped = false;
  for (let p = ringEl.parentElement; p && p !== document.body; p = p.parentElement) {
    const ps = getComputedStyle(p);
    if (ps.overflowX !== 'visible' || ps.overflowY !== 'visible') {
      const pb = p.getBoundingClientRect();
      if (box.left - ext < pb.left - 0.5 || box.right + ext > pb.right + 0.5 ||
          box.top - ext < pb.top - 0.5 || box.bottom + ext > pb.bottom + 0.5) clipped = true;
    }
  }
  return { el: label, ratio, clipped };
}

const browser = await launch(pw);
const srv = await serve(site);
try {
  for (const width of [320, 360, 1280]) {
    const phone = width < 600;
    const ctx = await browser.newContext({ viewport: { width, height: 800 }, isMobile: phone, hasTouch: phone,
      serviceWorkers: 'block', reducedMotion: 'reduce' });
    const page = await ctx.newPage();
    const over = [], small = [], menu = [], short = [], focus = [];
    for (const [label, p] of PAGES) {
      await page.goto(srv.base + p);
      let m = await page.evaluate(measure);
      if (m.overflow > 0) over.push(`${label} +${m.overflow}px`);
      small.push(...m.small.map((s) => `${label}: ${s}`));
      short.push(...m.menuShort.map((s) => `${label}: ${s}`));
      if (m.menuVisible < m.menuTotal) {
        // One tap on « Menu » must show every entry.
        const button = page.locator('.menu-bouton');
        if (await button.isVisible()) {
          await button.tap();
          m = await page.evaluate(measure);
        }
        if (m.menuVisible < m.menuTotal) menu.push(`${label}: ${m.menuVisible}/${m.menuTotal}`);
        else short.push(...m.menuShort.map((s) => `${label} (menu open): ${s}`));
      }
      // Focus: walk the page with the keyboard (its first 40 stops: header, menu, content).
      if (width !== 360) {
        await page.goto(srv.base + p);
        for (let i = 0; i < 40; i++) {
          await page.keyboard.press('Tab');
          const f = await page.evaluate(focusContrast);
          if (!f) break;
          if (f.ratio < 3 || f.clipped) focus.push(`${label}: ${f.el} ${f.ratio.toFixed(2)}:1${f.clipped ? ' clipped' : ''}`);
        }
      }
    }
    check(`${width}px: no horizontal overflow on ${PAGES.length} kinds of page`, over.length === 0, over.join(', '));
    check(`${width}px: every menu entry visible or one tap away`, menu.length === 0, menu.join(', '));
    check(`${width}px: stand-alone tap targets at least 24 × 24 px`, small.length === 0,
      `${small.length}: ${small.slice(0, 6).join(' | ')}`);
    check(`${width}px: main menu entries at least 44 px tall`, short.length === 0, short.slice(0, 6).join(' | '));
    if (width !== 360)
      check(`${width}px: focus ring 3:1 against its background, never clipped`, focus.length === 0,
        `${focus.length}: ${[...new Set(focus)].slice(0, 6).join(' | ')}`);
    await ctx.close();
  }
  // Without JavaScript the menu is not folded away.
  const nojs = await browser.newContext({ viewport: { width: 320, height: 800 }, javaScriptEnabled: false });
  const page = await nojs.newPage();
  await page.goto(srv.base + 'index.html');
  const m = await page.evaluate(measure);
  check('320px without JavaScript: every menu entry visible', m.menuTotal >= 5 && m.menuVisible === m.menuTotal,
    `${m.menuVisible}/${m.menuTotal}`);
  await nojs.close();
  // Sigles at a tap (item 5): the first sigle of the RdRD chapter opens its
  // expansion and definition in place, without leaving the page.
  {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 800 }, isMobile: true, hasTouch: true,
      serviceWorkers: 'block' });
    const page = await ctx.newPage();
    const chapter = fs.readdirSync(path.join(site, 'guide')).find((n) => /reduction-des-risques/.test(n));
    await page.goto(srv.base + 'guide/' + chapter);
    const url = page.url();
    const sigle = page.locator('a.sigle').first();
    const name = (await sigle.textContent()).trim();
    await sigle.tap();
    const bubble = page.locator('.sigle-bulle');
    await bubble.waitFor({ timeout: 3000 });
    const text = await bubble.textContent();
    check(`a tapped sigle (${name}) shows its expansion and definition in place`,
      page.url() === url && text.length > 40 && /glossaire/i.test(text) &&
      (await sigle.getAttribute('aria-expanded')) === 'true', `${page.url()} ${text.slice(0, 80)}`);
    await page.keyboard.press('Escape');
    check('Escape closes it and gives the focus back to the sigle',
      (await bubble.count()) === 0 && await sigle.evaluate((e) => e === document.activeElement));
    // The first occurrence of each sigle in each section is tappable.
    const counts = await page.evaluate(() => {
      const seen = new Set(); let first = 0, tappable = 0;
      for (const a of document.querySelectorAll('.corps abbr')) {
        // Inside another link (a link's text) a sigle cannot be a link itself.
        if (a.closest('a:not(.sigle)')) continue;
        let h = null;
        for (let n = a; n && !h; n = n.previousElementSibling || n.parentElement)
          if (/^H[23]$/.test(n.tagName)) h = n;
        const key = (h ? h.id : '') + '|' + a.textContent;
        if (seen.has(key)) continue;
        seen.add(key); first++;
        if (a.closest('a.sigle')) tappable++;
      }
      return { first, tappable };
    });
    check('the first occurrence of each sigle in each section is tappable',
      counts.first > 5 && counts.tappable === counts.first, JSON.stringify(counts));
    // The glossary: an A–Z index, the target entry highlighted.
    await page.goto(srv.base + 'glossaire.html#caarud');
    const g = await page.evaluate(() => ({
      letters: document.querySelectorAll('.index-az a').length,
      target: getComputedStyle(document.querySelector('#caarud')).backgroundColor,
      other: getComputedStyle(document.querySelector('dt:not(:target)')).backgroundColor,
    }));
    check('the glossary has an A–Z index and highlights the entry a link leads to',
      g.letters >= 10 && g.target !== g.other, JSON.stringify(g));
    await ctx.close();
  }
  // Wide tables (item 6): at 320 px a table wider than the column scrolls in its
  // box, says so, and can be scrolled from the keyboard; the Ressources chapter
  // keeps its lists.
  {
    const ctx = await browser.newContext({ viewport: { width: 320, height: 800 }, isMobile: true, serviceWorkers: 'block' });
    const page = await ctx.newPage();
    const wide = [];
    for (const name of fs.readdirSync(path.join(site, 'guide')).filter((n) => n.endsWith('.html'))) {
      if (!fs.readFileSync(path.join(site, 'guide', name), 'utf8').includes('<table')) continue;
      await page.goto(srv.base + 'guide/' + name);
      wide.push(...await page.evaluate((n) => [...document.querySelectorAll('.tableau')]
        .filter((b) => b.scrollWidth > b.clientWidth + 1)
        .map((b) => ({ n, hint: !!(b.previousElementSibling && b.previousElementSibling.classList.contains('tableau-aide')),
          focusable: b.tabIndex === 0 && !!b.getAttribute('aria-label') })), name));
    }
    check(`wide tables say they scroll and take the keyboard (${wide.length} at 320 px)`,
      wide.length > 0 && wide.every((w) => w.hint && w.focusable), JSON.stringify(wide.slice(0, 3)));
    const res = fs.readdirSync(path.join(site, 'guide')).find((n) => /ressources/.test(n));
    const html = fs.readFileSync(path.join(site, 'guide', res), 'utf8');
    check('the Ressources chapter keeps its lists (no « – qui peut signaler – »)',
      !/– qui peut signaler –/.test(html) && (html.match(/<li>/g) || []).length >= 20);
    await ctx.close();
  }
  // Reading comforts (item 9): dark mode with its contrasts, the print button,
  // « Haut de page », the offline banner.
  {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 800 }, isMobile: true,
      colorScheme: 'dark', serviceWorkers: 'block' });
    const page = await ctx.newPage();
    const contrast = [];
    for (const p of ['index.html', 'fiches-actions/habitants-a-l-epreuve-des-trafics.html', 'glossaire.html']) {
      await page.goto(srv.base + p);
      await page.addScriptTag({ content: AXE });
      const res = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] } }));
      for (const v of res.violations) contrast.push(`${p}: ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
    }
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    check('dark mode: a dark page with no colour-contrast violation', /rgb\((\d{1,2}), (\d{1,2}), (\d{1,2})\)/.test(bg) && contrast.length === 0,
      `${bg} ${contrast.slice(0, 3).join(' | ')}`);
    await page.goto(srv.base + 'fiches-actions/habitants-a-l-epreuve-des-trafics.html');
    check('a print button and « Haut de page » on a fiche',
      await page.locator('button.imprimer').isVisible() && await page.locator('a.haut-de-page').count() === 1);
    await ctx.setOffline(true);
    await page.evaluate(() => window.dispatchEvent(new Event('offline')));
    check('offline, a banner says the pages come from the device', await page.locator('.etat-reseau').isVisible());
    await ctx.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    check('back online, the banner goes', !(await page.locator('.etat-reseau').isVisible()));
    await ctx.close();
  }
  // Filters on the list of fiches-actions, and the breadcrumb (item 9).
  {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 800 }, isMobile: true, serviceWorkers: 'block' });
    const page = await ctx.newPage();
    await page.goto(srv.base + 'fiches-actions/index.html');
    const all = await page.locator('.groupe .carte').count();
    // The expected answer, from site.json: actions whose territories include 14e.
    const model = JSON.parse(fs.readFileSync(path.join(site, 'site.json'), 'utf8'));
    const want = model.actions.filter((a) => (a.territories || []).includes('14e')).length;
    await page.selectOption('select[data-filtre="territoires"]', '14e');
    const shown = await page.locator('.groupe .carte:visible').count();
    const status = await page.locator('.filtres-compte').textContent();
    check(`the territoire filter shows the ${want} actions of the 14e (of ${all})`,
      shown === want && want > 0 && want < all && status.includes(String(want)), `${shown} shown, « ${status} »`);
    await page.selectOption('select[data-filtre="statut"]', 'terminee');
    const none = await page.locator('.groupe .carte:visible').count();
    const want2 = model.actions.filter((a) => (a.territories || []).includes('14e') && a.status === 'terminee').length;
    check('filters combine', none === want2, `${none} vs ${want2}`);
    await page.goto(srv.base + 'contacts/index.html');
    const everyone = await page.locator('.annuaire > li').count();
    await page.selectOption('select[data-filtre="type"]', 'person');
    const people = model.contacts.filter((x) => x.kind === 'person').length;
    const shownPeople = await page.locator('.annuaire > li:visible').count();
    await page.selectOption('select[data-filtre="type"]', '');
    await page.fill('[data-filtre-texte]', 'agora');
    const agora = await page.locator('.annuaire > li:visible').count();
    check(`contacts filter by type (${people} people) and by text`,
      shownPeople === people && people > 0 && agora >= 1 && agora < everyone,
      `${shownPeople}/${people} people, ${agora} for « agora » of ${everyone}`);
    const nojs = await browser.newContext({ javaScriptEnabled: false });
    const np = await nojs.newPage();
    await np.goto(srv.base + 'fiches-actions/index.html');
    check('without JavaScript the list is complete and the filters hidden',
      await np.locator('.groupe .carte:visible').count() === all && !(await np.locator('form.filtres').isVisible()));
    await np.goto(srv.base + 'fiches-actions/habitants-a-l-epreuve-des-trafics.html');
    const crumbs = await np.locator('.fil-ariane li').allTextContents();
    check('a fiche has a breadcrumb: Accueil › Fiches-actions › Fiche-action 6',
      crumbs.join(' › ') === 'Accueil › Fiches-actions › Fiche-action 6', crumbs.join(' › '));
    await nojs.close();
    await ctx.close();
  }
  // axe-core at 320 px on every kind of page.
  const actx = await browser.newContext({ viewport: { width: 320, height: 800 }, isMobile: true, serviceWorkers: 'block' });
  const apage = await actx.newPage();
  const serious = [];
  for (const [label, p] of PAGES) {
    await apage.goto(srv.base + p);
    await apage.addScriptTag({ content: AXE });
    const res = await apage.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } }));
    for (const v of res.violations)
      if (v.impact === 'serious' || v.impact === 'critical') serious.push(`${label}: ${v.id} ${v.nodes[0].target.join(' ')}`);
  }
  check('320px: axe-core finds no serious or critical violation', serious.length === 0, serious.slice(0, 6).join(' | '));
  await actx.close();
} catch (e) {
  check('phone scenarios', false, (e && e.stack || String(e)).split('\n').slice(0, 3).join(' | '));
}
await srv.close();
await browser.close();
fs.rmSync(tmp, { recursive: true, force: true });
finish();
