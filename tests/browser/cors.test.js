#!/usr/bin/env node
// Browser test of the widget on a shop page of another origin (docs/WIDGET.md "Another
// origin", docs/PROTOCOL.md "Other origins"), against a running `destek serve --origins
// http://127.0.0.1:SHOP_PORT` on 127.0.0.1:PORT. The test serves the shop's pages itself (node
// http) on http://127.0.0.1:SHOP_PORT and http://127.0.0.1:BAD_PORT, each with a strict
// Content-Security-Policy of the shop's own, and embeds the widget from http://localhost:PORT
// (another host, so another origin: every upload and download is a CORS request with its
// preflight). At 1366x768 (the tag with data-server) and on a 390x844 touch phone (the tag
// alone: the server derived from the script's address):
//  1. on the listed shop the shopper connects, attaches a photo and sees its thumbnail; the
//     upload and the download went to http://localhost:PORT and their answers allow the shop's
//     origin itself (Access-Control-Allow-Origin, never *); the store holds the photo; a
//     reload shows it again from the history;
//  2. on the shop that is not listed, a new shopper's chat cannot connect (the WebSocket checks
//     the same list), and a photo attached waits ("Bağlantı bekleniyor…") without an upload;
//  3. on that shop, a shopper whose conversation began while it was listed (their session
//     token in its localStorage) attaches a photo: the preflight is refused, so the upload
//     fails with the widget's message ("Fotoğraf gönderilemedi; internet bağlantınızı kontrol
//     edip yeniden deneyin.") and "Yeniden dene", which fails the same way; nothing is stored;
//     the server's log names the origin and --origins.
// Screenshots (cors-*.png) go to SCREENSHOT_DIR.
//   DESTEK_DB=... DESTEK_LOG=... node tests/browser/cors.test.js PORT SHOP_PORT BAD_PORT [SCREENSHOT_DIR]
// Driven by tests/browser/cors.sh. Exit 0 on success, 1 on any failure.
'use strict';
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { chromium } = require('playwright-core');

const [PORT, SHOP_PORT, BAD_PORT] = process.argv.slice(2, 5).map(Number);
const SHOTS = process.argv[5] || fs.mkdtempSync(path.join(os.tmpdir(), 'destek-shots-'));
const DB = process.env.DESTEK_DB || '';
const LOG = process.env.DESTEK_LOG || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 15000;
const TOTAL_MS = 200000;
if (!PORT || !SHOP_PORT || !BAD_PORT || !DB || !LOG) {
  console.error('usage: DESTEK_DB=PATH DESTEK_LOG=PATH node cors.test.js PORT SHOP_PORT BAD_PORT [SCREENSHOT_DIR]');
  process.exit(2);
}
fs.mkdirSync(SHOTS, { recursive: true });

const CHAT = `http://localhost:${PORT}`;     /* the chat server, as the shop embeds it */
const WS = `ws://localhost:${PORT}/ws/chat`;
const SHOP = `http://127.0.0.1:${SHOP_PORT}`; /* listed in --origins */
const BAD = `http://127.0.0.1:${BAD_PORT}`;   /* not listed */
const W = '#destek-widget';
const NETWORK = 'Fotoğraf gönderilemedi; internet bağlantınızı kontrol edip yeniden deneyin.';
const problems = [];
const frames = [];
let step = 'start';
let browser;
let shops = [];

function log(msg) { console.log(`[cors-test] ${msg}`); }
function fail(msg) { throw new Error(msg); }
const killer = setTimeout(() => { finish(new Error(`timed out after ${TOTAL_MS / 1000} s`)); }, TOTAL_MS);

async function finish(err) {
  clearTimeout(killer);
  if (err) {
    console.error(`[cors-test] FAIL at step "${step}": ${err.message}`);
    if (problems.length) console.error('page errors:\n  ' + problems.join('\n  '));
    if (frames.length) console.error('last WebSocket frames:\n  ' + frames.slice(-20).join('\n  '));
  } else log(`PASS (screenshots in ${SHOTS})`);
  try { if (browser) await Promise.race([browser.close(), new Promise(r => setTimeout(r, 5000))]); } catch (e) { /* ignore */ }
  for (const s of shops) s.close();
  process.exit(err ? 1 : 0);
}

/* The shop's own page, with the CSP a careful shop sends: the chat server's script, its
   WebSocket and its HTTP address, and data: images (the widget shows photos as data: URLs). */
function shopPage(withServer) {
  const tag = withServer ? `<script src="${CHAT}/widget.js" data-server="${WS}" data-color="#1d4ed8" defer></script>`
    : `<script src="${CHAT}/widget.js" defer></script>`;
  return '<!doctype html>\n<html lang="tr"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>Örnek Mağaza</title></head><body>' +
    '<header><h1>Örnek Mağaza</h1></header><main><p>Kış koleksiyonu geldi.</p></main>' +
    tag + '</body></html>\n';
}
const CSP = `default-src 'self'; script-src 'self' ${CHAT}; connect-src 'self' ${CHAT} ${WS.replace('/ws/chat', '')}; ` +
  `img-src 'self' data:; style-src 'self'; base-uri 'none'; frame-ancestors 'none'`;

function serveShop(port) {
  const s = http.createServer((req, res) => {
    const p = req.url.split('?')[0];
    if (p === '/favicon.ico') { res.writeHead(204); res.end(); return; }
    if (p !== '/' && p !== '/derived.html') { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found\n'); return; }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP, 'cache-control': 'no-store' });
    res.end(shopPage(p === '/'));
  });
  return new Promise((resolve, reject) => { s.on('error', reject); s.listen(port, '127.0.0.1', () => resolve(s)); });
}

/* the attachments the store holds (the server's own database, read beside it) */
function stored() {
  const py = 'import sqlite3, sys\nc = sqlite3.connect(sys.argv[1], timeout=10)\n' +
    'print(c.execute("SELECT count(*) FROM attachments").fetchone()[0])\n';
  return Number(execFileSync('python3', ['-c', py, DB]).toString().trim());
}

/* a photo drawn on a canvas in the page: {name, mimeType, buffer} for setInputFiles */
async function photo(page, type, name, w, h, label) {
  const b64 = await page.evaluate(([type, w, h, label]) => {
    const c = document.createElement('canvas'); c.width = w; c.height = h;
    const g = c.getContext('2d');
    g.fillStyle = '#1d4ed8'; g.fillRect(0, 0, w, h);
    g.fillStyle = '#fde68a'; g.fillRect(w / 8, h / 6, w / 2, h / 2);
    g.fillStyle = '#111'; g.font = Math.round(h / 8) + 'px sans-serif'; g.fillText(label, w / 10, h - h / 8);
    return c.toDataURL(type, 0.9).split(',')[1];
  }, [type, w, h, label]);
  return { name, mimeType: type, buffer: Buffer.from(b64, 'base64') };
}

async function loaded(page, locator, what) {
  await locator.waitFor().catch(() => fail(`${what}: not shown`));
  const h = await locator.elementHandle();
  await page.waitForFunction(i => i.complete && i.naturalWidth > 0, h, { timeout: STEP_MS })
    .catch(() => fail(`${what}: the image does not load (naturalWidth 0)`));
  return h.evaluate(i => i.naturalWidth);
}

/* A page of its own context; refused: the browser's reports of the refusals are expected. */
async function open(vp, url, refused, init) {
  const size = vp.phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
    : { viewport: { width: 1366, height: 768 } };
  const ctx = await browser.newContext({ locale: 'tr-TR', timezoneId: 'Europe/Istanbul', ...size });
  if (init) await ctx.addInitScript(init.fn, init.arg);
  const page = await ctx.newPage();
  page.setDefaultTimeout(STEP_MS);
  const name = `${vp.name} ${new URL(url).port}`;
  page.on('pageerror', e => problems.push(`pageerror (${name}): ${e.message}`));
  page.on('console', m => {
    if (m.type() !== 'error') return;
    /* a refused page: the WebSocket refused and the preflight blocked, as the browser says */
    if (refused && /WebSocket|CORS|ERR_FAILED|Failed to load resource|access control/i.test(m.text())) return;
    problems.push(`console (${name}): ${m.text()}`);
  });
  page.on('websocket', ws => {
    ws.on('framesent', f => frames.push(`${name} > ${String(f.payload).slice(0, 200)}`));
    ws.on('framereceived', f => frames.push(`${name} < ${String(f.payload).slice(0, 200)}`));
  });
  const calls = [];
  page.on('request', r => { if (/\/(upload|attachments\/)/.test(r.url())) calls.push({ method: r.method(), url: r.url(), res: null }); });
  page.on('response', async r => {
    const e = calls.find(x => x.url === r.url() && x.method === r.request().method() && !x.res);
    if (e) e.res = { status: r.status(), headers: await r.allHeaders() };
  });
  await page.goto(url, { waitUntil: 'load' });
  return { ctx, page, calls };
}

async function run(vp) {
  const tag = vp.name;
  const url = base => base + (vp.phone ? '/derived.html' : '/');

  step = `${tag}: the listed shop, a photo sent and shown`;
  const ok = await open(vp, url(SHOP), false);
  const page = ok.page;
  if (await page.evaluate(() => location.origin) !== SHOP) fail('the shop page is not on its own origin');
  await page.waitForFunction(() => window.destek && typeof window.destek.open === 'function');
  await page.evaluate(() => window.destek.open());
  await page.locator(`${W} .st[data-s=on]`).waitFor().catch(() => fail('the widget on the listed shop did not get a welcome'));
  const before = stored();
  const first = vp.phone ? await photo(page, 'image/jpeg', 'IMG_2207.jpg', 1200, 900, 'ezik')
    : await photo(page, 'image/png', 'yirtik.png', 640, 480, 'yırtık');
  await page.locator(`${W} input[type=file]`).setInputFiles(first);
  const thumb = page.locator(`${W} .m.u .bub.media img`).last();
  const nw = await loaded(page, thumb, 'the thumbnail on the listed shop');
  const id = Number(await page.locator(`${W} .m.u .bub.media`).last().getAttribute('data-att'));
  if (stored() !== before + 1) fail(`the store holds ${stored()} attachments, ${before + 1} expected`);
  const up = ok.calls.find(x => x.method === 'POST');
  const down = ok.calls.find(x => x.method === 'GET' && x.url.endsWith(`/attachments/${id}`));
  for (const [what, x, want] of [['the upload', up, `${CHAT}/upload`], ['the download', down, `${CHAT}/attachments/${id}`]]) {
    if (!x || x.url !== want) fail(`${what} went to ${x && x.url}, not ${want}`);
    if (!x.res || x.res.status !== 200) fail(`${what}: ${JSON.stringify(x.res)}`);
    const h = x.res.headers;
    if (h['access-control-allow-origin'] !== SHOP) fail(`${what} allows ${h['access-control-allow-origin']}, not the shop's origin ${SHOP}`);
    if (!/\bOrigin\b/.test(h.vary || '')) fail(`${what} has no Vary: Origin`);
    if ('access-control-allow-credentials' in h) fail(`${what} allows credentials`);
  }
  log(`${tag}: photo ${id} sent from ${SHOP} to ${CHAT} and shown (${nw} px wide)`);
  await page.screenshot({ path: path.join(SHOTS, `cors-${tag}-listed.png`) });
  const NS = await page.evaluate(() => Object.keys(localStorage).find(k => /:session$/.test(k)));
  const token = NS && await page.evaluate(k => localStorage.getItem(k), NS);
  if (!NS || NS !== `destek:${WS}:session` || !token) fail(`no session token kept under destek:${WS}:session: ${NS}`);

  step = `${tag}: the listed shop after a reload`;
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => window.destek && typeof window.destek.open === 'function');
  await page.evaluate(() => window.destek.open());
  await page.locator(`${W} .st[data-s=on]`).waitFor().catch(() => fail('no welcome after the reload'));
  await loaded(page, page.locator(`${W} .m.u .bub.media[data-att="${id}"] img`), 'the photo from the history');
  await ok.ctx.close();

  step = `${tag}: the shop not listed, a new shopper`;
  const fresh = await open(vp, url(BAD), true);
  await fresh.page.waitForFunction(() => window.destek && typeof window.destek.open === 'function');
  await fresh.page.evaluate(() => window.destek.open());
  await fresh.page.locator(`${W} textarea#dk-in`).waitFor();
  await fresh.page.waitForTimeout(1500);
  if (await fresh.page.locator(`${W} .st[data-s=on]`).count()) fail('the widget connected from an origin not in --origins');
  await fresh.page.locator(`${W} input[type=file]`).setInputFiles(await photo(fresh.page, 'image/png', 'yok.png', 320, 240, 'yok'));
  await fresh.page.locator(`${W} .up .us`, { hasText: 'Bağlantı bekleniyor' }).waitFor()
    .catch(() => fail('the photo of a shopper who cannot connect does not wait for the connection'));
  await fresh.page.waitForTimeout(1000);
  if (fresh.calls.length) fail(`a shopper with no conversation uploaded: ${JSON.stringify(fresh.calls.map(x => x.url))}`);
  await fresh.page.screenshot({ path: path.join(SHOTS, `cors-${tag}-unlisted-new.png`) });
  await fresh.ctx.close();

  step = `${tag}: the shop not listed, a shopper with a conversation`;
  const logBefore = fs.readFileSync(LOG, 'utf8').length;
  const held = await open(vp, url(BAD), true, {
    fn: ([origin, k, v]) => { if (location.origin === origin) localStorage.setItem(k, v); },
    arg: [BAD, NS, token],
  });
  const p = held.page;
  await p.waitForFunction(() => window.destek && typeof window.destek.open === 'function');
  await p.evaluate(() => window.destek.open());
  await p.locator(`${W} textarea#dk-in`).waitFor();
  const count = stored();
  await p.locator(`${W} input[type=file]`).setInputFiles(await photo(p, 'image/png', 'red.png', 320, 240, 'red'));
  const why = p.locator(`${W} .up .ue`);
  await why.waitFor().catch(() => fail('the refused upload shows no reason'));
  if ((await why.innerText()).trim() !== NETWORK) fail(`the refused upload says ${JSON.stringify(await why.innerText())}, not the widget's ${JSON.stringify(NETWORK)}`);
  const retry = p.locator(`${W} .up button.retry`);
  await retry.waitFor().catch(() => fail('the refused upload offers no "Yeniden dene"'));
  await p.screenshot({ path: path.join(SHOTS, `cors-${tag}-unlisted-refused.png`) });
  await retry.click();
  await p.locator(`${W} .up .ue`, { hasText: 'internet bağlantınızı' }).waitFor()
    .catch(() => fail('the retry from an origin not listed does not fail the same way'));
  const posts = held.calls.filter(x => x.method === 'POST');
  if (posts.length !== 2 || posts.some(x => x.url !== `${CHAT}/upload` || x.res)) fail(`the uploads were not stopped by the browser: ${JSON.stringify(posts)}`);
  if (stored() !== count) fail('an upload from an origin not listed was stored');
  if (await p.locator(`${W} .st[data-s=on]`).count()) fail('the chat connected from an origin not in --origins');
  const said = fs.readFileSync(LOG, 'utf8').slice(logBefore);
  if (!said.includes(`a page on ${BAD} may not use /upload`) || !said.includes('--origins'))
    fail(`the server's log does not name the refused origin: ${JSON.stringify(said.slice(-400))}`);
  log(`${tag}: ${BAD} refused at the preflight, the widget says so, nothing stored`);
  await held.ctx.close();
}

async function main() {
  step = 'serve the shops';
  shops = [await serveShop(SHOP_PORT), await serveShop(BAD_PORT)];
  step = 'launch chromium';
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, timeout: 30000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  await run({ name: 'desktop', phone: false });
  await run({ name: 'phone', phone: true });
  if (problems.length) fail('errors in the pages:\n  ' + problems.join('\n  '));
}

main().then(() => finish(null), finish);
