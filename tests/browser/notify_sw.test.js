#!/usr/bin/env node
// Browser test of the agent console's notifications through its service worker
// (channels/web/agent-sw.js), against a running `destek serve --hours open`:
//   AGENT_TOKEN3=... AGENT_TOKEN4=... node tests/browser/notify_sw.test.js BASE_URL [SCREENSHOT_DIR]
// Driven by tests/browser/notify.sh, after notify.test.js (which follows the page's own
// `new Notification`, service workers blocked). Here, with the notification permission granted,
// on a 390x844 touch phone where `new Notification` throws as on Chrome for Android, and at
// 1366x768:
//  1. the console registers /agent-sw.js for /agent (served as JavaScript, with the server's
//     CSP) and shows its notifications with ServiceWorkerRegistration.showNotification, never
//     `new Notification`: a shopper queued gives one, titled and quoting the shopper's words,
//     which the registration lists (getNotifications);
//  2. a click on it, dispatched in the service worker as a `notificationclick` (the worker's
//     own handler runs), closes it and puts the focus on the item's "Üstlen" in that console;
//  3. claimed, the tab hidden, the shopper's message gives "Müşteriden yeni mesaj"; the tab
//     shown again with the conversation open closes it.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const BASE = process.argv[2];
const SHOTS = process.argv[3] || fs.mkdtempSync(path.join(os.tmpdir(), 'destek-shots-'));
const TOKENS = { phone: process.env.AGENT_TOKEN3 || '', desktop: process.env.AGENT_TOKEN4 || '' };
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 15000;
const TOTAL_MS = 150000;
if (!BASE || !TOKENS.phone || !TOKENS.desktop) { console.error('usage: AGENT_TOKEN3=T AGENT_TOKEN4=T node notify_sw.test.js BASE_URL [SCREENSHOT_DIR]'); process.exit(2); }
fs.mkdirSync(SHOTS, { recursive: true });

const frames = {};
const problems = [];
let step = 'start';
let browser;
function log(msg) { console.log(`[notify-sw-test] ${msg}`); }
function fail(msg) { throw new Error(msg); }
function redact(s) { let t = String(s); for (const k of Object.values(TOKENS)) t = t.split(k).join('<token>'); return t.slice(0, 400); }
const killer = setTimeout(() => { finish(new Error(`timed out after ${TOTAL_MS / 1000} s`)); }, TOTAL_MS);

async function finish(err) {
  clearTimeout(killer);
  if (err) {
    console.error(`[notify-sw-test] FAIL at step "${step}": ${err.message}`);
    if (problems.length) console.error('page errors:\n  ' + problems.join('\n  '));
    for (const k of Object.keys(frames)) if (frames[k].length) console.error(`last WebSocket frames of ${k}:\n  ` + frames[k].slice(-15).join('\n  '));
  } else log(`PASS (screenshots in ${SHOTS})`);
  try { if (browser) await Promise.race([browser.close(), new Promise(r => setTimeout(r, 5000))]); } catch (e) { /* ignore */ }
  process.exit(err ? 1 : 0);
}
function watch(page, name) {
  frames[name] = [];
  page.on('pageerror', e => problems.push(`pageerror (${name}): ${e.message}`));
  page.on('websocket', ws => {
    ws.on('framesent', f => frames[name].push(`> ${redact(f.payload)}`));
    ws.on('framereceived', f => frames[name].push(`< ${redact(f.payload)}`));
  });
}

// Runs in the console before its scripts: what the service worker registration is asked to
// show, and every `new Notification`; on the "android" phone the constructor throws.
function recorder(android) {
  window.__shown = [];     // { title, body, tag, data }
  window.__pageNotes = 0;  // `new Notification` calls
  if (window.ServiceWorkerRegistration) {
    const show = ServiceWorkerRegistration.prototype.showNotification;
    ServiceWorkerRegistration.prototype.showNotification = function (title, o) {
      window.__shown.push({ title: String(title), body: o && o.body, tag: o && o.tag, data: o && o.data });
      return show.apply(this, arguments);
    };
  }
  const N = window.Notification;
  if (typeof N === 'function') {
    const Page = function (title, o) {
      window.__pageNotes++;
      if (android) throw new TypeError("Failed to construct 'Notification': Illegal constructor. Use ServiceWorkerRegistration.showNotification() instead.");
      return new N(title, o);
    };
    Page.prototype = N.prototype;
    Object.defineProperty(Page, 'permission', { get: () => N.permission });
    Page.requestPermission = function () { return N.requestPermission.apply(N, arguments); };
    window.Notification = Page;
  }
  window.__setHidden = hidden => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => hidden ? 'hidden' : 'visible' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    document.dispatchEvent(new Event('visibilitychange'));
  };
}

async function main() {
  step = 'launch chromium';
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, timeout: 30000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const opts = { locale: 'tr-TR', timezoneId: 'Europe/Istanbul' };

  /* shoppers: plain WebSockets from a page of the shop */
  const shopCtx = await browser.newContext({ ...opts, viewport: { width: 1280, height: 800 } });
  shopCtx.setDefaultTimeout(STEP_MS);
  const shop = await shopCtx.newPage();
  watch(shop, 'shop');
  await shop.goto(BASE + '/', { waitUntil: 'load' });
  await shop.evaluate(url => {
    window.shoppers = {};
    let seq = 0;
    window.openShopper = (name, ask) => new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const s = window.shoppers[name] = { ws, acks: {} };
      ws.onopen = () => ws.send(JSON.stringify({ type: 'hello' }));
      ws.onmessage = ev => {
        const m = JSON.parse(ev.data);
        if (m.type === 'welcome') ws.send(JSON.stringify({ type: 'message', id: name + '-' + (++seq), text: ask }));
        else if (m.type === 'handoff' && m.state === 'queued') resolve('queued');
        else if (m.type === 'ack') s.acks[m.id] = true;
        else if (m.type === 'error') reject(new Error(JSON.stringify(m)));
      };
      ws.onerror = () => reject(new Error('websocket error'));
      setTimeout(() => reject(new Error('no hand-off in 10 s')), 10000);
    });
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

  const viewports = {
    phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
    desktop: { viewport: { width: 1366, height: 768 } },
  };
  for (const [k, v] of Object.entries(viewports)) await oneConsole(k, { ...opts, ...v }, shop);
}

async function oneConsole(k, ctxOpts, shop) {
  const android = k === 'phone';
  step = `${k}: the console registers its service worker`;
  const ctx = await browser.newContext(ctxOpts);
  ctx.setDefaultTimeout(STEP_MS);
  await ctx.grantPermissions(['notifications'], { origin: new URL(BASE).origin });
  await ctx.addInitScript(recorder, android);
  const con = await ctx.newPage();
  watch(con, k);
  await con.goto(BASE + '/agent.html', { waitUntil: 'load' });
  await con.locator('#login-token').fill(TOKENS[k]);
  await con.keyboard.press('Enter');
  await con.locator('#conn[data-s=on]').waitFor().catch(() => fail('the console did not log in'));
  await con.waitForFunction(() => window.destekAgent.state().notifier === 'worker', null, { timeout: STEP_MS })
    .catch(() => fail('the console has no active service worker registration'));
  const reg = await con.evaluate(async () => {
    const r = await navigator.serviceWorker.getRegistration('/agent.html');
    const res = await fetch('/agent-sw.js', { cache: 'no-store' });
    return { scope: r && r.scope, script: r && r.active && r.active.scriptURL, status: res.status,
      type: res.headers.get('content-type'), csp: res.headers.get('content-security-policy') || '' };
  });
  if (!reg.scope || !/\/agent$/.test(reg.scope) || !/\/agent-sw\.js$/.test(reg.script || '')) fail(`the registration: ${JSON.stringify(reg)}`);
  if (reg.status !== 200 || !/^text\/javascript/.test(reg.type || '') || !/script-src 'self'/.test(reg.csp)) fail(`/agent-sw.js as served: ${JSON.stringify(reg)}`);
  const worker = ctx.serviceWorkers().find(w => /\/agent-sw\.js$/.test(w.url())) ||
    await ctx.waitForEvent('serviceworker', { timeout: STEP_MS });
  await con.waitForTimeout(400);   /* the worker tells the page its client id */
  log(`${k}: ${reg.script} for ${reg.scope} (${reg.type}; CSP "${reg.csp.slice(0, 60)}…")`);

  step = `${k}: a shopper queues: showNotification`;
  const ASK = `temsilciye bağlanmak istiyorum (${k})`;
  await shop.evaluate(([n, a]) => window.openShopper(n, a), [k, ASK]);
  const item = con.locator('#queue li', { hasText: ASK }).last();
  await item.waitFor().catch(() => fail('the queue does not show the shopper'));
  const id = await item.getAttribute('data-conv');
  await con.waitForFunction(t => window.__shown.some(n => n.tag === t), 'destek-q' + id, { timeout: STEP_MS })
    .catch(() => fail('no notification through the service worker for the new queue item'));
  await con.waitForTimeout(300);
  const rec = await con.evaluate(async t => ({
    shown: window.__shown.filter(n => n.tag === t), page: window.__pageNotes,
    listed: (await (await navigator.serviceWorker.getRegistration('/agent.html')).getNotifications({ tag: t })).map(n => n.title),
  }), 'destek-q' + id);
  const note = rec.shown[rec.shown.length - 1];
  if (!/^(Kuyrukta yeni sohbet|Kuyrukta acil sohbet|Size bir sohbet önerildi) · #\d+$/.test(note.title)) fail(`the notification's title "${note.title}"`);
  if (!String(note.body).includes('“' + ASK + '”')) fail(`the notification does not quote the shopper: ${JSON.stringify(note.body)}`);
  if (rec.page) fail(`the console called new Notification ${rec.page} time(s) with a service worker registered`);
  if (rec.listed.length !== 1 || rec.listed[0] !== note.title) fail(`the registration lists ${JSON.stringify(rec.listed)}`);
  await con.screenshot({ path: path.join(SHOTS, `notify-sw-${k}-queue.png`) });
  log(`${k}: "${note.title}" / ${JSON.stringify(note.body)} through showNotification${android ? ' (new Notification throws here)' : ''}`);

  step = `${k}: a click on it, in the service worker`;
  const clicked = await worker.evaluate(async t => {
    const ns = await self.registration.getNotifications({ tag: t });
    if (!ns.length) return 0;
    try { self.dispatchEvent(new NotificationEvent('notificationclick', { notification: ns[0] })); } catch (e) { /* waitUntil on a synthetic event */ }
    return ns.length;
  }, 'destek-q' + id);
  if (!clicked) fail('the service worker does not have the notification');
  await con.waitForFunction(i => {
    const a = document.activeElement;
    return a && a.classList.contains('claim') && a.closest('li').getAttribute('data-conv') === i;
  }, id, { timeout: STEP_MS }).catch(() => fail('the click does not put the focus on the item\'s "Üstlen"'));
  await con.waitForFunction(async t => !(await (await navigator.serviceWorker.getRegistration('/agent.html')).getNotifications({ tag: t })).length,
    'destek-q' + id, { timeout: STEP_MS }).catch(() => fail('the clicked notification stays'));

  step = `${k}: a message in the hidden tab, closed once seen`;
  await con.keyboard.press('Enter');   /* claims it */
  await con.locator('#transcript .msg.shopper .bub', { hasText: ASK }).waitFor().catch(() => fail('claiming did not open the conversation'));
  await con.evaluate(() => window.__setHidden(true));
  const SAY = 'siparişim hâlâ gelmedi';
  await shop.evaluate(([n, t]) => window.shopperSay(n, t), [k, SAY]);
  await con.waitForFunction(t => window.__shown.some(n => n.tag === t), 'destek-c' + id, { timeout: STEP_MS })
    .catch(() => fail('no notification for a message in the hidden tab'));
  const msg = await con.evaluate(t => window.__shown.filter(n => n.tag === t).pop(), 'destek-c' + id);
  if (msg.title !== 'Müşteriden yeni mesaj · Sohbet #' + id || msg.body !== '“' + SAY + '”') fail(`the message notification ${JSON.stringify(msg)}`);
  await con.evaluate(() => window.__setHidden(false));
  await con.waitForFunction(async t => !(await (await navigator.serviceWorker.getRegistration('/agent.html')).getNotifications({ tag: t })).length,
    'destek-c' + id, { timeout: STEP_MS }).catch(() => fail('the message notification stays once the conversation is on screen'));
  if (await con.evaluate(() => window.__pageNotes)) fail('the console called new Notification');
  log(`${k}: the click reached the console (focus on "Üstlen"); "${msg.title}" closed once seen`);
  await ctx.close();
}

main().then(() => finish(), finish);
