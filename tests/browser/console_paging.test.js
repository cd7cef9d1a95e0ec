#!/usr/bin/env node
// Browser test of a long transcript in the agent console: the server's `claimed`
// carries only the newest page (50 entries), the console offers "Önceki mesajlar"
// at the top of the transcript, and the older page comes in above, in order, with
// the agent's scroll position kept; and a queue frame whose `total` is more than
// its items says so ("İlk N gösteriliyor, toplam M bekleyen"); an entry too long
// for a page reads "(Bu mesaj burada gösterilemeyecek kadar uzun.)".
//   AGENT_TOKEN=... node tests/browser/console_paging.test.js BASE_URL [SCREENSHOT_DIR]
// Driven by tests/browser/handoff.sh (after handoff.test.js, with the second
// agent's token, against the same `destek serve --hours open`). Exit 0 on
// success, 1 on any failure.
//
// The conversation is written without the widget, over a plain WebSocket from a
// page of the demo shop: hello, N messages "mesaj K · kargo ücreti ne kadar",
// each answered by the bot (2N entries), paced under the per-conversation rate
// limit (20 messages in 10 s), then a request for a person, which queues it.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const BASE = process.argv[2];
const SHOTS = process.argv[3] || fs.mkdtempSync(path.join(os.tmpdir(), 'destek-shots-'));
const TOKEN = process.env.AGENT_TOKEN || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 15000;     // one step (a reply, a render)
const TOTAL_MS = 120000;   // the whole test
const N = 30;              // shopper messages before the hand-off: 60+ entries, more than one page of 50
const PACE_MS = 560;       // between a reply and the next message: under 20 messages per 10 s
const ASK = 'temsilciye bağlanmak istiyorum';
const say = k => `mesaj ${k} · kargo ücreti ne kadar`;
if (!BASE || !TOKEN) { console.error('usage: AGENT_TOKEN=TOKEN node console_paging.test.js BASE_URL [SCREENSHOT_DIR]'); process.exit(2); }
fs.mkdirSync(SHOTS, { recursive: true });

const frames = [];     // the console's last WebSocket frames (shortened), printed on failure
const whole = [];      // the same frames whole, for the checks
const problems = [];   // page errors
let step = 'start';
let browser;

function log(msg) { console.log(`[paging-test] ${msg}`); }
function fail(msg) { throw new Error(msg); }
function redact(s) { return String(s).split(TOKEN).join('<token>').slice(0, 300); }

const killer = setTimeout(() => { finish(new Error(`timed out after ${TOTAL_MS / 1000} s`)); }, TOTAL_MS);

async function finish(err) {
  clearTimeout(killer);
  if (err) {
    console.error(`[paging-test] FAIL at step "${step}": ${err.message}`);
    if (problems.length) console.error('page errors:\n  ' + problems.join('\n  '));
    if (frames.length) console.error('last WebSocket frames of the console:\n  ' + frames.slice(-15).join('\n  '));
  } else {
    log(`PASS (screenshots in ${SHOTS})`);
  }
  try { if (browser) await Promise.race([browser.close(), new Promise(r => setTimeout(r, 5000))]); } catch (e) { /* ignore */ }
  process.exit(err ? 1 : 0);
}

async function main() {
  step = 'launch chromium';
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const opts = { locale: 'tr-TR', timezoneId: 'Europe/Istanbul' };

  step = 'a shopper writes a long conversation and asks for a person';
  const shopCtx = await browser.newContext({ ...opts, viewport: { width: 1280, height: 800 } });
  shopCtx.setDefaultTimeout(STEP_MS);
  const shop = await shopCtx.newPage();
  shop.on('pageerror', e => problems.push(`pageerror (shop): ${e.message}`));
  await shop.goto(BASE + '/', { waitUntil: 'load' });
  const t0 = Date.now();
  // the socket stays open (window.pagingShopper): the shopper is online when the agent claims
  const queued = await shop.evaluate(([url, n, pace, ask]) => new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    window.pagingShopper = ws;
    let sent = 0;
    const next = () => {
      sent++;
      const text = sent <= n ? `mesaj ${sent} · kargo ücreti ne kadar` : ask;
      ws.send(JSON.stringify({ type: 'message', id: 'pg-' + sent, text }));
    };
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello' }));
    ws.onmessage = ev => {
      const m = JSON.parse(ev.data);
      if (m.type === 'welcome') next();
      else if (m.type === 'reply' && sent <= n) setTimeout(next, pace);
      else if (m.type === 'reply' && m.handoff) resolve(String(m.handoff));
      else if (m.type === 'handoff' && m.state === 'queued') resolve('queued');
      else if (m.type === 'reply') reject(new Error(`the request for a person was answered without a hand-off: ${m.text}`));
      else if (m.type === 'error') reject(new Error(JSON.stringify(m)));
    };
    ws.onerror = () => reject(new Error('websocket error'));
    setTimeout(() => reject(new Error(`only ${sent} messages answered`)), 60000);
  }), [BASE.replace(/^http/, 'ws') + '/ws/chat', N, PACE_MS, ASK]);
  log(`shopper: ${N} messages and the hand-off (${queued}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  step = 'agent console: log in';
  const agentCtx = await browser.newContext({ ...opts, viewport: { width: 1440, height: 900 } });
  agentCtx.setDefaultTimeout(STEP_MS);
  // the console's socket goes through the test, so a queue frame can be added as if from the server
  let toConsole = null;
  await agentCtx.routeWebSocket(/\/ws\/agent$/, ws => {
    const server = ws.connectToServer();
    toConsole = ws;
    ws.onMessage(m => server.send(m));
    server.onMessage(m => ws.send(m));
    ws.onClose(() => server.close());
    server.onClose(() => ws.close());
  });
  const con = await agentCtx.newPage();
  con.on('pageerror', e => problems.push(`pageerror (console): ${e.message}`));
  con.on('console', m => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  con.on('websocket', ws => {
    frames.push(`open ${ws.url()}`);
    ws.on('framesent', f => { frames.push(`> ${redact(f.payload)}`); whole.push(`> ${f.payload}`); });
    ws.on('framereceived', f => { frames.push(`< ${redact(f.payload)}`); whole.push(`< ${f.payload}`); });
  });
  await con.goto(BASE + '/agent.html', { waitUntil: 'load' });
  await con.locator('#login-token').fill(TOKEN);
  await con.keyboard.press('Enter');
  await con.locator('#app').waitFor({ state: 'visible' }).catch(() => fail('the console did not open after log-in'));

  step = 'agent claims the long conversation';
  const qItem = con.locator('#queue li', { hasText: ASK }).last();
  await qItem.waitFor().catch(() => fail(`the queue does not show the conversation "${ASK}"`));
  const convId = await qItem.getAttribute('data-conv');
  if (!(await con.locator('#queue-more').isHidden())) fail('the queue says more wait than it shows, with a short queue');
  await qItem.locator('button.claim').click();
  await con.locator('#conv').waitFor({ state: 'visible' }).catch(() => fail('claiming did not open the conversation'));
  const shopperTexts = () => con.locator('#transcript .msg.shopper .bub').allTextContents();
  await con.locator('#transcript .msg.shopper .bub', { hasText: ASK }).waitFor()
    .catch(() => fail('the transcript does not show the request for a person'));
  const before = await shopperTexts();
  const claimedFrame = whole.find(f => f.startsWith('< {"type":"claimed"'));
  if (claimedFrame && !/"history_more":true/.test(claimedFrame)) fail('the server says nothing older remains; the conversation is too short for the test');
  if (before.includes(say(1))) fail(`the first message "${say(1)}" is shown before asking for older ones: is "claimed" paged?`);
  if (before[before.length - 1] !== ASK) fail(`the newest page ends with "${before[before.length - 1]}"`);
  log(`#${convId}: the newest page shows ${before.length} shopper messages, from "${before[0]}"`);

  step = '"Önceki mesajlar" at the top of the transcript';
  const older = con.locator('#transcript button.older');
  await older.waitFor({ state: 'visible' }).catch(() => fail('a paged transcript shows no "Önceki mesajlar" button'));
  if ((await older.textContent()).trim() !== 'Önceki mesajlar') fail(`the button reads "${(await older.textContent()).trim()}"`);
  const firstChild = await con.evaluate(() => {
    const t = document.getElementById('transcript');
    const b = t.querySelector('button.older');
    const top = [...t.children].find(e => !e.classList.contains('day'));
    return !!(b && top && top.contains(b));
  });
  if (!firstChild) fail('"Önceki mesajlar" is not at the top of the transcript');

  step = 'phone size: the newest page with the button';
  await con.setViewportSize({ width: 390, height: 844 });
  await con.locator('#transcript').evaluate(t => { t.scrollTop = 0; });
  await older.scrollIntoViewIfNeeded();
  await con.screenshot({ path: path.join(SHOTS, 'console-paging-phone-before.png') });

  step = 'the older page comes in above; the scroll position stays';
  const anchorText = before[0];
  const anchor = con.locator('#transcript .msg.shopper .bub', { hasText: anchorText }).first();
  const topOf = () => anchor.evaluate(b => b.getBoundingClientRect().top - document.getElementById('transcript').getBoundingClientRect().top);
  const anchorBefore = await topOf();
  await older.click();
  await con.locator('#transcript .msg.shopper .bub', { hasText: say(1) }).first().waitFor()
    .catch(() => fail(`after "Önceki mesajlar" the first message "${say(1)}" is not shown`));
  const after = await shopperTexts();
  const want = Array.from({ length: N }, (_, i) => say(i + 1)).concat([ASK]);
  if (JSON.stringify(after) !== JSON.stringify(want)) {
    fail(`the shopper messages are not each shown once and in order: ${JSON.stringify(after).slice(0, 400)}`);
  }
  if (await older.count()) fail('"Önceki mesajlar" stays although nothing older remains');
  const anchorAfter = await topOf();
  if (Math.abs(anchorAfter - anchorBefore) > 2) {
    fail(`the transcript jumped: "${anchorText}" moved from ${anchorBefore.toFixed(0)} to ${anchorAfter.toFixed(0)} px`);
  }
  const historyFrame = whole.find(f => f.startsWith(`> {"type":"history"`));
  if (!historyFrame || !/"before":\d+/.test(historyFrame)) fail(`the console asked for the older page with ${historyFrame}`);
  log(`older page: ${after.length} shopper messages in order; "${anchorText}" stayed at ${anchorAfter.toFixed(0)} px`);

  step = 'phone size: the whole transcript';
  await con.locator('#transcript').evaluate(t => { t.scrollTop = 0; });
  await con.locator('#transcript .msg.shopper').first().scrollIntoViewIfNeeded();
  await con.screenshot({ path: path.join(SHOTS, 'console-paging-phone.png') });
  await con.setViewportSize({ width: 1440, height: 900 });

  step = 'a queue frame with total beyond its items';
  if (!whole.some(f => /^< \{"type":"queue".*"total":\d+/.test(f))) fail('the server\'s queue frames carry no "total"');
  if (!toConsole) fail('the console\'s WebSocket was not routed through the test');
  const fake = [1, 2, 3].map(i => ({
    conversation: String(900000 + i), priority: i === 1 ? 'urgent' : 'normal', waiting_s: 60 * i,
    intent: 'kargo_ucreti', reason: 'istek', preview: `sahte kuyruk ${i}`, offline: false,
  }));
  toConsole.send(JSON.stringify({ type: 'queue', items: fake, total: 1234 }));
  await con.locator('#queue-more', { hasText: 'İlk 3 gösteriliyor, toplam 1.234 bekleyen' }).waitFor({ state: 'visible' })
    .catch(() => fail('a queue of 1234 with 3 shown does not say "İlk 3 gösteriliyor, toplam 1.234 bekleyen"'));
  const count = (await con.locator('#queue-count').textContent()).trim();
  if (count !== '1.234') fail(`the queue counter shows "${count}", not the total "1.234"`);
  if ((await con.locator('#queue li').count()) !== 3) fail('the queue does not list the 3 items of the frame');
  if (!(await con.locator('#queue-count').evaluate(e => e.classList.contains('hot')))) fail('the counter is not red with an urgent item');
  await con.screenshot({ path: path.join(SHOTS, 'console-queue-total.png') });
  toConsole.send(JSON.stringify({ type: 'queue', items: [], total: 0 }));
  await con.locator('#queue-more').waitFor({ state: 'hidden' }).catch(() => fail('"toplam" stays after an empty queue frame'));
  if ((await con.locator('#queue-count').textContent()).trim() !== '0') fail('the counter does not go back to 0');
  await con.locator('#queue-empty').waitFor({ state: 'visible' }).catch(() => fail('an empty queue does not say so'));
  log('queue: "İlk 3 gösteriliyor, toplam 1.234 bekleyen", counter 1.234; back to 0');

  step = 'the agent closes the conversation';
  await con.locator('#btn-close').click();
  await con.locator('#confirm-ok').click();
  await con.locator('#conv-ended', { hasText: /kapatıldı/ }).waitFor({ state: 'visible' })
    .catch(() => fail('the console does not show the conversation as closed'));
  await shop.evaluate(() => window.pagingShopper.close());

  step = 'an entry too long for a page';
  // the server sends "too_long" with an empty text only for an entry over 32 KB, which
  // no shopper can write (2,000 characters at most): a conversation added as if from the server
  toConsole.send(JSON.stringify({ type: 'claimed', conversation: '900100', history_more: false, context: {},
    history: [{ n: 7, role: 'shopper', text: '', too_long: true, at: new Date().toISOString() },
      { n: 8, role: 'bot', text: 'Kısa bir yanıt.', intent: 'kargo_ucreti', confidence: 0.9, at: new Date().toISOString() }] }));
  await con.locator('#convs [data-conv="900100"]').click().catch(() => fail('the added conversation has no tab'));
  const tl = (await con.locator('#transcript .msg.shopper .bub').first().textContent().catch(() => '')).trim();
  if (tl !== '(Bu mesaj burada gösterilemeyecek kadar uzun.)') fail(`an entry with "too_long" reads "${tl}"`);
  if (await con.locator('#transcript button.older').count()) fail('"Önceki mesajlar" shows with history_more false');
  log('too_long: "(Bu mesaj burada gösterilemeyecek kadar uzun.)"');

  step = 'no errors on the pages';
  if (problems.length) fail('errors on the pages');
}

main().then(() => finish(), finish);
