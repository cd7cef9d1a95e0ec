#!/usr/bin/env node
// Browser test of photos and files (issue 17; docs/WIDGET.md "Photos", docs/AGENT_CONSOLE.md
// "Photos and files"), against a running `destek serve --hours open` with one agent. At
// 1366x768 and on a 390x844 touch phone, each with a shopper's widget and the agent's console
// in two browser contexts:
//  1. the shopper asks for a person and the agent claims the conversation;
//  2. the attach button (aria-label "Fotoğraf ekle") is reached with Shift+Tab from the message
//     box and opens the file chooser with Enter; a photo made on a canvas (PNG on the desktop,
//     JPEG on the phone) shows its progress while the upload is held back, then its thumbnail
//     (GET /attachments/ID with the session token: loaded, naturalWidth > 0);
//  3. the console shows it in the transcript and (desktop) in the case record, and the
//     thumbnail opens it at full size in a dialog (Esc closes it, the focus goes back);
//  4. the agent sends a PDF (an invoice) and an image from the composer's attach button: the
//     shopper sees the download link with its name and size (a click downloads the PDF, byte
//     for byte) and the image;
//  5. an upload whose answer is lost (the request reaches the server, which stores it, but the
//     page gets a 503 with the server's message on the desktop, a reset connection on the
//     phone) shows the reason and "Yeniden dene"; axe-core finds no critical or serious
//     violation with these controls shown; the retry, under the same X-Client-Id, shows the
//     photo the server stored the first time, and the store holds it once;
//  6. a file over 10 MB and a file that is not a photo are refused in the widget with their
//     messages, without an upload;
//  7. axe-core on the console with the attachments shown; the widget's controls all on the
//     screen at 390 px; a reload of the shop page shows the photos and files again, from the
//     server's history.
// Screenshots (attach-*.png) and axe results (axe-attach-*.json) go to SCREENSHOT_DIR.
//   AGENT_TOKEN=... DESTEK_DB=... node tests/browser/attach.test.js BASE_URL [SCREENSHOT_DIR]
// Driven by tests/browser/attach.sh. Exit 0 on success, 1 on any failure.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { chromium } = require('playwright-core');

const BASE = process.argv[2];
const SHOTS = process.argv[3] || fs.mkdtempSync(path.join(os.tmpdir(), 'destek-shots-'));
const TOKEN = process.env.AGENT_TOKEN || '';
const DB = process.env.DESTEK_DB || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 15000;
const TOTAL_MS = 220000;
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
if (!BASE || !TOKEN || !DB) { console.error('usage: AGENT_TOKEN=T DESTEK_DB=PATH node attach.test.js BASE_URL [SCREENSHOT_DIR]'); process.exit(2); }
fs.mkdirSync(SHOTS, { recursive: true });

const W = '#destek-widget';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n' +
  '2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const frames = { shop: [], console: [] };
const problems = [];
let step = 'start';
let browser;

function log(msg) { console.log(`[attach-test] ${msg}`); }
function fail(msg) { throw new Error(msg); }
const redact = s => String(s).split(TOKEN).join('<token>').slice(0, 400);
const killer = setTimeout(() => { finish(new Error(`timed out after ${TOTAL_MS / 1000} s`)); }, TOTAL_MS);

async function finish(err) {
  clearTimeout(killer);
  if (err) {
    console.error(`[attach-test] FAIL at step "${step}": ${err.message}`);
    if (problems.length) console.error('page errors:\n  ' + problems.join('\n  '));
    for (const k of Object.keys(frames))
      if (frames[k].length) console.error(`last WebSocket frames of the ${k} page:\n  ` + frames[k].slice(-20).join('\n  '));
  } else log(`PASS (screenshots in ${SHOTS})`);
  try { if (browser) await Promise.race([browser.close(), new Promise(r => setTimeout(r, 5000))]); } catch (e) { /* ignore */ }
  process.exit(err ? 1 : 0);
}

function watch(page, name) {
  page.on('pageerror', e => problems.push(`pageerror (${name}): ${e.message}`));
  page.on('console', m => {
    /* the lost answers of step 5 are reported by the browser; anything else is a problem */
    if (m.type() === 'error' && !/\/upload|503|ERR_CONNECTION_RESET/.test(m.text())) problems.push(`console (${name}): ${m.text()}`);
  });
  page.on('websocket', ws => {
    ws.on('framesent', f => frames[name].push(`> ${redact(f.payload)}`));
    ws.on('framereceived', f => frames[name].push(`< ${redact(f.payload)}`));
  });
}

/* what the store holds for a conversation (the server's own database, read beside it) */
function stored(conv) {
  const py = 'import sqlite3, sys\n' +
    'c = sqlite3.connect(sys.argv[1], timeout=10)\n' +
    'print(c.execute("SELECT count(*) FROM attachments WHERE conversation_id = ?", (int(sys.argv[2]),)).fetchone()[0])\n';
  return Number(execFileSync('python3', ['-c', py, DB, String(conv)]).toString().trim());
}

/* a photo drawn on a canvas in the page: {name, mimeType, buffer} for setFiles */
async function photo(page, type, name, w, h, label) {
  const b64 = await page.evaluate(([type, w, h, label]) => {
    const c = document.createElement('canvas'); c.width = w; c.height = h;
    const g = c.getContext('2d');
    g.fillStyle = '#c2410c'; g.fillRect(0, 0, w, h);
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

// axe on the whole page (the widget's open shadow root included); fails on critical or serious
async function axe(page, name) {
  await page.evaluate(AXE);
  const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = res.violations.filter(v => v.impact === 'critical' || v.impact === 'serious');
  const other = res.violations.filter(v => !bad.includes(v));
  fs.writeFileSync(path.join(SHOTS, `axe-attach-${name}.json`), JSON.stringify(res.violations, null, 1));
  log(`axe ${name}: ${bad.length} critical/serious, ${other.length} other` +
    (other.length ? ` (${other.map(v => `${v.id}/${v.impact}`).join(', ')})` : ''));
  if (bad.length)
    fail(`axe ${name}: ` + bad.map(v => `${v.impact} ${v.id}: ${v.help} — ` +
      v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')).join('; '));
}

async function run(vp) {
  const tag = vp.name;
  const opts = { locale: 'tr-TR', timezoneId: 'Europe/Istanbul', acceptDownloads: true };
  const size = vp.phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
    : { viewport: { width: 1366, height: 768 } };
  const shopCtx = await browser.newContext({ ...opts, ...size });
  const conCtx = await browser.newContext({ ...opts, ...size });
  const shop = await shopCtx.newPage();
  const con = await conCtx.newPage();
  for (const [p, n] of [[shop, 'shop'], [con, 'console']]) {
    p.setDefaultTimeout(STEP_MS); watch(p, n);
    p.on('filechooser', () => {}); /* file choosers intercepted from the start, not from the first wait */
  }
  let uploads = 0;
  shop.on('request', r => { if (r.method() === 'POST' && /\/upload$/.test(r.url())) uploads++; });

  step = `${tag}: the agent logs in, the shopper asks for a person`;
  await con.goto(BASE + '/agent.html', { waitUntil: 'load' });
  await con.locator('#login-token').fill(TOKEN);
  await con.keyboard.press('Enter');
  await con.locator('#app').waitFor({ state: 'visible' }).catch(() => fail('the console did not open after log-in'));
  await shop.goto(BASE + '/', { waitUntil: 'load' });
  await shop.evaluate(() => window.destek.open());
  await shop.locator(`${W} .st[data-s=on]`).waitFor().catch(() => fail('the widget did not get a welcome'));
  const box = shop.locator(`${W} textarea#dk-in`);
  const said = vp.phone ? 'kargom hasarlı geldi, müşteri temsilcisine bağlanmak istiyorum' : 'müşteri temsilcisine bağlanmak istiyorum, ürün kırık geldi';
  await box.fill(said);
  await box.press('Enter');
  const item = con.locator('#queue li', { hasText: said.slice(0, 24) }).last();
  await item.waitFor().catch(() => fail('the queue does not show the waiting shopper'));
  const conv = await item.getAttribute('data-conv');
  await item.locator('button.claim').click();
  await con.locator('#transcript', { hasText: said.slice(0, 24) }).waitFor().catch(() => fail('the claimed transcript is not shown'));
  await shop.locator(`${W} .log .sys`, { hasText: 'sohbete katıldı' }).waitFor().catch(() => fail('the shopper is not told the agent joined'));
  log(`${tag}: conversation ${conv} claimed`);

  step = `${tag}: the attach button, by keyboard`;
  const att = shop.locator(`${W} button.att`);
  if ((await att.getAttribute('aria-label')) !== 'Fotoğraf ekle') fail('the attach button has no Turkish aria-label "Fotoğraf ekle"');
  const accept = await shop.locator(`${W} input[type=file]`).getAttribute('accept');
  if (accept !== 'image/*') fail(`the picker accepts ${accept}, not image/* (camera or gallery on a phone)`);
  if (await shop.locator(`${W} input[type=file][capture]`).count()) fail('the picker forces the camera (capture)');
  const fs16 = await box.evaluate(e => parseFloat(getComputedStyle(e).fontSize));
  if (fs16 < 16) fail(`the message box is ${fs16} px (iOS zooms under 16 px)`);
  await box.focus();
  await shop.keyboard.press('Shift+Tab');
  const onAtt = await shop.evaluate(() => { const r = document.getElementById('destek-widget').shadowRoot; return !!r.activeElement && r.activeElement.classList.contains('att'); });
  if (!onAtt) fail('Shift+Tab from the message box does not reach the attach button');
  if (vp.phone) {
    const vw = 390, vh = 844;
    for (const sel of ['button.att', 'textarea#dk-in', 'button.send']) {
      const b = await shop.locator(`${W} ${sel}`).boundingBox();
      if (!b || b.x < 0 || b.y < 0 || b.x + b.width > vw + 0.5 || b.y + b.height > vh + 0.5)
        fail(`${sel} is not on the 390x844 screen: ${JSON.stringify(b)}`);
    }
  }

  step = `${tag}: a photo, with progress, then its thumbnail`;
  const first = vp.phone ? await photo(shop, 'image/jpeg', 'IMG_0412.jpg', 1200, 900, 'ezik kutu')
    : await photo(shop, 'image/png', 'hasar.png', 640, 480, 'kırık');
  /* held back a moment, so the progress can be seen */
  await shop.route('**/upload', async r => { await new Promise(res => setTimeout(res, 1500)); await r.continue(); });
  const [chooser] = await Promise.all([shop.waitForEvent('filechooser'), shop.keyboard.press('Enter')]);
  if (!chooser.isMultiple()) log('note: the chooser takes one file');
  await chooser.setFiles(first);
  await shop.locator(`${W} .m.u .up progress`).waitFor().catch(() => fail('no progress shown while the photo uploads'));
  await shop.locator(`${W} .m.u .up .us`, { hasText: 'Gönderiliyor' }).waitFor();
  await shop.locator(`${W} .m.u .up .fn`, { hasText: first.name }).waitFor().catch(() => fail('the upload does not name the file'));
  await shop.screenshot({ path: path.join(SHOTS, `attach-${tag}-progress.png`) });
  const thumb = shop.locator(`${W} .m.u .bub.media img`).last();
  const nw = await loaded(shop, thumb, 'the shopper\'s thumbnail');
  await shop.unroute('**/upload');
  if (!/fotoğraf/i.test(await thumb.getAttribute('alt') || '')) fail('the thumbnail has no Turkish alt text');
  if (await shop.locator(`${W} .up`).count()) fail('the finished upload still shows its progress');
  const firstId = Number(await shop.locator(`${W} .m.u .bub.media`).last().getAttribute('data-att'));
  log(`${tag}: photo ${firstId} shown (${nw} px wide)`);

  step = `${tag}: the console shows it, in the transcript and the case record`;
  const cthumb = con.locator(`#transcript .msg.shopper .bub.media[data-att="${firstId}"] img`);
  await loaded(con, cthumb, 'the console\'s thumbnail');
  if (!vp.phone) { /* the case record is a column of wide screens (hidden under 1180 px) */
    await loaded(con, con.locator('#info .att-card img').first(), 'the case record\'s thumbnail');
    await con.locator('#info .att-card h3', { hasText: 'Fotoğraflar ve dosyalar' }).waitFor();
  }
  step = `${tag}: the thumbnail opens the photo at full size`;
  const opener = con.locator(`#transcript .msg.shopper .bub.media[data-att="${firstId}"] button.thumb`);
  await opener.click();
  await con.locator('#lightbox[open]').waitFor().catch(() => fail('the full-size dialog does not open'));
  await loaded(con, con.locator('#lightbox-img'), 'the full-size photo');
  await con.screenshot({ path: path.join(SHOTS, `attach-${tag}-lightbox.png`) });
  await con.keyboard.press('Escape');
  await con.locator('#lightbox[open]').waitFor({ state: 'detached' }).catch(() => fail('Esc does not close the full-size dialog'));
  if (!await opener.evaluate(b => document.activeElement === b)) fail('the focus does not return to the thumbnail');

  step = `${tag}: the agent sends a PDF and an image`;
  const [pick] = await Promise.all([con.waitForEvent('filechooser'), con.locator('#composer-attach').click()]);
  await pick.setFiles({ name: 'fatura-1048213.pdf', mimeType: 'application/pdf', buffer: PDF });
  await con.locator('#transcript .msg.agent .bub.media a.file').last().waitFor().catch(() => fail('the console does not show the sent PDF'));
  const agentImg = await photo(con, 'image/png', 'kargo-etiketi.png', 400, 300, 'etiket');
  await con.setInputFiles('#composer-file', agentImg);
  await loaded(con, con.locator('#transcript .msg.agent .bub.media img').last(), 'the agent\'s own image in the console');
  const link = shop.locator(`${W} .m.b .bub.media a.file`).last();
  await link.waitFor().catch(() => fail('the shopper does not see the PDF link'));
  const lt = await link.innerText();
  if (!/destek-\d+\.pdf/.test(lt) || !/PDF/.test(lt) || !/\d+ (B|KB)/.test(lt)) fail(`the PDF link lacks its name or size: ${JSON.stringify(lt)}`);
  await loaded(shop, shop.locator(`${W} .m.b .bub.media img`).last(), 'the agent\'s image in the widget');
  const [dl] = await Promise.all([shop.waitForEvent('download'), link.click()]);
  const dlPath = await dl.path();
  if (!/^destek-\d+\.pdf$/.test(dl.suggestedFilename())) fail(`the download is named ${dl.suggestedFilename()}`);
  if (!fs.readFileSync(dlPath).equals(PDF)) fail('the downloaded PDF is not the one sent');
  await shop.screenshot({ path: path.join(SHOTS, `attach-${tag}-shopper.png`) });

  step = `${tag}: an upload whose answer is lost, retried`;
  const before = stored(conv);
  const second = await photo(shop, 'image/png', 'ikinci-aci.png', 500, 380, 'yan');
  let firstTry = null;
  await shop.route('**/upload', async r => {
    /* the request reaches the server (which stores it); its answer never reaches the page */
    const h = await r.request().allHeaders();
    const res = await fetch(BASE + '/upload', {
      method: 'POST', body: second.buffer,
      headers: { authorization: h.authorization, 'x-client-id': h['x-client-id'] || '' },
    });
    firstTry = { key: h['x-client-id'], status: res.status, body: await res.json() };
    if (vp.phone) await r.abort('connectionreset');
    else await r.fulfill({ status: 503, contentType: 'application/json; charset=utf-8',
      body: JSON.stringify({ error: 'unavailable', message: 'Dosyanızı şu an kaydedemedik. Lütfen birazdan yeniden gönderin.' }) });
  });
  await shop.locator(`${W} input[type=file]`).setInputFiles(second);
  const retry = shop.locator(`${W} .up button.retry`);
  await retry.waitFor().catch(() => fail('a failed upload offers no "Yeniden dene"'));
  const why = await shop.locator(`${W} .up .ue`).innerText();
  const want = vp.phone ? 'internet bağlantınızı' : 'Dosyanızı şu an kaydedemedik';
  if (!why.includes(want)) fail(`the failure says ${JSON.stringify(why)}, not the ${vp.phone ? "widget's" : "server's"} sentence`);
  if (!firstTry || firstTry.status !== 200 || !/^u-\d+-\d+$/.test(firstTry.key || '')) fail(`the upload reached the server without a key: ${JSON.stringify(firstTry)}`);
  if (stored(conv) !== before + 1) fail('the first try was not stored (the test needs it stored)');
  await shop.screenshot({ path: path.join(SHOTS, `attach-${tag}-retry.png`) });
  step = `${tag}: axe with the attach controls, a photo, a file and a retry shown`;
  await axe(shop, `${tag}-widget`);
  await shop.unroute('**/upload');
  await retry.click();
  const again = shop.locator(`${W} .m.u .bub.media[data-att="${firstTry.body.attachment.id}"] img`);
  await loaded(shop, again, 'the retried photo');
  if (stored(conv) !== before + 1) fail(`the retry stored another copy: ${stored(conv)} attachments, ${before + 1} expected`);
  log(`${tag}: the retry got attachment ${firstTry.body.attachment.id}, stored once`);
  await loaded(con, con.locator(`#transcript .bub.media[data-att="${firstTry.body.attachment.id}"] img`), 'the retried photo in the console');
  if (await con.locator(`#transcript .bub.media[data-att="${firstTry.body.attachment.id}"]`).count() !== 1) fail('the console shows the retried photo more than once');

  step = `${tag}: a file too large, a file that is not a photo`;
  const sent = uploads;
  await shop.locator(`${W} input[type=file]`).setInputFiles({ name: 'buyuk.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(10 * 1024 * 1024 + 1, 0xff) });
  await shop.locator(`${W} .log .sys`, { hasText: 'Dosya çok büyük' }).waitFor().catch(() => fail('a file over 10 MB is not refused with its message'));
  await shop.locator(`${W} input[type=file]`).setInputFiles({ name: 'not.txt', mimeType: 'text/plain', buffer: Buffer.from('merhaba') });
  await shop.locator(`${W} .log .sys`, { hasText: 'Yalnızca fotoğraf' }).waitFor().catch(() => fail('a text file is not refused with its message'));
  if (uploads !== sent) fail('a refused file was uploaded anyway');

  step = `${tag}: axe on the console with the attachments shown`;
  await con.screenshot({ path: path.join(SHOTS, `attach-${tag}-console.png`) });
  await axe(con, `${tag}-console`);
  if (vp.phone) {
    const wide = await con.evaluate(() => document.documentElement.scrollWidth);
    if (wide > 390) fail(`the console is ${wide} px wide at 390 px with attachments shown`);
  }

  step = `${tag}: a reload shows them again, from the server's history`;
  await shop.reload({ waitUntil: 'load' });
  await shop.locator(`${W} .st[data-s=on]`).waitFor().catch(() => fail('no welcome after the reload'));
  const expect = stored(conv);
  await shop.waitForFunction(n => document.getElementById('destek-widget').shadowRoot.querySelectorAll('.log .bub.media').length === n, expect)
    .catch(async () => fail(`after the reload ${await shop.locator(`${W} .log .bub.media`).count()} photos and files show, ${expect} stored`));
  await loaded(shop, shop.locator(`${W} .m.u .bub.media[data-att="${firstId}"] img`), 'the first photo after the reload');
  await shop.locator(`${W} .m.b .bub.media a.file`).waitFor().catch(() => fail('the PDF link is gone after the reload'));
  await shop.screenshot({ path: path.join(SHOTS, `attach-${tag}-reload.png`) });

  await shopCtx.close();
  await conCtx.close();
}

async function main() {
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
