// The 404 page at any depth (issue 18, item 2), in Debian's chromium:
//  a. without base_url, served at the server's root and under a sub-path, for a
//     missing URL two directories deep: styled, and each of its links reaches a
//     real page;
//  b. with base_url, its links and stylesheet are absolute;
//  c. offline, after a first visit, the service worker answers an unknown URL
//     with the 404 page (status 404), styled, instead of « Hors ligne ».
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { check, finish, needBrowser } from '../lib/suite.mjs';
import { FICHES, ROOT, launch } from './helpers.mjs';

const pw = await needBrowser({ program: false });

// A static server that serves dir under prefix ('/' or '/tat/') and the site's
// 404.html, with status 404, for anything missing, as a web server configured
// with an error document does.
function serveUnder(prefix) {
  const state = { dir: null };
  const server = http.createServer((req, res) => {
    let rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = null;
    if (rel.startsWith(prefix)) {
      rel = rel.slice(prefix.length);
      if (rel === '' || rel.endsWith('/')) rel += 'index.html';
      const f = path.resolve(state.dir, rel);
      if (f.startsWith(state.dir + path.sep) && fs.existsSync(f) && fs.statSync(f).isFile()) file = f;
    }
    const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
      '.svg': 'image/svg+xml', '.png': 'image/png', '.webmanifest': 'application/manifest+json' };
    if (file) {
      res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
      res.end(fs.readFileSync(file));
    } else {
      res.writeHead(404, { 'Content-Type': types['.html'] });
      res.end(fs.readFileSync(path.join(state.dir, '404.html')));
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    state.base = `http://127.0.0.1:${server.address().port}${prefix}`;
    state.close = () => new Promise((r) => server.close(r));
    resolve(state);
  }));
}

// Builds the TAT content (site.yaml's base_url replaced by baseUrl when given).
function build(baseUrl) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fiches-404-'));
  fs.cpSync(path.join(ROOT, 'content'), path.join(tmp, 'content'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'templates'), path.join(tmp, 'templates'), { recursive: true });
  if (baseUrl) {
    const f = path.join(tmp, 'content', 'site.yaml');
    const yaml = fs.readFileSync(f, 'utf8').replace(/^#? *base_url:.*$/m, '');
    fs.writeFileSync(f, `base_url: ${baseUrl}\n${yaml}`);
  }
  const r = spawnSync(FICHES, ['build', '--no-pdf', '-q', '-C', tmp],
    { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', LANGUAGE: '' } });
  if (r.status !== 0) throw new Error(`fiches build failed: ${r.stderr}`);
  return { tmp, out: fs.realpathSync(path.join(tmp, 'public')) };
}

const browser = await launch(pw);
const missing = 'fiches-actions/archives/ancienne-fiche.html';

// Opens url; returns the status, whether the site's stylesheet applies, and the links.
async function look(ctx, url) {
  const page = await ctx.newPage();
  const resp = await page.goto(url);
  const info = await page.evaluate(() => ({
    title: document.querySelector('h1') && document.querySelector('h1').textContent,
    // The site's stylesheet makes the header a block with the accent colour.
    styled: [...document.styleSheets].some((s) => s.href && /assets\/style\.css$/.test(s.href) && s.cssRules.length > 10),
    links: [...document.querySelectorAll('main a, nav a')].map((a) => a.href),
  }));
  await page.close();
  return { status: resp ? resp.status() : 0, ...info };
}

async function linksWork(ctx, links, base) {
  const broken = [];
  for (const href of links) {
    if (!href.startsWith(base)) { broken.push(href + ' (outside the site)'); continue; }
    const r = await ctx.request.get(href);
    if (r.status() !== 200) broken.push(`${href} (${r.status()})`);
  }
  return broken;
}

try {
  const site = build(null);
  for (const prefix of ['/', '/tat/']) {
    const srv = await serveUnder(prefix);
    srv.dir = site.out;
    const ctx = await browser.newContext({ serviceWorkers: 'block' });
    const r = await look(ctx, srv.base + missing);
    check(`a. ${prefix}: a missing URL two levels deep answers 404 with the 404 page`,
      r.status === 404 && /introuvable/i.test(r.title || ''), `${r.status} ${r.title}`);
    check(`a. ${prefix}: the 404 page is styled`, r.styled);
    const broken = await linksWork(ctx, r.links, srv.base);
    check(`a. ${prefix}: every link of the 404 page reaches a page of the site (${r.links.length})`,
      r.links.length >= 8 && broken.length === 0, broken.slice(0, 4).join(', '));
    check(`a. ${prefix}: « Retour à l’accueil » leads to the home page`,
      r.links.includes(srv.base + 'index.html') || r.links.includes(srv.base), r.links.slice(0, 3).join(' '));
    await ctx.close();
    await srv.close();
  }
  fs.rmSync(site.tmp, { recursive: true, force: true });

  const srv = await serveUnder('/tat/');
  const abs = build(srv.base);
  srv.dir = abs.out;
  const nf = fs.readFileSync(path.join(abs.out, '404.html'), 'utf8');
  check('b. with base_url, the 404 page links absolutely',
    nf.includes(`href="${srv.base}assets/style.css"`) && nf.includes(`href="${srv.base}fiches-actions/index.html"`) &&
    !nf.includes('<base'), nf.slice(0, 300));
  const ctx = await browser.newContext({ serviceWorkers: 'block' });
  const r = await look(ctx, srv.base + missing);
  check('b. with base_url, styled at depth 2', r.status === 404 && r.styled);
  const broken = await linksWork(ctx, r.links, srv.base);
  check('b. with base_url, every link works', broken.length === 0, broken.slice(0, 4).join(', '));
  await ctx.close();

  // c. Offline: the service worker precaches every page of a small site.
  const octx = await browser.newContext({ serviceWorkers: 'allow' });
  const page = await octx.newPage();
  await page.goto(srv.base + 'index.html');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => new Promise((done) => {
    if (navigator.serviceWorker.controller) return done();
    navigator.serviceWorker.addEventListener('controllerchange', done);
  })));
  await octx.setOffline(true);
  const resp = await page.goto(srv.base + missing);
  const off = await page.evaluate(() => ({
    h1: document.querySelector('h1') && document.querySelector('h1').textContent,
  }));
  check('c. offline, an unknown URL gets the 404 page from the service worker',
    resp && resp.status() === 404 && /introuvable/i.test(off.h1 || ''), `${resp && resp.status()} ${off.h1}`);
  await octx.close();
  await srv.close();
  fs.rmSync(abs.tmp, { recursive: true, force: true });
} catch (e) {
  check('404 scenarios', false, (e && e.stack || String(e)).split('\n').slice(0, 3).join(' | '));
}
await browser.close();
finish();
