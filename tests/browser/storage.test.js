#!/usr/bin/env node
// Browser test of what the chat widget keeps in the browser (KVKK: no message text
// on the device), against a running `destek serve`.
//   node tests/browser/storage.test.js BASE_URL [SCREENSHOT_DIR]
// Drives Debian's chromium through playwright-core. Exit 0 on success, 1 on any failure.
//
// 1. An old widget's transcript copy ('log') and unsent messages ('pending') in
//    localStorage are removed on load (the unsent message is still sent).
// 2. A conversation with a card-like number and a sentence with a unique marker word:
//    no localStorage or sessionStorage key or value (nor a cookie) holds either.
// 3. A reload shows the earlier messages again, from the server's `welcome` history
//    (the card number as the server stored it: masked), with the last answer's quick
//    replies, and the conversation goes on in the same session.
// 4. destek.reset() removes every key of the widget; the old conversation is not
//    shown again, not even after a reload.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const BASE = process.argv[2];
const SHOTS = process.argv[3] || fs.mkdtempSync(path.join(os.tmpdir(), 'destek-shots-'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 15000;     // one step (a reply, a render)
const TOTAL_MS = 120000;   // the whole test
if (!BASE) { console.error('usage: node storage.test.js BASE_URL [SCREENSHOT_DIR]'); process.exit(2); }
fs.mkdirSync(SHOTS, { recursive: true });

// The widget's key prefix on the demo page (no data-key, no data-server): its server URL.
const NS = 'destek:' + BASE.replace(/^http/, 'ws').replace(/\/+$/, '') + '/ws/chat:';
// A word that appears nowhere else: letters only, so no token or id can contain it by chance.
const MARKER = 'kvkk' + Array.from({ length: 10 }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 26)]).join('');
const CARD = '4111 1111 1111 1111';
const CARD_DIGITS = CARD.replace(/\D/g, '');
const LEGACY_LOG = 'eskikayit' + MARKER;          // in an old widget's transcript copy
const LEGACY_PENDING = 'iade sürem ne kadar';     // an old widget's unsent message

const frames = [];           // the last WebSocket frames, printed on failure
const welcomes = [];         // every welcome frame received, parsed
const problems = [];         // page errors
let step = 'start';
let browser;

function log(msg) { console.log(`[storage-test] ${msg}`); }
function fail(msg) { throw new Error(msg); }

const killer = setTimeout(() => { finish(new Error(`timed out after ${TOTAL_MS / 1000} s`)); }, TOTAL_MS);

async function finish(err) {
  clearTimeout(killer);
  if (err) {
    console.error(`[storage-test] FAIL at step "${step}": ${err.message}`);
    if (problems.length) console.error('page errors:\n  ' + problems.join('\n  '));
    if (frames.length) console.error('last WebSocket frames:\n  ' + frames.slice(-30).join('\n  '));
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
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 }, locale: 'tr-TR', timezoneId: 'Europe/Istanbul',
  });
  context.setDefaultTimeout(STEP_MS);
  const page = await context.newPage();
  page.on('pageerror', e => problems.push(`pageerror: ${e.message}`));
  page.on('console', m => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('websocket', ws => {
    frames.push(`open ${ws.url()}`);
    ws.on('framesent', f => frames.push(`> ${String(f.payload).slice(0, 300)}`));
    ws.on('framereceived', f => {
      frames.push(`< ${String(f.payload).slice(0, 300)}`);
      try { const m = JSON.parse(String(f.payload)); if (m.type === 'welcome') welcomes.push(m); } catch (e) { /* not JSON */ }
    });
    ws.on('close', () => frames.push('closed'));
  });

  const W = '#destek-widget';
  const launcher = page.locator(`${W} .launch`);
  const panel = page.locator(`${W} .panel`);
  const input = page.locator(`${W} textarea`);
  const botMsgs = page.locator(`${W} .log .m.b:not(.intro) .bub`);
  const userMsgs = page.locator(`${W} .log .m.u`);
  const online = () => page.locator(`${W} .st[data-s=on]`).waitFor({ timeout: STEP_MS })
    .catch(() => fail('the widget did not get a welcome (status never "Çevrimiçi")'));

  // Every key and value of both storages (and the cookies) of the page.
  const storage = () => page.evaluate(() => {
    const dump = s => Object.keys(s).map(k => ({ key: k, value: String(s.getItem(k)) }));
    return { local: dump(localStorage), tab: dump(sessionStorage), cookie: document.cookie };
  });
  function assertClean(st, what) {
    const all = [...st.local.map(e => ['localStorage', e]), ...st.tab.map(e => ['sessionStorage', e]),
      ['document.cookie', { key: '', value: st.cookie }]];
    for (const [where, { key, value }] of all) {
      const s = key + '\n' + value;
      if (s.toLowerCase().includes(MARKER)) fail(`${what}: ${where} "${key}" holds the marker word: ${value.slice(0, 200)}`);
      if (s.includes(CARD) || s.replace(/\D/g, '').includes(CARD_DIGITS) || /4111[\s-]*1111/.test(s))
        fail(`${what}: ${where} "${key}" holds the card number: ${value.slice(0, 200)}`);
    }
    const widgetLocal = st.local.filter(e => e.key.startsWith('destek:')).map(e => e.key);
    const extra = widgetLocal.filter(k => k !== NS + 'session');
    if (extra.length) fail(`${what}: localStorage holds more than the session token: ${extra.join(', ')}`);
  }
  const shownUser = () => page.evaluate(() => Array.from(document.querySelector('#destek-widget').shadowRoot
    .querySelectorAll('.log .m.u .bub')).map(b => b.textContent));

  // Sends text by typing + Enter; waits for the ack and for a new bot reply; returns its text.
  async function say(text) {
    const before = await botMsgs.count();
    const usersBefore = await userMsgs.count();
    await input.focus();
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
    await page.waitForFunction(([n, t]) => {
      const els = document.querySelector('#destek-widget').shadowRoot.querySelectorAll('.log .m.u');
      return els.length > n && els[els.length - 1].querySelector('.bub').textContent === t;
    }, [usersBefore, text], { timeout: STEP_MS }).catch(() => fail(`the shopper message "${text}" was not shown`));
    await page.waitForFunction(() => {
      const els = document.querySelector('#destek-widget').shadowRoot.querySelectorAll('.log .m.u');
      return /iletildi/.test(els[els.length - 1].querySelector('.tick').textContent);
    }, null, { timeout: STEP_MS }).catch(() => fail(`no ack for "${text}" (the message stays "gönderiliyor")`));
    await page.waitForFunction(n => document.querySelector('#destek-widget').shadowRoot
      .querySelectorAll('.log .m.b:not(.intro)').length > n, before, { timeout: STEP_MS })
      .catch(() => fail(`no bot reply to "${text}"`));
    const reply = await botMsgs.nth(before).textContent();
    log(`"${text}" → "${reply.replace(/\s+/g, ' ').slice(0, 100)}…"`);
    return reply;
  }

  step = 'open the demo page';
  const resp = await page.goto(BASE + '/', { waitUntil: 'load' });
  if (!resp || !resp.ok()) fail(`GET / answered ${resp && resp.status()}`);
  await launcher.waitFor({ state: 'visible' });

  step = 'migration: an old widget\'s transcript copy and unsent message in localStorage';
  await page.evaluate(([ns, logText, pendText]) => {
    localStorage.setItem(ns + 'log', JSON.stringify([
      { role: 'shopper', id: 'm-1-1', text: logText, at: new Date().toISOString() },
      { role: 'bot', text: 'Eski yanıt ' + logText, at: new Date().toISOString(), qr: [] }]));
    localStorage.setItem(ns + 'pending', JSON.stringify([{ id: 'm-' + Date.now() + '-99', text: pendText, at: new Date().toISOString() }]));
  }, [NS, LEGACY_LOG, LEGACY_PENDING]);
  await page.reload({ waitUntil: 'load' });
  await launcher.waitFor({ state: 'visible' });
  /* the loader fetches the rest when the page is idle (at most 2 s), which removes them */
  await page.waitForFunction(ns => localStorage.getItem(ns + 'log') === null && localStorage.getItem(ns + 'pending') === null,
    NS, { timeout: 5000 }).catch(() => {});
  let st = await storage();
  const oldKeys = st.local.filter(e => e.key === NS + 'log' || e.key === NS + 'pending').map(e => e.key);
  if (oldKeys.length) fail(`the old widget's keys stay in localStorage after a load: ${oldKeys.join(', ')}`);
  await launcher.click();
  await panel.waitFor({ state: 'visible' });
  await online();
  if ((await page.locator(`${W} .log .bub`, { hasText: LEGACY_LOG }).count()) !== 0) fail('the old local transcript copy is shown');
  await page.locator(`${W} .log .m.u .tick`, { hasText: 'iletildi' }).first().waitFor({ timeout: STEP_MS })
    .catch(() => fail(`the old widget's unsent message "${LEGACY_PENDING}" was not sent and acknowledged`));
  await page.locator(`${W} .log .m.b:not(.intro)`).first().waitFor({ timeout: STEP_MS })
    .catch(() => fail(`no reply to the old widget's unsent message "${LEGACY_PENDING}"`));
  if (!(await shownUser()).includes(LEGACY_PENDING)) fail(`the old widget's unsent message "${LEGACY_PENDING}" is not shown`);
  log(`old keys removed; the old unsent message was sent: "${LEGACY_PENDING}"`);

  step = 'a conversation with a card number and a marker word';
  const CARD_SENTENCE = `kartım ${CARD} ile ödeme yaptım`;
  const sentences = ['siparişim nerede', '1048213', CARD_SENTENCE, `Kapıda ${MARKER} ile teslim edilebilir mi`];
  for (const s of sentences) await say(s);
  const qrBefore = await page.locator(`${W} .log .qr button`).allTextContents();
  const botBefore = await botMsgs.count();
  const usersBefore = await shownUser();

  step = 'no message text in localStorage, sessionStorage or cookies';
  st = await storage();
  log(`localStorage: ${st.local.map(e => e.key).join(', ') || '(empty)'}; sessionStorage: ${st.tab.map(e => e.key).join(', ') || '(empty)'}`);
  assertClean(st, 'after the replies');
  const token = JSON.parse((st.local.find(e => e.key === NS + 'session') || { value: 'null' }).value);
  if (typeof token !== 'string' || !token) fail('no session token in localStorage');

  step = 'reload: the earlier messages come back from the server';
  const welcomesBefore = welcomes.length;
  await page.reload({ waitUntil: 'load' });
  await launcher.waitFor({ state: 'visible' });
  if (!(await panel.isVisible())) await launcher.click();
  await panel.waitFor({ state: 'visible' });
  await page.locator(`${W} .log .m.u .bub`, { hasText: MARKER }).first().waitFor({ timeout: STEP_MS })
    .catch(() => fail('after the reload the message with the marker word is not shown'));
  const w = welcomes[welcomesBefore];
  if (!w || !w.resumed || w.session !== token) fail(`after the reload the session was not resumed: ${JSON.stringify(w).slice(0, 200)}`);
  if (!Array.isArray(w.history) || !w.history.some(h => h.role === 'shopper' && String(h.text).includes(MARKER)))
    fail('the welcome after the reload does not carry the history with the marker message');
  const usersAfter = await shownUser();
  // The server stores a card number masked (engine/pii.c): that is the text it gives back.
  const [cardHead, cardTail] = CARD_SENTENCE.split(CARD);
  const same = (before, after) => before === CARD_SENTENCE
    ? after.startsWith(cardHead) && after.endsWith(cardTail) && /1111/.test(after) && !after.includes(CARD)
    : after === before;
  if (usersAfter.length !== usersBefore.length) fail(`after the reload ${usersAfter.length} shopper messages are shown, before ${usersBefore.length}: ${JSON.stringify(usersAfter)}`);
  usersBefore.forEach((b, i) => { if (!same(b, usersAfter[i])) fail(`after the reload message ${i + 1} is "${usersAfter[i]}", before "${b}"`); });
  const cardShown = usersAfter[usersBefore.indexOf(CARD_SENTENCE)];
  if ((await botMsgs.count()) !== botBefore) fail(`after the reload ${await botMsgs.count()} answers are shown, before ${botBefore}`);
  const qrAfter = await page.locator(`${W} .log .qr button`).allTextContents();
  if (JSON.stringify(qrAfter) !== JSON.stringify(qrBefore))
    fail(`after the reload the quick replies are ${JSON.stringify(qrAfter)}, before ${JSON.stringify(qrBefore)}`);
  log(`after the reload: ${usersAfter.length} shopper messages (card as "${cardShown}"), ${botBefore} answers, quick replies ${JSON.stringify(qrAfter)}`);
  await page.screenshot({ path: path.join(SHOTS, 'storage-reload.png') });

  step = 'the conversation continues after the reload';
  await online();
  // the e-mail completes the identity check the order number started before the reload
  const reply = await say('ayse@example.com');
  if (!reply.includes('1048213')) fail(`the order dialogue did not continue after the reload: "${reply}"`);
  assertClean(await storage(), 'after the reload');

  step = 'reset() removes every key of the widget';
  const afterReset = await page.evaluate(() => {   // synchronous: before the server's answer
    window.destek.reset();
    const k = s => Object.keys(s).filter(x => x.startsWith('destek:'));
    return { local: k(localStorage), tab: k(sessionStorage) };
  });
  if (afterReset.local.length) fail(`reset() left localStorage keys: ${afterReset.local.join(', ')}`);
  if (afterReset.tab.length) fail(`reset() left sessionStorage keys: ${afterReset.tab.join(', ')}`);
  if (await userMsgs.count()) fail('reset() left the conversation on screen');
  // The server answers the reset with a fresh, empty conversation: only its token is kept.
  await page.waitForFunction(([k, t]) => localStorage.getItem(k) && JSON.parse(localStorage.getItem(k)) !== t,
    [NS + 'session', token], { timeout: STEP_MS }).catch(() => fail('no fresh conversation after reset()'));
  st = await storage();
  assertClean(st, 'after reset()');
  if (st.local.some(e => e.value.includes(token)) || st.tab.some(e => e.value.includes(token))) fail('the old session token stays after reset()');
  await page.reload({ waitUntil: 'load' });
  await launcher.waitFor({ state: 'visible' });
  if (!(await panel.isVisible())) await launcher.click();
  await online();
  await page.waitForTimeout(300);
  if (await userMsgs.count()) fail(`after reset() and a reload the old conversation is shown: ${JSON.stringify(await shownUser())}`);
  log('reset(): no key left, and the old conversation is gone after a reload');

  if (problems.length) fail('errors on the page');
}

main().then(() => finish(), finish);
