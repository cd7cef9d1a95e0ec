#!/usr/bin/env node
// Browser test of the widget and the agent console on a phone (390x844, touch),
// against a running `destek serve --hours open`:
//   - the widget on the demo page as served, then on a page that overflows on purpose
//     (an element 1200 px wide): the launcher, and the open panel's header, close button,
//     input and "Gönder", lie inside the visual viewport; the input is 16 px or more
//     (no iOS zoom); with a smaller viewport (the keyboard) the input stays visible; the
//     open panel is modal (Tab wraps inside it, Esc closes, the focus goes back to the launcher);
//   - the console after log-in, with the queue and then a claimed conversation, has no
//     horizontal overflow at 390 px.
//   AGENT_TOKEN=... node tests/browser/phone.test.js BASE_URL [SCREENSHOT_DIR]
// Driven by tests/browser/run.sh. Exit 0 on success, 1 on any failure.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const BASE = process.argv[2];
const SHOTS = process.argv[3] || fs.mkdtempSync(path.join(os.tmpdir(), 'destek-shots-'));
const TOKEN = process.env.AGENT_TOKEN || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 15000;
const TOTAL_MS = 150000;
if (!BASE || !TOKEN) { console.error('usage: AGENT_TOKEN=TOKEN node phone.test.js BASE_URL [SCREENSHOT_DIR]'); process.exit(2); }
fs.mkdirSync(SHOTS, { recursive: true });

const problems = [];
let step = 'start';
let browser;
function log(msg) { console.log(`[phone-test] ${msg}`); }
function fail(msg) { throw new Error(msg); }

const killer = setTimeout(() => { finish(new Error(`timed out after ${TOTAL_MS / 1000} s`)); }, TOTAL_MS);
async function finish(err) {
  clearTimeout(killer);
  if (err) {
    console.error(`[phone-test] FAIL at step "${step}": ${err.message.split(TOKEN).join('<token>')}`);
    if (problems.length) console.error('page errors:\n  ' + problems.join('\n  '));
  } else {
    log(`PASS (screenshots in ${SHOTS})`);
  }
  try { if (browser) await Promise.race([browser.close(), new Promise(r => setTimeout(r, 5000))]); } catch (e) { /* ignore */ }
  process.exit(err ? 1 : 0);
}

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
  locale: 'tr-TR', timezoneId: 'Europe/Istanbul' };

// A shop page whose own layout overflows (an element 1200 px wide, a tall page), with
// hostile broad rules; served on the server's origin so the widget may connect.
const OVERFLOW_HTML = `<!doctype html><html lang="tr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Taşan sayfa</title>
<style>
  body { margin: 0; font: 12px serif; }
  div { line-height: 3; }
  .wide { width: 1200px; height: 60px; background: repeating-linear-gradient(90deg, #fde68a 0 100px, #fca5a5 100px 200px); }
  .tall { height: 2400px; background: linear-gradient(#e0f2fe, #fef3c7); }
</style></head><body>
<div class="wide">Bu şerit 1200 px genişliğinde: sayfa yatayda taşar.</div>
<div class="tall">Uzun içerik</div>
<script src="/widget.js" defer></script>
</body></html>`;

/* ---------- widget checks, in the page (the widget lives in an open shadow root) ---------- */
// Each selector's box against the visual viewport (both in layout-viewport coordinates).
function boxes(sels) {
  const root = document.querySelector('#destek-widget').shadowRoot;
  const vv = window.visualViewport;
  const v = vv ? { l: vv.offsetLeft, t: vv.offsetTop, w: vv.width, h: vv.height }
    : { l: 0, t: 0, w: innerWidth, h: innerHeight };
  const out = { vv: v, els: {} };
  for (const s of sels) {
    const el = root.querySelector(s);
    if (!el) { out.els[s] = null; continue; }
    const r = el.getBoundingClientRect();
    out.els[s] = { l: r.left, t: r.top, r: r.right, b: r.bottom, w: r.width, h: r.height };
  }
  return out;
}
async function insideVV(page, sels, what) {
  const res = await page.evaluate(boxes, sels);
  const { vv } = res;
  const bad = [];
  for (const s of sels) {
    const b = res.els[s];
    if (!b) { bad.push(`${s} missing`); continue; }
    if (b.w < 1 || b.h < 1) { bad.push(`${s} not shown`); continue; }
    const e = 0.5;
    if (b.l < vv.l - e || b.t < vv.t - e || b.r > vv.l + vv.w + e || b.b > vv.t + vv.h + e) {
      bad.push(`${s} at x ${b.l.toFixed(0)}–${b.r.toFixed(0)}, y ${b.t.toFixed(0)}–${b.b.toFixed(0)}`);
    }
  }
  if (bad.length) {
    fail(`${what}: not inside the visual viewport (x ${vv.l.toFixed(0)}–${(vv.l + vv.w).toFixed(0)}, ` +
      `y ${vv.t.toFixed(0)}–${(vv.t + vv.h).toFixed(0)}): ${bad.join('; ')}`);
  }
  return res;
}
// the panel's tabbable elements, in order, as the page sees them
function tabbables() {
  const root = document.querySelector('#destek-widget').shadowRoot;
  const panel = root.querySelector('.panel');
  const all = panel.querySelectorAll('button, textarea, input, select, a[href], [tabindex]');
  return [...all].filter(el => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length &&
    getComputedStyle(el).visibility !== 'hidden').map(el => el.className || el.id || el.tagName);
}
function focused() {
  const root = document.querySelector('#destek-widget').shadowRoot;
  const a = root.activeElement;
  return a ? (a.className || a.id || a.tagName) : (document.activeElement === document.body ? 'body' : String(document.activeElement && document.activeElement.tagName));
}

async function widgetOnPhone(page, name) {
  const W = '#destek-widget';
  const launcher = page.locator(`${W} .launch`);
  const panel = page.locator(`${W} .panel`);
  const input = page.locator(`${W} textarea#dk-in`);
  await launcher.waitFor({ state: 'attached' });
  await page.waitForTimeout(300);  // layout settles (the visual viewport events)

  step = `${name}: the launcher is on the screen`;
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  const r0 = await insideVV(page, ['.launch'], `${name}: the launcher`);
  log(`${name}: page scrollWidth ${sw}, visual viewport ${r0.vv.w}x${r0.vv.h}, launcher at ${r0.els['.launch'].l.toFixed(0)},${r0.els['.launch'].t.toFixed(0)}`);
  await page.screenshot({ path: path.join(SHOTS, `phone-${name}-closed.png`) });

  step = `${name}: open the panel`;
  await launcher.tap();
  await panel.waitFor({ state: 'visible' });
  await page.waitForTimeout(200);
  await insideVV(page, ['.head', '.x', 'textarea#dk-in', '.send'], `${name}: the open panel`);
  const r1 = await page.evaluate(boxes, ['.panel']);
  const p = r1.els['.panel'];
  if (p.w > r1.vv.w + 0.5 || p.h > r1.vv.h + 0.5) fail(`${name}: the panel is ${p.w}x${p.h}, bigger than the screen ${r1.vv.w}x${r1.vv.h}`);
  if (p.w < r1.vv.w - 1 || p.h < r1.vv.h - 1) fail(`${name}: on a phone the panel is ${p.w}x${p.h}, not the full screen ${r1.vv.w}x${r1.vv.h}`);
  const fs1 = await input.evaluate(el => parseFloat(getComputedStyle(el).fontSize));
  if (!(fs1 >= 16)) fail(`${name}: the message box's font-size is ${fs1}px (under 16 px iOS zooms in)`);
  await page.screenshot({ path: path.join(SHOTS, `phone-${name}-open.png`) });

  step = `${name}: the open panel is modal (Tab stays inside)`;
  await input.fill('merhaba');  // "Gönder" is enabled only with text
  const list = await page.evaluate(tabbables);
  if (list.length < 3) fail(`${name}: the panel has too few tabbable elements: ${list.join(', ')}`);
  const first = list[0], last = list[list.length - 1];
  await page.locator(`${W} .send`).focus();
  if ((await page.evaluate(focused)) !== last) fail(`${name}: "Gönder" (${await page.evaluate(focused)}) is not the panel's last tabbable element (${last})`);
  await page.keyboard.press('Tab');
  let now = await page.evaluate(focused);
  if (now !== first) fail(`${name}: Tab from the last element (${last}) went to "${now}", not to the panel's first (${first})`);
  if (!/\bx\b/.test(first)) fail(`${name}: the panel's first tabbable element is "${first}", not the close button`);
  await page.keyboard.press('Shift+Tab');
  now = await page.evaluate(focused);
  if (now !== last) fail(`${name}: Shift+Tab from the first element went to "${now}", not to the last (${last})`);
  log(`${name}: Tab cycles inside the panel (${list.join(' → ')})`);

  step = `${name}: the keyboard does not cover the input`;
  await input.focus();
  await page.setViewportSize({ width: 390, height: 508 });  // a 336 px keyboard (the viewport shrinks)
  await page.waitForTimeout(300);
  await insideVV(page, ['.head', '.x', 'textarea#dk-in', '.send'], `${name}: the panel with the keyboard up`);
  await page.screenshot({ path: path.join(SHOTS, `phone-${name}-keyboard.png`) });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  await insideVV(page, ['.head', 'textarea#dk-in', '.send'], `${name}: the panel after the keyboard`);

  step = `${name}: Esc closes, the focus goes back to the launcher`;
  await input.fill('');
  await input.focus();
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'hidden' }).catch(() => fail(`${name}: Esc did not close the panel`));
  now = await page.evaluate(focused);
  if (!/\blaunch\b/.test(now)) fail(`${name}: after Esc the focus is on "${now}", not on the launcher`);
  await insideVV(page, ['.launch'], `${name}: the launcher after closing`);
  log(`${name}: Esc closed the panel, focus on the launcher`);
}

async function main() {
  step = 'launch chromium';
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, timeout: 30000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

  /* ---------- the widget on the demo page as served ---------- */
  const ctx = await browser.newContext(PHONE);
  ctx.setDefaultTimeout(STEP_MS);
  const page = await ctx.newPage();
  page.on('pageerror', e => problems.push(`pageerror (shop): ${e.message}`));
  step = 'open the demo page';
  const resp = await page.goto(BASE + '/', { waitUntil: 'load' });
  if (!resp || !resp.ok()) fail(`GET / answered ${resp && resp.status()}`);
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  if (sw > 390) fail(`the demo page itself is ${sw} px wide at 390 px (horizontal overflow)`);
  await widgetOnPhone(page, 'shop');

  /* ---------- the widget on a page that overflows on purpose ---------- */
  const ctx2 = await browser.newContext(PHONE);
  ctx2.setDefaultTimeout(STEP_MS);
  await ctx2.route(BASE + '/overflow-test.html', r => r.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: OVERFLOW_HTML }));
  const page2 = await ctx2.newPage();
  page2.on('pageerror', e => problems.push(`pageerror (overflow): ${e.message}`));
  step = 'open the overflowing page';
  await page2.goto(BASE + '/overflow-test.html', { waitUntil: 'load' });
  const sw2 = await page2.evaluate(() => document.documentElement.scrollWidth);
  if (sw2 < 1200) fail(`the test page does not overflow (scrollWidth ${sw2})`);
  await widgetOnPhone(page2, 'overflow');
  step = 'overflowing page, scrolled: the launcher follows the screen';
  await page2.evaluate(() => window.scrollTo(300, 900));
  await page2.waitForTimeout(300);
  await insideVV(page2, ['.launch'], 'overflow: the launcher after scrolling');
  await page2.screenshot({ path: path.join(SHOTS, 'phone-overflow-scrolled.png') });
  await ctx2.close();

  /* ---------- the agent console at 390 px ---------- */
  step = 'a shopper asks for a person';
  const shopCtx = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'tr-TR', timezoneId: 'Europe/Istanbul' });
  shopCtx.setDefaultTimeout(STEP_MS);
  const shop = await shopCtx.newPage();
  await shop.goto(BASE + '/', { waitUntil: 'load' });
  await shop.evaluate(() => window.destek.open());
  await shop.locator('#destek-widget .st[data-s=on]').waitFor();
  const ASK = 'müşteri temsilcisine bağlanmak istiyorum lütfen';
  await shop.locator('#destek-widget textarea#dk-in').fill(ASK);
  await shop.locator('#destek-widget textarea#dk-in').press('Enter');
  await shop.waitForFunction(() => /temsilci(ye|sine) aktarıyorum|sırasındaki yeriniz/i
    .test(document.querySelector('#destek-widget').shadowRoot.querySelector('.log').textContent), null, { timeout: STEP_MS })
    .catch(() => fail('the shopper was not put in the queue'));

  step = 'console at 390 px: log in';
  const conCtx = await browser.newContext(PHONE);
  conCtx.setDefaultTimeout(STEP_MS);
  const con = await conCtx.newPage();
  con.on('pageerror', e => problems.push(`pageerror (console): ${e.message}`));
  await con.goto(BASE + '/agent.html', { waitUntil: 'load' });
  await con.locator('#login-token').fill(TOKEN);
  await con.keyboard.press('Enter');
  await con.locator('#app').waitFor({ state: 'visible' }).catch(() => fail('the console did not open after log-in'));
  await con.locator('#conn[data-s=on]').waitFor();
  const qItem = con.locator('#queue li', { hasText: 'müşteri temsilcisine' }).last();
  await qItem.waitFor().catch(() => fail('the queue does not show the waiting conversation'));
  await con.waitForTimeout(200);
  async function noOverflow(what, sels) {
    const m = await con.evaluate(sels => {
      const out = { sw: document.documentElement.scrollWidth, bw: document.body.scrollWidth, bad: [] };
      for (const s of sels) {
        for (const el of document.querySelectorAll(s)) {
          if (!el.getClientRects().length) continue;
          const r = el.getBoundingClientRect();
          if (r.left < -0.5 || r.right > 390.5) out.bad.push(`${s} at x ${r.left.toFixed(0)}–${r.right.toFixed(0)}`);
        }
      }
      return out;
    }, sels);
    if (m.sw > 390 || m.bw > 390) fail(`${what}: the console is ${Math.max(m.sw, m.bw)} px wide at 390 px (horizontal overflow)`);
    if (m.bad.length) fail(`${what}: cut off at the right edge: ${m.bad.join('; ')}`);
    log(`${what}: scrollWidth ${m.sw}`);
  }
  await noOverflow('console with the queue', ['.topbar', '#logout', '#queue li', 'button.claim']);
  await con.screenshot({ path: path.join(SHOTS, 'phone-console-queue.png') });

  step = 'console at 390 px: a claimed conversation';
  await qItem.locator('button.claim').click();
  await con.locator('#conv').waitFor({ state: 'visible' }).catch(() => fail('claiming did not open the conversation'));
  await con.locator('#convs .tab').first().waitFor();
  await con.waitForTimeout(300);
  await noOverflow('console with a claimed conversation',
    ['.topbar', '#btn-release', '#btn-close', '#composer-send', '#mode-hint', '#composer-input', '#convs .tab', '#transcript .msg']);
  const fsC = await con.locator('#composer-input').evaluate(el => parseFloat(getComputedStyle(el).fontSize));
  if (!(fsC >= 16)) fail(`the console's reply box is ${fsC}px on a phone (under 16 px iOS zooms in)`);
  await con.screenshot({ path: path.join(SHOTS, 'phone-console-conversation.png') });
  await con.screenshot({ path: path.join(SHOTS, 'phone-console-conversation-full.png'), fullPage: true });

  step = 'console: close the conversation (tidy up)';
  await con.locator('#btn-close').click();
  await con.locator('#confirm').waitFor({ state: 'visible' });
  await con.locator('#confirm-ok').click();
  await con.locator('#confirm').waitFor({ state: 'hidden' });
}

main().then(() => finish(), e => finish(e));
