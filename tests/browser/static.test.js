#!/usr/bin/env node
// Weight, caching and accessibility of the widget on the demo shop page, against a
// running `destek serve`.
//   node tests/browser/static.test.js BASE_URL [SCREENSHOT_DIR]
// Drives Debian's chromium through playwright-core, and axe-core. Exit 0 on success.
//
// 1. Over HTTP: the loader (/widget.js) is under 8 KB compressed (gzip and br), and the
//    page, the loader and the rest of the widget are answered 304 to their ETags.
// 2. A first visit: the loader alone is fetched; nothing is stored in the browser (no
//    localStorage or sessionStorage key, no cookie) and no time-zone formatter is made
//    while the shopper does nothing; the rest of the widget is fetched on the first
//    open, once, under its versioned name (cached for a year, immutable).
// 3. A second page view takes the rest of the widget from the browser's cache.
// 4. axe-core on the demo page with the widget open, in a conversation: no critical or
//    serious violation at 1366x768 and on a 390x844 touch phone. Screenshots of each.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { chromium } = require('playwright-core');

const BASE = process.argv[2];
const SHOTS = process.argv[3] || fs.mkdtempSync(path.join(os.tmpdir(), 'destek-shots-'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 15000;
const TOTAL_MS = 150000;
const LOADER_MAX = 8192;   // bytes on the wire, compressed (issue 17)
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
if (!BASE) { console.error('usage: node static.test.js BASE_URL [SCREENSHOT_DIR]'); process.exit(2); }
fs.mkdirSync(SHOTS, { recursive: true });

const problems = [];
let step = 'start';
let browser;

function log(msg) { console.log(`[static-test] ${msg}`); }
function fail(msg) { throw new Error(msg); }

const killer = setTimeout(() => { finish(new Error(`timed out after ${TOTAL_MS / 1000} s`)); }, TOTAL_MS);

async function finish(err) {
  clearTimeout(killer);
  if (err) {
    console.error(`[static-test] FAIL at step "${step}": ${err.message}`);
    if (problems.length) console.error('page errors:\n  ' + problems.join('\n  '));
  } else {
    log(`PASS (screenshots in ${SHOTS})`);
  }
  try { if (browser) await Promise.race([browser.close(), new Promise(r => setTimeout(r, 5000))]); } catch (e) { /* ignore */ }
  process.exit(err ? 1 : 0);
}

// GET path with headers; the body's bytes as sent (not decompressed).
function get(p, headers) {
  return new Promise((resolve, reject) => {
    http.get(BASE + p, { headers: headers || {} }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

async function overHttp() {
  step = 'HTTP: the loader is small';
  const sizes = {};
  for (const enc of ['identity', 'gzip', 'br']) {
    const r = await get('/widget.js', { 'Accept-Encoding': enc });
    if (r.status !== 200) fail(`/widget.js (${enc}) answered ${r.status}`);
    const got = r.headers['content-encoding'] || 'identity';
    if (got !== enc) fail(`/widget.js asked for ${enc} came ${got}`);
    sizes[enc] = r.body.length;
  }
  log(`loader /widget.js: ${sizes.identity} B, gzip ${sizes.gzip} B, br ${sizes.br} B`);
  if (sizes.gzip > LOADER_MAX || sizes.br > LOADER_MAX) fail(`the loader is over ${LOADER_MAX} B compressed: ${JSON.stringify(sizes)}`);
  const loader = (await get('/widget.js')).body.toString();
  const m = /widget-app\.[0-9a-f]{12}\.js/.exec(loader);
  if (!m) fail('the loader does not name the rest of the widget by a versioned name');
  const app = '/' + m[0];
  const appSizes = {};
  for (const enc of ['identity', 'gzip', 'br']) appSizes[enc] = (await get(app, { 'Accept-Encoding': enc })).body.length;
  log(`the rest ${app}: ${appSizes.identity} B, gzip ${appSizes.gzip} B, br ${appSizes.br} B`);

  step = 'HTTP: 304 to the ETag';
  for (const p of ['/', '/widget.js', app]) {
    const r = await get(p, { 'Accept-Encoding': 'gzip, br' });
    const etag = r.headers.etag;
    if (!etag || !/^"[0-9a-f]+(-gz|-br)?"$/.test(etag)) fail(`${p}: no strong ETag (${etag})`);
    const r2 = await get(p, { 'Accept-Encoding': 'gzip, br', 'If-None-Match': etag });
    if (r2.status !== 304 || r2.body.length) fail(`${p}: If-None-Match ${etag} answered ${r2.status} with ${r2.body.length} B`);
    if (r2.headers.etag !== etag) fail(`${p}: the 304 carries ETag ${r2.headers.etag}`);
  }
  return { app, sizes, appSizes };
}

async function openContext(opts) {
  const ctx = await browser.newContext(Object.assign({ locale: 'tr-TR', timezoneId: 'Europe/Istanbul' }, opts));
  ctx.setDefaultTimeout(STEP_MS);
  // count the time-zone formatters the page makes
  await ctx.addInitScript(() => {
    const DTF = Intl.DateTimeFormat;
    window.__tzFormatters = 0;
    Intl.DateTimeFormat = function (loc, o) {
      if (o && o.timeZone) window.__tzFormatters++;
      return new DTF(loc, o);
    };
    Intl.DateTimeFormat.prototype = DTF.prototype;
    Intl.DateTimeFormat.supportedLocalesOf = DTF.supportedLocalesOf;
  });
  const page = await ctx.newPage();
  page.on('pageerror', e => problems.push(`pageerror: ${e.message}`));
  page.on('console', msg => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  const requests = [];
  page.on('request', r => requests.push(r.url()));
  return { ctx, page, requests };
}

const W = '#destek-widget';

async function stored(page) {
  return page.evaluate(() => ({ local: Object.keys(localStorage), tab: Object.keys(sessionStorage), cookie: document.cookie }));
}

// axe on the whole page (the widget's open shadow root included); fails on critical or serious
async function axe(page, name) {
  await page.evaluate(AXE);
  const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = res.violations.filter(v => v.impact === 'critical' || v.impact === 'serious');
  const other = res.violations.filter(v => !bad.includes(v));
  fs.writeFileSync(path.join(SHOTS, `axe-${name}.json`), JSON.stringify(res.violations, null, 1));
  log(`axe ${name}: ${bad.length} critical/serious, ${other.length} other` +
    (other.length ? ` (${other.map(v => `${v.id}/${v.impact}`).join(', ')})` : ''));
  if (bad.length) {
    fail(`axe ${name}: ` + bad.map(v => `${v.impact} ${v.id}: ${v.help} — ` +
      v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')).join('; '));
  }
}

// open the widget, one question and its answer
async function converse(page) {
  await page.locator(`${W} textarea`).fill('kargo ücreti ne kadar');
  await page.keyboard.press('Enter');
  await page.locator(`${W} .log .m.b:not(.intro) .bub`).first().waitFor()
    .catch(() => fail('no answer to the question'));
  await page.waitForTimeout(300);
}

async function main() {
  const http1 = await overHttp();

  step = 'launch chromium';
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, timeout: 30000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

  /* ---------- a first visit on a desktop ---------- */
  const desk = await openContext({ viewport: { width: 1366, height: 768 } });
  const page = desk.page;
  step = 'first visit: the page and the loader';
  const resp = await page.goto(BASE + '/', { waitUntil: 'load' });
  if (!resp || !resp.ok()) fail(`GET / answered ${resp && resp.status()}`);
  await page.locator(`${W} .launch`).waitFor({ state: 'visible' });
  await page.waitForTimeout(1500); // past the loader's idle callback
  const wire = await page.evaluate(() => {
    const e = performance.getEntriesByType('resource').find(x => /\/widget\.js$/.test(x.name));
    return e ? { transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize } : null;
  });
  if (!wire) fail('no resource timing for /widget.js');
  log(`the browser fetched /widget.js: ${wire.encoded} B encoded (${wire.decoded} B decoded, ${wire.transfer} B with headers)`);
  if (wire.encoded > LOADER_MAX) fail(`the browser got the loader as ${wire.encoded} B`);
  const early = desk.requests.filter(u => /widget-app/.test(u));
  if (early.length) fail(`the rest of the widget was fetched before any interaction: ${early.join(', ')}`);
  const s0 = await stored(page);
  if (s0.local.length || s0.tab.length || s0.cookie) fail(`stored before any interaction: ${JSON.stringify(s0)}`);
  const tz0 = await page.evaluate(() => window.__tzFormatters);
  if (tz0) fail(`${tz0} time-zone formatters made while the widget was never opened`);
  if (await page.locator(`${W} .panel`).count()) fail('the panel is drawn before the first open');
  await page.screenshot({ path: path.join(SHOTS, 'static-desk-closed.png') });

  step = 'first open: the rest of the widget, once, versioned';
  const appResp = page.waitForResponse(r => /widget-app\.[0-9a-f]{12}\.js$/.test(r.url()));
  await page.locator(`${W} .launch`).click();
  const ar = await appResp;
  const cc = (await ar.allHeaders())['cache-control'] || '';
  if (!/immutable/.test(cc) || !/max-age=31536000/.test(cc)) fail(`the rest of the widget is cached as "${cc}"`);
  await page.locator(`${W} .panel`).waitFor({ state: 'visible' });
  await page.locator(`${W} .st[data-s=on]`).waitFor().catch(() => fail('no welcome after opening'));
  const fetched = desk.requests.filter(u => /widget-app/.test(u));
  if (fetched.length !== 1) fail(`the rest of the widget was fetched ${fetched.length} times`);
  log(`opened: ${fetched[0].replace(BASE, '')} fetched once (${cc})`);

  step = 'desktop: axe with the widget open';
  await converse(page);
  await page.screenshot({ path: path.join(SHOTS, 'static-desk-open.png') });
  await axe(page, 'desk-1366x768');

  step = 'second page view: the rest of the widget from the cache';
  desk.requests.length = 0;
  await page.reload({ waitUntil: 'load' });
  await page.locator(`${W} .panel`).waitFor({ state: 'visible' }); // it was open: reopened
  const again = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter(x => /widget-app/.test(x.name)).map(x => x.transferSize));
  if (!again.length) fail('the reopened widget did not load its rest');
  if (again.some(t => t > 0)) fail(`the rest of the widget came over the network again (${again.join(', ')} B)`);
  log('reload: the rest of the widget came from the browser cache');

  /* ---------- a phone ---------- */
  const phone = await openContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  step = 'phone: open and converse';
  await phone.page.goto(BASE + '/', { waitUntil: 'load' });
  await phone.page.locator(`${W} .launch`).tap();
  await phone.page.locator(`${W} .panel`).waitFor({ state: 'visible' });
  await phone.page.locator(`${W} .st[data-s=on]`).waitFor().catch(() => fail('no welcome on the phone'));
  await converse(phone.page);
  await phone.page.screenshot({ path: path.join(SHOTS, 'static-phone-open.png') });
  step = 'phone: axe with the widget open';
  await axe(phone.page, 'phone-390x844');

  if (problems.length) fail(`page errors: ${problems.join('; ')}`);
  log(`sizes: loader ${http1.sizes.br} B br / ${http1.sizes.gzip} B gzip / ${http1.sizes.identity} B; ` +
    `the rest ${http1.appSizes.br} B br / ${http1.appSizes.gzip} B gzip / ${http1.appSizes.identity} B`);
}

main().then(() => finish(), err => finish(err));
