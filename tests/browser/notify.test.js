#!/usr/bin/env node
// Browser test of the agent console's alerts and accessibility, against a running
// `destek serve --hours open` with two agents:
//   AGENT_TOKEN=... AGENT_TOKEN2=... node tests/browser/notify.test.js BASE_URL [SCREENSHOT_DIR]
// Driven by tests/browser/notify.sh. Exit 0 on success, 1 on any failure.
//
// Shoppers are plain WebSockets from a page of the demo shop (hello, then their words). The
// console runs with the notification permission granted (context.grantPermissions); an init
// script wraps window.Notification and OscillatorNode.prototype.start to record what the
// console shows and plays, and counts Notification.requestPermission calls. Checked:
//  1. nothing is asked for on load or log-in; a new queue item (and the offer of it) fires one
//     Turkish notification naming the shopper's words, plays a chime and is announced
//     (aria-live); a click on it focuses the item's "Üstlen";
//  2. a shopper's message in the conversation open and visible: no notification, no sound,
//     but announced; in a conversation behind another one: a notification "Müşteriden yeni
//     mesaj" with the words, a chime, "(1)" in the tab title; a click opens that conversation
//     (the reply box focused) and clears the title;
//  3. the tab hidden (document.visibilityState): the open conversation alerts too; visible
//     again, the title is cleared;
//  4. the agent's own message alerts nothing; "Bildirimler": desktop off (sound only), sound
//     off (nothing), both remembered in localStorage;
//  5. a reload (transcripts and the queue sent again) alerts nothing;
//  6. axe-core: no critical or serious violation at 1366×768 and 390×844, a conversation
//     open (and the notification panel open);
//  7. a second agent's console without the permission: logging in with a conversation already
//     waiting alerts nothing and asks nothing; the checkbox asks the browser once (a user
//     gesture), and a refusal leaves it off with a Turkish explanation.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const BASE = process.argv[2];
const SHOTS = process.argv[3] || fs.mkdtempSync(path.join(os.tmpdir(), 'destek-shots-'));
const TOKEN = process.env.AGENT_TOKEN || '';
const TOKEN2 = process.env.AGENT_TOKEN2 || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 15000;     // one step (a reply, a render)
const TOTAL_MS = 180000;   // the whole test
const QUIET_MS = 1200;     // how long "nothing happened" is watched for
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TITLE = 'Temsilci paneli – destek';
if (!BASE || !TOKEN || !TOKEN2) { console.error('usage: AGENT_TOKEN=T AGENT_TOKEN2=T2 node notify.test.js BASE_URL [SCREENSHOT_DIR]'); process.exit(2); }
fs.mkdirSync(SHOTS, { recursive: true });

const frames = { shop: [], agent: [], agent2: [] };
const problems = [];
let step = 'start';
let browser;

function log(msg) { console.log(`[notify-test] ${msg}`); }
function fail(msg) { throw new Error(msg); }
function redact(s) { return String(s).split(TOKEN).join('<token>').split(TOKEN2).join('<token2>').slice(0, 400); }

const killer = setTimeout(() => { finish(new Error(`timed out after ${TOTAL_MS / 1000} s`)); }, TOTAL_MS);

async function finish(err) {
  clearTimeout(killer);
  if (err) {
    console.error(`[notify-test] FAIL at step "${step}": ${err.message}`);
    if (problems.length) console.error('page errors:\n  ' + problems.join('\n  '));
    for (const k of Object.keys(frames)) {
      if (frames[k].length) console.error(`last WebSocket frames of the ${k} page:\n  ` + frames[k].slice(-20).join('\n  '));
    }
  } else {
    log(`PASS (screenshots in ${SHOTS})`);
  }
  try { if (browser) await Promise.race([browser.close(), new Promise(r => setTimeout(r, 5000))]); } catch (e) { /* ignore */ }
  process.exit(err ? 1 : 0);
}

function watch(page, name) {
  page.on('pageerror', e => problems.push(`pageerror (${name}): ${e.message}`));
  page.on('console', m => { if (m.type() === 'error') problems.push(`console (${name}): ${m.text()}`); });
  page.on('websocket', ws => {
    frames[name].push(`open ${ws.url()}`);
    ws.on('framesent', f => frames[name].push(`> ${redact(f.payload)}`));
    ws.on('framereceived', f => frames[name].push(`< ${redact(f.payload)}`));
    ws.on('close', () => frames[name].push('closed'));
  });
}

// Runs in the console before its scripts: what it shows and plays is recorded.
function recorder() {
  window.__notes = [];   // { title, body, tag, closed }
  window.__tones = [];   // oscillator frequencies, in order
  window.__perm = 0;     // Notification.requestPermission calls
  const N = window.Notification;
  if (typeof N === 'function') {
    const Rec = function (title, opts) {
      const n = new N(title, opts);
      const r = { title: String(title), body: opts && opts.body, tag: opts && opts.tag, closed: false };
      const close = n.close.bind(n);
      n.close = () => { r.closed = true; close(); };
      r.n = n;
      window.__notes.push(r);
      return n;
    };
    Rec.prototype = N.prototype;
    Object.defineProperty(Rec, 'permission', { get: () => N.permission });
    Rec.requestPermission = function () { window.__perm++; return N.requestPermission.apply(N, arguments); };
    window.Notification = Rec;
  }
  if (window.OscillatorNode) {
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function () { window.__tones.push(this.frequency.value); return start.apply(this, arguments); };
  }
  // the tab hidden or shown, as the console reads it (a headless page is always visible)
  window.__setHidden = hidden => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => hidden ? 'hidden' : 'visible' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    document.dispatchEvent(new Event('visibilitychange'));
  };
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

  /* ---------- shoppers: plain WebSockets from a page of the shop ---------- */
  const shopCtx = await browser.newContext({ ...opts, viewport: { width: 1280, height: 800 } });
  shopCtx.setDefaultTimeout(STEP_MS);
  const shop = await shopCtx.newPage();
  watch(shop, 'shop');
  await shop.goto(BASE + '/', { waitUntil: 'load' });
  await shop.evaluate(url => {
    window.shoppers = {};
    let seq = 0;
    // a shopper who asks for a person: resolves once the hand-off is queued
    window.openShopper = (name, ask) => new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const s = window.shoppers[name] = { ws, acks: {} };
      ws.onopen = () => ws.send(JSON.stringify({ type: 'hello' }));
      ws.onmessage = ev => {
        const m = JSON.parse(ev.data);
        if (m.type === 'welcome') ws.send(JSON.stringify({ type: 'message', id: name + '-' + (++seq), text: ask }));
        else if (m.type === 'handoff' && m.state === 'queued') resolve('queued');
        else if (m.type === 'ack') s.acks[m.id] = true;
        else if (m.type === 'reply' && !m.handoff) reject(new Error(`"${ask}" was answered without a hand-off: ${m.text}`));
        else if (m.type === 'error') reject(new Error(JSON.stringify(m)));
      };
      ws.onerror = () => reject(new Error('websocket error'));
      setTimeout(() => reject(new Error('no hand-off in 10 s')), 10000);
    });
    // a message to the agent: resolves on its ack
    window.shopperSay = (name, text) => new Promise((resolve, reject) => {
      const s = window.shoppers[name], id = name + '-' + (++seq);
      s.ws.send(JSON.stringify({ type: 'message', id, text }));
      const t0 = Date.now();
      (function wait() {
        if (s.acks[id]) resolve(id);
        else if (Date.now() - t0 > 10000) reject(new Error(`no ack for "${text}"`));
        else setTimeout(wait, 50);
      })();
    });
  }, BASE.replace(/^http/, 'ws') + '/ws/chat');
  const openShopper = (name, ask) => shop.evaluate(([n, a]) => window.openShopper(n, a), [name, ask]);
  const shopperSay = (name, text) => shop.evaluate(([n, t]) => window.shopperSay(n, t), [name, text]);

  /* ---------- the console, permission granted ---------- */
  step = 'agent console: log in (notifications allowed)';
  // service workers blocked: this test follows the page's own `new Notification` (the console's
  // fallback); notify_sw.test.js the service worker's showNotification
  const agentCtx = await browser.newContext({ ...opts, viewport: { width: 1366, height: 768 }, serviceWorkers: 'block' });
  agentCtx.setDefaultTimeout(STEP_MS);
  await agentCtx.grantPermissions(['notifications'], { origin: new URL(BASE).origin });
  await agentCtx.addInitScript(recorder);
  const con = await agentCtx.newPage();
  watch(con, 'agent');
  await con.goto(BASE + '/agent.html', { waitUntil: 'load' });
  await con.locator('#login-token').fill(TOKEN);
  await con.keyboard.press('Enter');   // a user gesture: the audio context may start
  await con.locator('#app').waitFor({ state: 'visible' }).catch(() => fail('the console did not open after log-in'));
  await con.locator('#conn[data-s=on]').waitFor();
  await con.waitForTimeout(500);

  const rec = () => con.evaluate(() => ({
    notes: window.__notes.map(n => ({ title: n.title, body: n.body, tag: n.tag, closed: n.closed })),
    tones: window.__tones.slice(), perm: window.__perm, title: document.title,
    live: document.getElementById('live').textContent,
    active: window.destekAgent.state().active,
    focus: document.activeElement && (document.activeElement.id || document.activeElement.className),
  }));
  // clicks the newest recorded notification with this tag (as the user would in the OS)
  const clickNote = tag => con.evaluate(t => {
    const r = window.__notes.filter(n => n.tag === t).pop();
    if (!r) return false;
    r.n.dispatchEvent(new Event('click'));
    return true;
  }, tag);
  // nothing new for a while: no notification, no tone
  async function quiet(before, what) {
    await con.waitForTimeout(QUIET_MS);
    const now = await rec();
    const nn = now.notes.slice(before.notes.length), nt = now.tones.slice(before.tones.length);
    if (nn.length) fail(`${what}: a notification was shown: ${JSON.stringify(nn)}`);
    if (nt.length) fail(`${what}: a sound was played (${nt.join(', ')} Hz)`);
    return now;
  }
  async function waitNote(before, tag, what) {
    await con.waitForFunction(([n, t]) => window.__notes.length > n && window.__notes.slice(n).some(x => x.tag === t),
      [before.notes.length, tag], { timeout: STEP_MS }).catch(() => fail(`no notification for ${what}`));
    await con.waitForTimeout(300);   // a second alert for the same thing (an offer) would come now
    const now = await rec();
    return { now, note: now.notes.filter(n => n.tag === tag).pop() };
  }

  let r0 = await rec();
  if (r0.perm) fail('the console asked for the notification permission on load or log-in');
  if (r0.notes.length || r0.tones.length) fail('the console alerted at log-in with an empty queue');
  const prefs = await con.evaluate(() => ({ d: document.getElementById('notif-desktop').checked, s: document.getElementById('notif-sound').checked }));
  if (!prefs.d || !prefs.s) fail(`with the permission granted, "Bildirimler" should start on: ${JSON.stringify(prefs)}`);

  step = 'a new conversation in the queue alerts';
  const ASK_A = 'müşteri temsilcisine bağlanmak istiyorum';
  await openShopper('A', ASK_A);
  const qA = con.locator('#queue li', { hasText: ASK_A }).last();
  await qA.waitFor().catch(() => fail('the queue does not show the first shopper'));
  const idA = await qA.getAttribute('data-conv');
  let { now: r1, note } = await waitNote(r0, 'destek-q' + idA, 'the new queue item');
  if (!/^(Kuyrukta yeni sohbet|Kuyrukta acil sohbet|Size bir sohbet önerildi) · #\d+$/.test(note.title)) fail(`queue notification title "${note.title}"`);
  if (!String(note.body).includes('“' + ASK_A + '”')) fail(`the queue notification does not quote the shopper's words: ${JSON.stringify(note.body)}`);
  const qNotes = r1.notes.slice(r0.notes.length);
  if (qNotes.some(n => n.tag !== 'destek-q' + idA)) fail(`other notifications: ${JSON.stringify(qNotes)}`);
  const qTones = r1.tones.length - r0.tones.length;
  if (qTones < 2 || qTones > 3) fail(`the queue chime played ${qTones} tones (two or three expected, once: the offer must not chime again)`);
  if (!/Kuyrukta (yeni|acil) sohbet: #\d+, müşteri temsilcisine/.test(r1.live)) fail(`the new queue item is not announced: "${r1.live}"`);
  log(`queue: "${note.title}" / ${JSON.stringify(note.body)}, ${qTones} tones, ${qNotes.length} notification(s) (same tag)`);
  await con.screenshot({ path: path.join(SHOTS, 'notify-queue.png') });

  step = 'a click on the queue notification focuses "Üstlen"';
  await con.locator('#search-q').focus();
  if (!(await clickNote('destek-q' + idA))) fail('no queue notification to click');
  await con.waitForFunction(id => {
    const a = document.activeElement;
    return a && a.classList.contains('claim') && a.closest('li').getAttribute('data-conv') === id;
  }, idA, { timeout: STEP_MS }).catch(() => fail('clicking the queue notification does not focus its "Üstlen"'));

  step = 'the conversation open and visible: no alert';
  await con.keyboard.press('Enter');   // claims it (the focused Üstlen)
  await con.locator('#conv').waitFor({ state: 'visible' }).catch(() => fail('claiming did not open the conversation'));
  await con.locator('#transcript .msg.shopper .bub', { hasText: ASK_A }).waitFor();
  r1 = await rec();
  const SAY1 = 'kargo ücreti ne kadar';
  await shopperSay('A', SAY1);
  await con.locator('#transcript .msg.shopper .bub', { hasText: SAY1 }).waitFor().catch(() => fail('the shopper message is not shown'));
  let r2 = await quiet(r1, 'a message in the open, visible conversation');
  if (!r2.live.includes('Müşteri: ' + SAY1)) fail(`the message in the open conversation is not announced: "${r2.live}"`);
  if (r2.title !== TITLE) fail(`the title is "${r2.title}" with everything read`);

  step = 'a second shopper queues; the agent claims that one too';
  const ASK_B = 'temsilciye bağlanmak istiyorum';
  await openShopper('B', ASK_B);
  const qB = con.locator('#queue li', { hasText: ASK_B }).last();
  await qB.waitFor().catch(() => fail('the queue does not show the second shopper'));
  const idB = await qB.getAttribute('data-conv');
  ({ now: r2, note } = await waitNote(r2, 'destek-q' + idB, 'the second queue item'));
  if (!String(note.body).includes('“' + ASK_B + '”')) fail(`the second queue notification: ${JSON.stringify(note.body)}`);
  await qB.locator('button.claim').click();
  await con.waitForFunction(id => window.destekAgent.state().active === id, idB).catch(() => fail('the second conversation did not open'));
  await con.waitForFunction(id => !!window.__notes.filter(n => n.tag === 'destek-q' + id).pop().closed, idB)
    .catch(() => fail('the queue notification is still shown after the claim'));

  step = 'a message in the conversation behind alerts';
  await con.waitForTimeout(1100);   // the chime plays at most once a second
  r2 = await rec();
  const SAY2 = 'iade süresi kaç gün';
  await shopperSay('A', SAY2);
  let r3;
  ({ now: r3, note } = await waitNote(r2, 'destek-c' + idA, 'a message in the conversation behind'));
  if (note.title !== 'Müşteriden yeni mesaj · Sohbet #' + idA) fail(`message notification title "${note.title}"`);
  if (note.body !== '“' + SAY2 + '”') fail(`message notification body ${JSON.stringify(note.body)}`);
  const mTones = r3.tones.length - r2.tones.length;
  if (mTones !== 1) fail(`the message chime played ${mTones} tones (one expected)`);
  if (r3.title !== '(1) ' + TITLE) fail(`the tab title is "${r3.title}", not "(1) ${TITLE}"`);
  if (!r3.live.includes('Sohbet #' + idA + ': müşteriden yeni mesaj')) fail(`the message behind is not announced: "${r3.live}"`);
  const badge = (await con.locator(`#tab-${idA} .unread`).textContent()).trim();
  if (badge !== '1') fail(`the tab of the conversation behind shows ${badge} unread`);
  log(`message behind: "${note.title}" / ${note.body}, 1 tone, title "${r3.title}"`);
  await con.screenshot({ path: path.join(SHOTS, 'notify-unread.png') });

  step = 'a click on the message notification opens that conversation';
  if (!(await clickNote('destek-c' + idA))) fail('no message notification to click');
  await con.waitForFunction(id => window.destekAgent.state().active === id && document.activeElement.id === 'composer-input', idA)
    .catch(() => fail('clicking the notification did not open the conversation with the reply box focused'));
  r3 = await rec();
  if (r3.title !== TITLE) fail(`the title is "${r3.title}" after reading`);
  if (!r3.notes.filter(n => n.tag === 'destek-c' + idA).pop().closed) fail('the clicked notification was not closed');
  if (!(await con.locator(`#tab-${idA} .unread`).isHidden())) fail('the unread badge stays after reading');

  step = 'the tab hidden: the open conversation alerts too';
  await con.evaluate(() => window.__setHidden(true));
  await con.waitForTimeout(1100);
  r3 = await rec();
  const SAY3 = 'yarın teslim olur mu';
  await shopperSay('A', SAY3);
  let r4;
  ({ now: r4, note } = await waitNote(r3, 'destek-c' + idA, 'a message while the tab is hidden'));
  if (note.body !== '“' + SAY3 + '”') fail(`hidden-tab notification body ${JSON.stringify(note.body)}`);
  if (r4.tones.length - r3.tones.length !== 1) fail('no chime for a message while the tab is hidden');
  if (r4.title !== '(1) ' + TITLE) fail(`the title is "${r4.title}" while hidden`);
  await con.evaluate(() => window.__setHidden(false));
  await con.waitForFunction(t => document.title === t, TITLE).catch(() => fail('the title count stays once the tab is visible'));
  r4 = await rec();
  if (!r4.notes.filter(n => n.tag === 'destek-c' + idA).pop().closed) fail('the notification stays once the conversation is seen');

  step = 'the agent\'s own message alerts nothing';
  await con.locator('#composer-input').fill('Merhaba, hemen bakıyorum.');
  await con.keyboard.press('Enter');
  await con.locator('#transcript .msg.agent', { hasText: 'hemen bakıyorum' }).locator('.state-ok').waitFor()
    .catch(() => fail('the agent message was not confirmed'));
  r4 = await quiet(r4, 'the agent\'s own message');

  step = '"Bildirimler": desktop off, then sound off';
  await con.locator('#notif-btn').click();
  await con.locator('#notif-panel').waitFor({ state: 'visible' }).catch(() => fail('"Bildirimler" does not open its panel'));
  if ((await con.locator('#notif-btn').getAttribute('aria-expanded')) !== 'true') fail('the notification button is not aria-expanded');
  await con.screenshot({ path: path.join(SHOTS, 'notify-panel.png') });
  await con.locator('#notif-desktop').uncheck();
  await con.keyboard.press('Escape');
  await con.locator('#notif-panel').waitFor({ state: 'hidden' }).catch(() => fail('Esc does not close the panel'));
  if (!(await con.evaluate(() => document.activeElement.id === 'notif-btn'))) fail('Esc does not put the focus back on the button');
  let stored = await con.evaluate(() => JSON.parse(localStorage.getItem('destek-agent-notify')));
  if (!stored || stored.desktop !== false || stored.sound !== true) fail(`stored preferences ${JSON.stringify(stored)}`);
  await con.waitForTimeout(1100);
  r4 = await rec();
  await shopperSay('B', 'hâlâ bekliyorum');
  await con.waitForFunction(n => window.__tones.length > n, r4.tones.length).catch(() => fail('no chime with the sound on and desktop off'));
  await con.waitForTimeout(300);
  let r5 = await rec();
  if (r5.notes.length !== r4.notes.length) fail('a desktop notification although they are turned off');
  await con.locator('#notif-btn').click();
  await con.locator('#notif-sound').uncheck();
  stored = await con.evaluate(() => JSON.parse(localStorage.getItem('destek-agent-notify')));
  if (!stored || stored.desktop !== false || stored.sound !== false) fail(`stored preferences ${JSON.stringify(stored)}`);
  await con.waitForTimeout(1100);
  r5 = await rec();
  await shopperSay('B', 'orada mısınız');
  await con.locator(`#tab-${idB} .unread`, { hasText: '2' }).waitFor().catch(() => fail('the second message behind is not counted'));
  r5 = await quiet(r5, 'both turned off');
  if (r5.title !== '(2) ' + TITLE) fail(`the title is "${r5.title}" with two unread`);
  await con.locator('#notif-desktop').check();   // granted already: no question to the browser
  await con.locator('#notif-sound').check();
  await con.locator('#notif-btn').click();
  if (!(await con.locator('#notif-panel').isHidden())) fail('the button does not close the panel');
  if ((await rec()).perm) fail('the permission was asked for although it is granted');

  step = 'the tab hidden: a new queue item counts in the title';
  const ASK_C = 'bir temsilciyle görüşmek istiyorum';
  await con.evaluate(() => window.__setHidden(true));
  await con.waitForTimeout(1100);
  let r6 = await rec();
  await openShopper('C', ASK_C).catch(e => fail(`third shopper: ${e.message}`));
  const qC = con.locator('#queue li', { hasText: ASK_C });
  await qC.waitFor().catch(() => fail('the console does not show the third shopper'));
  const idC = await qC.getAttribute('data-conv');
  ({ now: r6, note } = await waitNote(r6, 'destek-q' + idC, 'a new queue item while the tab is hidden'));
  if (!String(note.body).includes('“' + ASK_C + '”')) fail(`the third queue notification: ${JSON.stringify(note.body)}`);
  if (r6.title !== '(3) ' + TITLE) fail(`the title is "${r6.title}" (two unread messages and a new waiting conversation)`);
  await con.evaluate(() => window.__setHidden(false));
  await con.waitForFunction(t => document.title === t, '(2) ' + TITLE)
    .catch(() => fail('the waiting conversation still counts in the title once the tab is visible'));

  step = 'a reload: transcripts and queue sent again alert nothing';
  await con.reload({ waitUntil: 'load' });
  await con.locator('#conn[data-s=on]').waitFor().catch(() => fail('the console did not log back in after a reload'));
  await con.locator(`#tab-${idA}`).waitFor().catch(() => fail('the conversations did not come back after the reload'));
  await con.locator(`#tab-${idB}`).waitFor();
  await con.waitForTimeout(QUIET_MS);
  await con.locator('#queue li', { hasText: ASK_C }).waitFor().catch(() => fail('the queue did not come back after the reload'));
  r6 = await rec();
  if (r6.notes.length || r6.tones.length) fail(`the reload alerted: ${JSON.stringify(r6.notes)} ${r6.tones.length} tones`);
  if (r6.perm) fail('the permission was asked for on a reload');
  const kept = await con.evaluate(() => ({ d: document.getElementById('notif-desktop').checked, s: document.getElementById('notif-sound').checked }));
  if (!kept.d || !kept.s) fail(`the preferences were not kept across the reload: ${JSON.stringify(kept)}`);

  step = 'axe: a conversation open at 1366x768';
  await con.locator(`#tab-${idA}`).click();
  await con.locator('#transcript .msg.shopper .bub', { hasText: SAY3 }).waitFor();
  async function axe(name) {
    await con.evaluate(AXE);   // evaluated by the test, not an inline <script> (the CSP refuses those)
    const res = await con.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const bad = res.violations.filter(v => v.impact === 'critical' || v.impact === 'serious');
    const other = res.violations.filter(v => !bad.includes(v));
    fs.writeFileSync(path.join(SHOTS, `axe-console-${name}.json`), JSON.stringify(res.violations, null, 1));
    log(`axe ${name}: ${bad.length} critical/serious, ${other.length} other` +
      (other.length ? ' (' + other.map(v => `${v.impact} ${v.id}`).join(', ') + ')' : ''));
    if (bad.length) {
      fail(`axe ${name}: ` + bad.map(v => `${v.impact} ${v.id}: ${v.help} — ` +
        v.nodes.slice(0, 3).map(n => n.target.join(' ') + (n.any[0] ? ' (' + n.any[0].message + ')' : '')).join('; ')).join(' | '));
    }
  }
  await axe('desk-1366x768');
  await con.screenshot({ path: path.join(SHOTS, 'notify-console-desktop.png') });
  await con.locator('#notif-btn').click();
  await axe('desk-panel');
  await con.locator('#notif-btn').click();

  step = 'axe: a conversation open at 390x844';
  await con.setViewportSize({ width: 390, height: 844 });
  await con.waitForTimeout(300);
  const wide = await con.evaluate(() => document.documentElement.scrollWidth);
  if (wide > 390) fail(`the console is ${wide} px wide on a 390 px screen`);
  await axe('phone-390x844');
  await con.screenshot({ path: path.join(SHOTS, 'notify-console-phone.png') });
  await con.locator('#notif-btn').click();
  const box = await con.locator('#notif-panel').boundingBox();
  if (!box || box.x < 0 || box.x + box.width > 390) fail(`the notification panel is off screen on a phone: ${JSON.stringify(box)}`);
  await axe('phone-panel');
  await con.screenshot({ path: path.join(SHOTS, 'notify-panel-phone.png') });
  await con.keyboard.press('Escape');

  /* ---------- a second agent, no permission yet ---------- */
  step = 'second console: logging in with a queue alerts nothing and asks nothing';
  const ctx2 = await browser.newContext({ ...opts, viewport: { width: 1366, height: 768 }, serviceWorkers: 'block' });
  ctx2.setDefaultTimeout(STEP_MS);
  await ctx2.addInitScript(recorder);
  const con2 = await ctx2.newPage();
  watch(con2, 'agent2');
  await con2.goto(BASE + '/agent.html', { waitUntil: 'load' });
  await con2.locator('#login-token').fill(TOKEN2);
  await con2.keyboard.press('Enter');
  await con2.locator('#queue li', { hasText: ASK_C }).waitFor().catch(() => fail('the second console does not show the waiting shopper'));
  await con2.waitForTimeout(QUIET_MS);
  let s2 = await con2.evaluate(() => ({ notes: window.__notes.length, tones: window.__tones.length, perm: window.__perm,
    d: document.getElementById('notif-desktop').checked, p: Notification.permission, title: document.title }));
  // the waiting conversation is offered to the first agent (one offer per conversation), so
  // nothing here is news: no chime, nothing announced
  if (s2.notes || s2.tones) fail(`the second console alerted at log-in: ${s2.notes} notification(s), ${s2.tones} tones`);
  if (/Kuyrukta/.test(await con2.locator('#live').textContent())) fail('the second console announced what was already waiting');
  if (s2.perm) fail('the second console asked for the permission without a gesture');
  if (s2.d) fail('desktop notifications are on without the permission');

  step = 'second console: the checkbox asks the browser, once';
  await con2.locator('#notif-btn').click();
  await con2.locator('#notif-desktop').click();
  await con2.waitForFunction(() => window.__perm === 1 && /engelliyor|izin verilmedi/i.test(document.getElementById('notif-desktop-note').textContent))
    .catch(() => fail('the checkbox did not ask for the permission, or a refusal is not explained'));
  s2 = await con2.evaluate(() => ({ d: document.getElementById('notif-desktop').checked, note: document.getElementById('notif-desktop-note').textContent,
    stored: localStorage.getItem('destek-agent-notify') }));
  if (s2.d) fail('the checkbox stays on after the browser refused');
  log(`refused: "${s2.note}", stored ${s2.stored}`);
  await con2.screenshot({ path: path.join(SHOTS, 'notify-refused.png') });
  if (problems.length) fail('page errors: ' + problems.join(' | '));
}

main().then(() => finish(null), err => finish(err));
