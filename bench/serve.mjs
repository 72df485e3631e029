// bench/serve.mjs: how quickly `fiches serve` answers a coordinator, in
// Debian's chromium driven by playwright-core (run by `make bench`).
//
//   node bench/serve.mjs            TAT corpus (with and without PDFs), then 10 000 fiches
//   SAVES=20 BIG=10000 BIG_SAVES=10 PDF=1 TAT=1 (TAT=0: the large corpus only)
//   SAVES=10 COLD=4 node bench/serve.mjs   issue 16 item 3 quickly (about 4 min quiet)
//   TYPING=0: no editor measures (cold load, typing), only saves and SIGTERM
//   SERVE_LOG=prefix: each server's log kept in prefix-N.log
//
// On a copy of the TAT corpus (content/):
//  - save to reload: the site page of fiche-action 6 is open; its text is
//    saved through the workshop's API (as « Enregistrer » does) with a new
//    sentence; the time runs from the request until the open page has
//    reloaded (its load event) and shows the sentence. SAVES saves, one
//    second apart, with `--no-pdf` and, with PDF=1, with the PDF pass
//    running between saves (each save interrupts it);
//  - diagnostics and preview after a pause in typing: the editor's own
//    measures (window.__fichesMesures, from the last keystroke, its 25 ms
//    pause included) while words are typed with 350 ms pauses, and the
//    server's share (duree_ms);
//  - editor cold load: a fresh browser context (nothing cached) and a fresh
//    tab (CodeMirror cached) to the editor of fiche 6: when its text and
//    first check are painted, when CodeMirror is in place (both measured in
//    the page), with the renderer's CPU time (CDP Performance.getMetrics);
//    COLD=8 loads each; BEFORE=path/to/other/fiches alternates that program's
//    loads with this one's (a paired before/after in one run);
//  - where a save's time goes: the server runs with FICHES_TIMING=1 and
//    prints each phase (serve_timing.h) with its wall and CPU time; the
//    reloaded page's own navigation timings split the browser's share.
//    CPU times do not depend on the machine's load, wall times do;
//  - SIGTERM: from the signal until the process is gone, while the PDF pass
//    runs.
// Then on bench/gencorpus's BIG fiches (no PDFs: the pass would take an
// hour there; the corpus is kept in $TMPDIR/fiches-bench-serve-cBIG, or BIG_DIR,
// for the next run):
// save to reload of fiche-action 42, BIG_SAVES saves.
//
// Medians and 95th percentiles go to stdout and bench/work/serve.md.
// Nothing is asserted: tests/serve/t_serve_incremental.py checks that the
// output is right.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { ROOT, FICHES, loadPlaywright, launch } from '../tests/browser/helpers.mjs';

const SAVES = +(process.env.SAVES || 20);
const BIG = +(process.env.BIG ?? 10000);
const BIG_SAVES = +(process.env.BIG_SAVES || 10);
const PDF = process.env.PDF !== '0';
const BEFORE = process.env.BEFORE || '';  // another build of fiches, for a paired cold-load comparison
const COLD = +(process.env.COLD || 8);
const WORK = path.join(ROOT, 'bench', 'work');
fs.mkdirSync(WORK, { recursive: true });

const pct = (a, p) => a.length ? [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.ceil(a.length * p) - 1)] : NaN;
const fmt = (a) => a.length ? `${Math.round(pct(a, 0.5))} ms median, ${Math.round(pct(a, 0.95))} ms p95 (n=${a.length}, min ${Math.round(Math.min(...a))}, max ${Math.round(Math.max(...a))})` : 'not measured';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const report = [];
function say(line) { console.log(line); report.push(line); }

const pw = await loadPlaywright();
if (!pw || !fs.existsSync(process.env.CHROMIUM || '/usr/bin/chromium') || !fs.existsSync(FICHES)) {
  console.log('bench/serve.mjs: playwright-core (tests/browser), /usr/bin/chromium or build/fiches is missing');
  process.exit(2);
}

// A running `fiches serve` on project root; resolves once it serves.
const servers = new Set();
process.on('exit', () => { for (const p of servers) if (p.exitCode === null) p.kill('SIGKILL'); });

async function startServer(root, extra, timeoutMs, bin = FICHES) {
  let log = '';
  const proc = spawn(bin, ['serve', '-C', root, '--port', '0', ...extra],
    { env: { ...process.env, NO_COLOR: '1', LC_ALL: 'C', LANGUAGE: '', FICHES_TIMING: '1' } });
  proc.stdout.on('data', (b) => { log += b; });
  proc.stderr.on('data', (b) => { log += b; });
  servers.add(proc);
  // SERVE_LOG=prefix: each server's whole log (FICHES_TIMING lines included) kept as prefix-N.log.
  const nth = servers.size;
  if (process.env.SERVE_LOG) proc.on('exit', () => fs.writeFileSync(`${process.env.SERVE_LOG}-${nth}.log`, log));
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs && proc.exitCode === null) {
    const m = log.match(/http:\/\/127\.0\.0\.1:(\d+)\/_edit\/\?cle=([0-9a-f]+)/);
    if (m && /Serving/.test(log)) return { proc, port: +m[1], key: m[2], startUrl: m[0], log: () => log, startMs: Date.now() - t0 };
    await sleep(50);
  }
  proc.kill('SIGKILL');
  throw new Error('serve did not start: ' + log.slice(-500));
}

// POST /_edit/api/NAME with the workshop's cookie; resolves to [status, json].
function api(srv, name, body) {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: srv.port, method: 'POST', path: '/_edit/api/' + name,
      headers: { Host: `127.0.0.1:${srv.port}`, Origin: `http://127.0.0.1:${srv.port}`,
        Cookie: 'fiches_atelier=' + srv.key, 'Content-Type': 'application/json', 'Content-Length': data.length } },
    (res) => { let b = ''; res.on('data', (c) => { b += c; }); res.on('end', () => resolve([res.statusCode, JSON.parse(b || '{}')])); });
    req.on('error', reject);
    req.end(data);
  });
}

// Saves text over doc (relative to content/) as the editor does; returns the new version.
async function save(srv, doc, text, base) {
  let [st, r] = await api(srv, 'enregistrer', { chemin: doc, texte: text, base });
  if (st === 409) [st, r] = await api(srv, 'enregistrer', { chemin: doc, texte: text, base: r.version });
  if (st !== 200) throw new Error('save refused: ' + st + ' ' + JSON.stringify(r).slice(0, 200));
  return r.version;
}

// The server's phases (serve_timing.h) logged since offset: name -> {wall: [], cpu: []}.
function phases(srv, offset = 0) {
  const out = {};
  for (const m of srv.log().slice(offset).matchAll(/^fiches: phase (\S+) at [0-9.]+ ms: ([0-9.]+) ms, cpu ([0-9.]+) ms$/gm)) {
    const p = out[m[1]] = out[m[1]] || { wall: [], cpu: [] };
    p.wall.push(+m[2]);
    p.cpu.push(+m[3]);
  }
  return out;
}
// The monotonic clock in ms: the one the server's FICHES_TIMING lines carry (libuv's hrtime is CLOCK_MONOTONIC).
const monoMs = () => Number(process.hrtime.bigint()) / 1e6;
// The server's phase ends and marks logged since offset, in order: {name, at, what}.
function timeline(srv, offset = 0) {
  const out = [];
  for (const m of srv.log().slice(offset).matchAll(/^fiches: (phase|mark) (\S+) at ([0-9.]+) ms: ?(.*)$/gm))
    out.push({ name: m[2], at: +m[3], what: m[1] === 'mark' ? m[4] : '', wall: m[1] === 'phase' ? parseFloat(m[4]) : 0 });
  return out;
}
const fmt1 = (a) => a.length ? `${pct(a, 0.5).toFixed(1)}/${pct(a, 0.95).toFixed(1)}` : '-';
function sayPhases(srv, offset, names) {
  const ph = phases(srv, offset);
  for (const n of names.filter((x) => ph[x]))
    say(`  - ${n}: wall ${fmt1(ph[n].wall)} ms, CPU ${fmt1(ph[n].cpu)} ms (median/p95, n=${ph[n].cpu.length})`);
}

// The open page reloads by itself after each save: time from the save to its load event.
async function saveToReload(srv, page, doc, file, n, pauseMs) {
  const times = [];
  const split = { navigation: [], html: [], scripts: [], load: [] };
  const rows = [];
  const overlap = [];  // per save: did the data files start before the reloaded page's load event?
  let text = fs.readFileSync(file, 'utf8');
  let version = '';
  const rebuilt = () => (srv.log().match(/^fiches: (rebuilt in|\d+ errors?:)/gm) || []).length;
  for (let i = 0; i < n; i++) {
    const before = rebuilt();
    const marker = `Mesure ${i} ${Date.now()}.`;
    const next = text.replace(/\n## /, `\n${marker}\n\n## `);
    const reloaded = page.waitForEvent('load', { timeout: 120000 });
    const logAt = srv.log().length;
    const t0 = performance.now(), epoch0 = Date.now(), mono0 = monoMs();
    version = await save(srv, doc, next, version);
    const tSaved = performance.now();
    await reloaded;
    const t1 = performance.now();
    // The browser's share: from the save to the reload's start, its HTML, its scripts, its load event.
    const nav = await page.evaluate(() => {
      const e = performance.getEntriesByType('navigation')[0];
      return { origin: performance.timeOrigin, html: e.responseEnd, dcl: e.domContentLoadedEventEnd, load: e.loadEventEnd || performance.now() };
    });
    split.navigation.push(nav.origin - epoch0);
    split.html.push(nav.html);
    split.scripts.push(nav.dcl - nav.html);
    split.load.push(nav.load - nav.dcl);
    const shown = await page.evaluate((m) => document.body.textContent.replace(/\u00ad/g, '').includes(m), marker);
    if (shown) times.push(t1 - t0);
    else console.log(`  save ${i}: the page reloaded without the change (not counted)`);
    // The next save once this rebuild is over (the data files follow the reload).
    for (const t = Date.now(); rebuilt() === before && Date.now() - t < 120000;) await sleep(20);
    // This save's timeline on the monotonic clock, the server's and the page's lined up.
    const at = (o) => Math.round(o - mono0);
    const ev = timeline(srv, logAt);
    const first = (name, pred = () => true) => { const e = ev.find((x) => x.name === name && pred(x)); return e ? at(e.at) : '-'; };
    const navMono = mono0 + (nav.origin - epoch0);
    const data = ev.find((x) => x.name === 'data-files');
    if (data) overlap.push(data.at - data.wall < navMono + nav.load);
    rows.push(`| ${i} | ${Math.round(t1 - t0)} | ${Math.round(tSaved - t0)} | ${first('save-write')} | ${first('save-rename')} | ${first('save-sync-dir')} | ` +
      `${first('save-history')} | ${first('watch-announced', () => true) !== '-' ? first('watch-announced') : first('watch-settle')} | ${first('pages-reload-sent')} | ` +
      `${first('event-sent')} | ${Math.round(navMono - mono0)} | ${first('request', (e) => e.what.endsWith('.html'))} | ` +
      `${Math.round(navMono - mono0 + nav.html)} | ${Math.round(navMono - mono0 + nav.dcl)} | ${Math.round(navMono - mono0 + nav.load)} | ` +
      `${first('request', (e) => e.what === '/__fiches/events')} | ${data ? at(data.at - data.wall) : '-'} | ${first('data-files')} | ${first('pdf-cancelled')} |`);
    await sleep(pauseMs);
  }
  // The fiche as it was.
  await save(srv, doc, text, version);
  await page.waitForEvent('load', { timeout: 120000 }).catch(() => {});
  say('- each save, ms from its request (server phases at their end; the page\'s navigation, HTML, DOMContentLoaded, load; its events stream reopened):');
  say('');
  say('| save | reload | answered | write | rename | sync dir | history | watch | pages+reload sent | event sent | nav start | HTML request | HTML end | DCL | load | events reopened | data files start | data files end | PDF pass cancelled |');
  say('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) say(r);
  say('');
  say(`- saves whose data files started before the reloaded page's load event (sharing the cores with the browser): ${overlap.filter(Boolean).length} of ${overlap.length}`);
  say(`- the browser's share, median/p95: save to the reload's start ${fmt1(split.navigation)} ms (the server's work and its event), ` +
    `the page's HTML ${fmt1(split.html)} ms, its scripts and style ${fmt1(split.scripts)} ms, to its load event ${fmt1(split.load)} ms`);
  return times;
}

// The renderer's CPU time so far (s), from CDP: independent of the load, like the server's.
async function rendererCpu(cdp) {
  const m = (await cdp.send('Performance.getMetrics')).metrics;
  return (m.find((x) => x.name === 'ProcessTime') || { value: NaN }).value;
}

// CPU time (user + system) the server has used so far, in ms: independent of the machine's load.
function cpuMs(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (+fields[11] + +fields[12]) * 1000 / 100;  // utime, stime in clock ticks (USER_HZ 100)
}

// The server's own account of its rebuilds (the data files, written after the reload, included).
function serverRebuilds(srv) {
  const lines = srv.log().split('\n').filter((l) => /^fiches: rebuilt in /.test(l));
  const incr = lines.filter((l) => l.includes('only what the change shows'))
    .map((l) => 1000 * parseFloat(l.match(/rebuilt in ([0-9.]+) s/)[1]));
  say(`- server: ${incr.length} incremental rebuilds of ${lines.length}, each ${fmt(incr)} (pages, then the data files after the reload)`);
}

/*
 * The editor's cold load, measured in the page itself (from its navigation
 * start; a probe from outside would wait behind whatever task the page
 * runs): when the text and its first check are shown (the animation frame
 * after « Aucun problème. » is set, i.e. the paint that shows it), when
 * CodeMirror has taken the text area's place, the first contentful paint;
 * with the renderer's CPU time up to the load event (Performance.getMetrics),
 * and the wall time from the request to the first check seen from outside.
 * A fresh browser context each time (nothing cached), then new tabs of one
 * context (the scripts cached). Several servers are alternated (BEFORE).
 */
async function coldLoads(browser, servers, doc, warmCtx) {
  const probe = () => {
    const t = window.__coldLoad = {};
    const mark = (k) => { if (t[k] === undefined) { t[k] = null; requestAnimationFrame(() => { t[k] = performance.now(); }); } };
    new MutationObserver(() => {
      const r = document.getElementById('resume-problemes');
      if (r && r.textContent === 'Aucun problème.') mark('check');
      if (document.querySelector('.CodeMirror')) mark('cm');
    }).observe(document, { subtree: true, childList: true, characterData: true });
    new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.name === 'first-contentful-paint') t.fcp = e.startTime; })
      .observe({ type: 'paint', buffered: true });
  };
  const once = async (page, url) => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.addInitScript(probe);
    const t0 = performance.now();
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => document.getElementById('resume-problemes').textContent === 'Aucun problème.', null, { timeout: 60000 });
    const wall = performance.now() - t0;
    await page.waitForFunction(() => window.__coldLoad.check && window.__coldLoad.cm && document.readyState === 'complete', null, { timeout: 60000 });
    const t = await page.evaluate(() => window.__coldLoad);
    const cpu = 1000 * await rendererCpu(cdp);
    return { wall, check: t.check, cm: t.cm, fcp: t.fcp, cpu };
  };
  for (const s of servers) s.cold = []; for (const s of servers) s.tabs = [];
  for (let i = 0; i < COLD; i++) for (const s of servers) {
    const c = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'block' });
    await c.addCookies([{ name: 'fiches_atelier', value: s.srv.key, url: `http://127.0.0.1:${s.srv.port}/` }]);
    s.cold.push(await once(await c.newPage(), `http://127.0.0.1:${s.srv.port}/_edit/fichier/${doc}`));
    await c.close();
  }
  for (const s of servers) {
    s.ctx = s.srv === servers[0].srv ? warmCtx : await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'block' });
    await s.ctx.addCookies([{ name: 'fiches_atelier', value: s.srv.key, url: `http://127.0.0.1:${s.srv.port}/` }]);
  }
  for (let i = 0; i < COLD; i++) for (const s of servers) {
    const p = await s.ctx.newPage();
    s.tabs.push(await once(p, `http://127.0.0.1:${s.srv.port}/_edit/fichier/${doc}`));
    await p.close();
  }
  const col = (a, k) => a.map((x) => x[k]).filter((x) => typeof x === 'number');
  for (const s of servers) {
    for (const [what, a] of [['fresh browser context, nothing cached', s.cold], ['new tab, scripts cached', s.tabs.slice(1)]]) {
      say(`- editor cold load (${s.label}), ${what}, median/p95 ms (n=${a.length}): text and first check painted ${fmt1(col(a, 'check'))}, ` +
        `CodeMirror in place ${fmt1(col(a, 'cm'))}, first contentful paint ${fmt1(col(a, 'fcp'))} (from the navigation's start); ` +
        `first check seen from outside ${fmt1(col(a, 'wall'))} (from the request); renderer CPU to the load event ${fmt1(col(a, 'cpu'))} (target 300 ms)`);
    }
    if (s.ctx !== warmCtx) await s.ctx.close();
    if (s.srv !== servers[0].srv) {
      s.srv.proc.kill('SIGTERM');
      await new Promise((r) => s.srv.proc.exitCode !== null ? r() : s.srv.proc.on('exit', r));
    }
  }
}

async function tat(browser, withPdf) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fiches-bench-serve-'));
  const root = path.join(tmp, 'projet');
  fs.mkdirSync(root);
  fs.cpSync(path.join(ROOT, 'content'), path.join(root, 'content'), { recursive: true });
  const DOC = 'actions/06-habitants-a-l-epreuve-des-trafics.md';
  const PAGE = 'fiches-actions/habitants-a-l-epreuve-des-trafics.html';
  const srv = await startServer(root, withPdf ? [] : ['--no-pdf'], 600000);
  const label = withPdf ? 'TAT, PDFs typeset between saves' : 'TAT, --no-pdf';
  say(`\n### ${label}\n`);
  say(`- first build and start: ${srv.startMs} ms`);
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'block' });
  const start = await ctx.newPage();
  await start.goto(srv.startUrl);  // sets the cookie
  await start.close();
  const site = await ctx.newPage();
  await site.goto(`http://127.0.0.1:${srv.port}/${PAGE}`, { timeout: 120000 });
  const cpu0 = cpuMs(srv.proc.pid);
  const logAt = srv.log().length;
  const times = await saveToReload(srv, site, DOC, path.join(root, 'content', DOC), SAVES, 1000);
  say(`- save to reload of the open site page: ${fmt(times)} (target 150 ms)`);
  say(`- server CPU per save (save, history, rebuild, serving the reload): ${Math.round((cpuMs(srv.proc.pid) - cpu0) / (SAVES + 1))} ms`);
  say('- server phases of a save (FICHES_TIMING; the reload is sent at the end of pages-reload-sent):');
  sayPhases(srv, logAt, ['save-write', 'save-rename', 'save-sync-dir', 'save-history', 'watch-announced', 'watch-settle', 'pages-reload-sent', 'data-files']);
  serverRebuilds(srv);

  if (!withPdf && process.env.TYPING !== '0') {
    // Editor cold load: a fresh browser context (empty cache), then fresh tabs (CodeMirror cached).
    const servers = [{ label: 'this program', srv }];
    if (BEFORE) {
      // The same measure of another program (BEFORE=path), alternated with this one: a paired comparison.
      const broot = path.join(tmp, 'avant');
      fs.mkdirSync(broot);
      fs.cpSync(path.join(ROOT, 'content'), path.join(broot, 'content'), { recursive: true });
      servers.push({ label: 'BEFORE=' + BEFORE, srv: await startServer(broot, ['--no-pdf'], 600000, BEFORE) });
    }
    await coldLoads(browser, servers, DOC, ctx);
    // Diagnostics and preview after a pause in typing.
    const ed = await ctx.newPage();
    ed.on('dialog', (d) => d.accept());
    await ed.goto(`http://127.0.0.1:${srv.port}/_edit/fichier/${DOC}`);
    await ed.waitForFunction(() => document.getElementById('resume-problemes').textContent === 'Aucun problème.', null, { timeout: 60000 });
    await ed.waitForSelector('.CodeMirror');
    await ed.evaluate(() => {
      const cm = document.querySelector('.CodeMirror').CodeMirror;
      for (let l = 0; l <= cm.lastLine(); l++)
        if (cm.getLine(l).startsWith('Dans les quartiers où')) { cm.focus(); cm.setCursor({ line: l, ch: cm.getLine(l).length }); return; }
    });
    const cpuTyping = cpuMs(srv.proc.pid);
    const typingLog = srv.log().length;
    const edCdp = await ctx.newCDPSession(ed);
    await edCdp.send('Performance.enable');
    const rendererTyping = await rendererCpu(edCdp);
    const words = ' Une phrase tapee mot a mot pour mesurer le temps de reponse du serveur pendant la saisie avec des pauses courtes entre les mots et une erreur'.split(' ').filter(Boolean);
    for (const w of words) {
      await ed.keyboard.type(' ' + w, { delay: 60 });
      await ed.waitForTimeout(350);
    }
    await ed.waitForTimeout(1000);
    const m = await ed.evaluate(() => window.__fichesMesures);
    const checks = (m.diagnostics || []).length;
    if (checks) say(`- server CPU per check and preview while typing: ${Math.round((cpuMs(srv.proc.pid) - cpuTyping) / checks)} ms (${checks} checks); ` +
      `the editor's renderer CPU per check ${Math.round(1000 * (await rendererCpu(edCdp) - rendererTyping) / checks)} ms (typing included)`);
    say('- server phases of a check (FICHES_TIMING):');
    sayPhases(srv, typingLog, ['preview-check', 'preview-check-project', 'preview-answer']);
    say(`- diagnostics shown after the last keystroke (its 25 ms pause included): ${fmt(m.diagnostics || [])} (target 100 ms)`);
    say(`- preview shown after the last keystroke: ${fmt(m.apercu || [])} (target 100 ms)`);
    say(`- server's share of a check and preview (duree_ms): ${fmt(m.serveur || [])}`);
    const [, r] = await api(srv, 'apercu', { chemin: DOC, texte: fs.readFileSync(path.join(root, 'content', DOC), 'utf8') });
    say(`- checked as: ${r.controle === 'document' ? 'one document against the kept model' : 'the whole project loaded'}`);
    await ed.close();
  } else if (withPdf) {
    // SIGTERM while the PDF pass runs (a save starts one).
    const text = fs.readFileSync(path.join(root, 'content', DOC), 'utf8');
    await save(srv, DOC, text.replace(/\n## /, '\nAvant l’arrêt.\n\n## '), '');
    await sleep(1500);
    // The PDF pass runs in a worker process the server spawns (serve.c): is one alive?
    const children = () => {
      try {
        return fs.readdirSync(`/proc/${srv.proc.pid}/task`).flatMap((t) =>
          fs.readFileSync(`/proc/${srv.proc.pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean));
      } catch (e) { return []; }
    };
    const busy = children().length > 0 || /PDF|pdf/.test(srv.log().slice(-2000));
    const t0 = performance.now();
    srv.proc.kill('SIGTERM');
    await new Promise((r) => srv.proc.exitCode !== null ? r() : srv.proc.on('exit', r));
    say(`- SIGTERM to exit, 1.5 s after a save (PDF pass ${busy ? 'running' : 'state unknown'}): ${Math.round(performance.now() - t0)} ms, status ${srv.proc.exitCode} (target 1 s)`);
  }
  await ctx.close();
  if (srv.proc.exitCode === null) {
    srv.proc.kill('SIGTERM');
    await new Promise((r) => srv.proc.exitCode !== null ? r() : srv.proc.on('exit', r));
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}

async function big(browser) {
  const gen = path.join(WORK, 'bin', 'gencorpus');
  if (!fs.existsSync(gen)) spawnSync('make', ['-C', path.join(ROOT, 'bench')], { stdio: 'inherit' });
  // Kept between runs (the saves put the fiche back as it was): generating 10 000 fiches and
  // deleting them and the site afterwards cost more than the measure, and mass deletions
  // slow every file creation on this machine's ext4 for a minute. Outside any git checkout
  // (BIG_DIR to choose where): the workshop commits each save to the repository holding
  // the project, and a corpus in bench/work once put its saves on the checkout's branch.
  const root = process.env.BIG_DIR || path.join(os.tmpdir(), `fiches-bench-serve-c${BIG}`);
  if (!fs.existsSync(path.join(root, 'content', 'site.yaml'))) {
    fs.rmSync(root, { recursive: true, force: true });
    const g = spawnSync(gen, [String(BIG), root], { encoding: 'utf8' });
    if (g.status !== 0) throw new Error('gencorpus failed: ' + g.stderr);
  }
  // Its own git repository, so that the saves' history is the corpus's alone.
  if (!fs.existsSync(path.join(root, '.git'))) {
    const gi = spawnSync('git', ['init', '-q', root], { encoding: 'utf8' });
    if (gi.status !== 0) throw new Error('git init failed: ' + gi.stderr);
  }
  say(`\n### ${BIG} fiches (bench/gencorpus, in ${root}), --no-pdf\n`);
  const srv = await startServer(root, ['--no-pdf'], 1800000);
  say(`- first build and start: ${(srv.startMs / 1000).toFixed(1)} s`);
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'block' });
  // The cookie the start URL sets (its page, the list of 10 000 documents, is not what is measured).
  await ctx.addCookies([{ name: 'fiches_atelier', value: srv.key, url: `http://127.0.0.1:${srv.port}/` }]);
  const name = fs.readdirSync(path.join(root, 'content', 'actions')).find((n) => /^0*42-/.test(n));
  const DOC = 'actions/' + name;
  const slug = fs.readFileSync(path.join(root, 'content', DOC), 'utf8').match(/^slug: (.*)$/m);
  const PAGE = 'fiches-actions/' + (slug ? slug[1] : name.replace(/^\d+-/, '').replace(/\.md$/, '')) + '.html';
  const site = await ctx.newPage();
  await site.goto(`http://127.0.0.1:${srv.port}/${PAGE}`, { timeout: 120000 });
  const cpu0 = cpuMs(srv.proc.pid);
  const logAt = srv.log().length;
  const times = await saveToReload(srv, site, DOC, path.join(root, 'content', DOC), BIG_SAVES, 3000);
  say(`- save to reload of one fiche's open page: ${fmt(times)} (target 300 ms)`);
  say(`- server CPU per save (save, history, rebuild with the data files, serving the reload): ${Math.round((cpuMs(srv.proc.pid) - cpu0) / (BIG_SAVES + 1))} ms`);
  say('- server phases of a save (FICHES_TIMING; the reload is sent at the end of pages-reload-sent):');
  sayPhases(srv, logAt, ['save-write', 'save-rename', 'save-sync-dir', 'save-history', 'watch-announced', 'watch-settle', 'pages-reload-sent', 'data-files']);
  serverRebuilds(srv);
  const [, r] = await api(srv, 'apercu', { chemin: DOC, texte: fs.readFileSync(path.join(root, 'content', DOC), 'utf8') });
  say(`- one check and preview of that fiche: ${Math.round(r.duree_ms)} ms on the server (${r.controle === 'document' ? 'one document against the kept model' : 'the whole project loaded'})`);
  await ctx.close();
  srv.proc.kill('SIGTERM');
  await new Promise((r2) => srv.proc.exitCode !== null ? r2() : srv.proc.on('exit', r2));
}

const browser = await launch(pw);
say(`## fiches serve, measured in Chromium (${new Date().toISOString().slice(0, 16)}Z, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})`);
try {
  if (process.env.TAT !== '0') {
    await tat(browser, false);
    if (PDF) await tat(browser, true);
  }
  if (BIG > 0) await big(browser);
} finally {
  await browser.close();
}
say(`\nload average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
fs.writeFileSync(path.join(WORK, 'serve.md'), report.join('\n') + '\n');
