#!/usr/bin/env node
// Browser test of a long conversation in the widget (issue 13, H3): the server
// sends the newest page of the transcript on resume; the widget offers
// "Önceki mesajları göster", and the older page comes in above, in order.
//   node tests/browser/history.test.js BASE_URL [SCREENSHOT_DIR]
// The conversation is written first over a plain WebSocket from the page (26
// messages, paced under the rate limit), then the widget resumes it.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const BASE = process.argv[2];
const SHOTS = process.argv[3] || fs.mkdtempSync(path.join(os.tmpdir(), 'destek-shots-'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
if (!BASE) { console.error('usage: node history.test.js BASE_URL [SCREENSHOT_DIR]'); process.exit(2); }
fs.mkdirSync(SHOTS, { recursive: true });
const NS = 'destek:' + BASE.replace(/^http/, 'ws').replace(/\/+$/, '') + '/ws/chat:';
const N = 26; // 52 entries: more than one page of 50

let browser;
const killer = setTimeout(() => done(new Error('timed out')), 120000);
async function done(err) {
  clearTimeout(killer);
  console.log(err ? `[history-test] FAIL: ${err.message}` : '[history-test] PASS');
  try { if (browser) await browser.close(); } catch (e) { /* ignore */ }
  process.exit(err ? 1 : 0);
}
function fail(msg) { throw new Error(msg); }

async function main() {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'tr-TR' })).newPage();
  page.setDefaultTimeout(15000);
  await page.goto(BASE + '/', { waitUntil: 'load' });
  // a long conversation, written without the widget
  const token = await page.evaluate(([url, n]) => new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let token = null, sent = 0, replies = 0;
    const next = () => { ws.send(JSON.stringify({ type: 'message', id: 'old-' + sent, text: 'eski mesaj ' + sent + ' kargo ücreti ne kadar' })); sent++; };
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello' }));
    ws.onmessage = ev => {
      const m = JSON.parse(ev.data);
      if (m.type === 'welcome') { token = m.session; next(); }
      else if (m.type === 'reply') { replies++; if (sent < n) setTimeout(next, 560); else { ws.close(); resolve(token); } }
      else if (m.type === 'error') reject(new Error(JSON.stringify(m)));
    };
    ws.onerror = () => reject(new Error('websocket error'));
  }), [BASE.replace(/^http/, 'ws') + '/ws/chat', N]);
  if (!token) fail('no token');
  await page.evaluate(([k, t]) => localStorage.setItem(k, JSON.stringify(t)), [NS + 'session', token]);
  await page.reload({ waitUntil: 'load' });
  const W = '#destek-widget';
  await page.locator(`${W} .launch`).click();
  const older = page.locator(`${W} .log .older`);
  await older.waitFor().catch(() => fail('a long conversation shows no "Önceki mesajları göster"'));
  const texts = () => page.evaluate(() => Array.from(document.querySelector('#destek-widget').shadowRoot
    .querySelectorAll('.log .m.u .bub')).map(b => b.textContent));
  const before = await texts();
  if (before.includes('eski mesaj 0 kargo ücreti ne kadar')) fail('the first message was already shown');
  if (before[before.length - 1] !== `eski mesaj ${N - 1} kargo ücreti ne kadar`) fail(`the newest page ends with ${before[before.length - 1]}`);
  await page.screenshot({ path: path.join(SHOTS, 'history-page1.png') });
  await older.click();
  await page.waitForFunction(() => Array.from(document.querySelector('#destek-widget').shadowRoot
    .querySelectorAll('.log .m.u .bub')).some(b => b.textContent === 'eski mesaj 0 kargo ücreti ne kadar'))
    .catch(() => fail('the older page did not come'));
  const after = await texts();
  const want = Array.from({ length: N }, (_, i) => `eski mesaj ${i} kargo ücreti ne kadar`);
  if (JSON.stringify(after) !== JSON.stringify(want)) fail(`after paging the messages are ${JSON.stringify(after).slice(0, 300)}`);
  if (await older.count()) fail('the button stays although nothing older remains');
  await page.screenshot({ path: path.join(SHOTS, 'history-page2.png') });
  const keys = await page.evaluate(() => Object.keys(localStorage).filter(k => k.startsWith('destek:')));
  if (keys.length !== 1) fail(`localStorage holds ${keys.join(', ')}`);
}

main().then(() => done(), done);
