#!/usr/bin/env node
// Browser test of the destek chat widget against a running `destek serve`.
//   node tests/browser/widget.test.js BASE_URL [SCREENSHOT_DIR]
// Drives Debian's chromium through playwright-core. Exit 0 on success, 1 on any failure.
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
if (!BASE) { console.error('usage: node widget.test.js BASE_URL [SCREENSHOT_DIR]'); process.exit(2); }
fs.mkdirSync(SHOTS, { recursive: true });

const frames = [];           // the last WebSocket frames, printed on failure
const problems = [];         // page errors
let step = 'start';
let browser;

function log(msg) { console.log(`[widget-test] ${msg}`); }
function fail(msg) { throw new Error(msg); }

const killer = setTimeout(() => { finish(new Error(`timed out after ${TOTAL_MS / 1000} s`)); }, TOTAL_MS);

async function finish(err) {
  clearTimeout(killer);
  if (err) {
    console.error(`[widget-test] FAIL at step "${step}": ${err.message}`);
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
    ws.on('framereceived', f => frames.push(`< ${String(f.payload).slice(0, 300)}`));
    ws.on('close', () => frames.push('closed'));
  });

  const W = '#destek-widget';
  const launcher = page.locator(`${W} .launch`);
  const panel = page.locator(`${W} .panel`);
  const input = page.locator(`${W} textarea`);
  const botMsgs = page.locator(`${W} .log .m.b:not(.intro) .bub`);
  const userMsgs = page.locator(`${W} .log .m.u`);

  step = 'open the demo page';
  const resp = await page.goto(BASE + '/', { waitUntil: 'load' });
  if (!resp || !resp.ok()) fail(`GET / answered ${resp && resp.status()}`);
  const title = await page.title();
  if (!/Demo Mağaza/.test(title)) fail(`unexpected page title "${title}"`);
  await launcher.waitFor({ state: 'visible' });
  const api = await page.evaluate(() => window.destek && ['open', 'close', 'identify', 'reset'].every(k => typeof window.destek[k] === 'function'));
  if (!api) fail('window.destek lacks open/close/identify/reset');

  step = 'keyboard: Tab to the launcher';
  const onLauncher = () => page.evaluate(() => {
    const h = document.querySelector('#destek-widget');
    return document.activeElement === h && h.shadowRoot.activeElement && h.shadowRoot.activeElement.classList.contains('launch');
  });
  let tabs = 0;
  await page.locator('body').click({ position: { x: 5, y: 200 } });
  while (!(await onLauncher())) {
    if (++tabs > 120) fail('the launcher cannot be reached with Tab');
    await page.keyboard.press('Tab');
  }
  log(`launcher reached with ${tabs} Tab presses`);

  step = 'keyboard: Enter opens the panel and focuses the input';
  await page.keyboard.press('Enter');
  await panel.waitFor({ state: 'visible' });
  if ((await launcher.getAttribute('aria-expanded')) !== 'true') fail('launcher aria-expanded is not "true" after opening');
  // Record whether the typing indicator ever appears (it may be on screen only briefly);
  // the panel and its log exist once the loader fetched the rest of the widget, on open.
  await page.evaluate(() => {
    const log = document.querySelector('#destek-widget').shadowRoot.querySelector('.log');
    window.__typingSeen = 0;
    new MutationObserver(recs => recs.forEach(r => r.addedNodes.forEach(n => {
      if (n.classList && n.classList.contains('typing')) window.__typingSeen++;
    }))).observe(log, { childList: true });
  });
  await page.waitForFunction(() => {
    const h = document.querySelector('#destek-widget');
    return h.shadowRoot.activeElement && h.shadowRoot.activeElement.tagName === 'TEXTAREA';
  }, null, { timeout: STEP_MS }).catch(() => fail('the message box is not focused after opening'));
  await page.locator(`${W} .st[data-s=on]`).waitFor({ timeout: STEP_MS })
    .catch(() => fail('the widget did not get a welcome (status never "Çevrimiçi")'));

  // Sends text by typing + Enter; waits for the ack and for a new bot reply; returns its text.
  async function say(text, button) {
    const how = button ? 'click' : 'keyboard';
    const before = await botMsgs.count();
    const usersBefore = await userMsgs.count();
    if (button) await button.click();
    else {
      await input.focus();
      await page.keyboard.type(text);
      await page.keyboard.press('Enter');
    }
    await page.waitForFunction(([n, t]) => {
      const els = document.querySelector('#destek-widget').shadowRoot.querySelectorAll('.log .m.u');
      return els.length > n && els[els.length - 1].querySelector('.bub').textContent === t;
    }, [usersBefore, text], { timeout: STEP_MS }).catch(() => fail(`the shopper message "${text}" was not shown`));
    if (how === 'keyboard' && (await input.inputValue()) !== '') fail('the message box was not cleared after sending');
    await page.waitForFunction(() => {
      const els = document.querySelector('#destek-widget').shadowRoot.querySelectorAll('.log .m.u');
      return /iletildi/.test(els[els.length - 1].querySelector('.tick').textContent);
    }, null, { timeout: STEP_MS }).catch(() => fail(`no ack for "${text}" (the message stays "gönderiliyor")`));
    await page.waitForFunction(n => document.querySelector('#destek-widget').shadowRoot
      .querySelectorAll('.log .m.b:not(.intro)').length > n, before, { timeout: STEP_MS })
      .catch(() => fail(`no bot reply to "${text}"`));
    const reply = await botMsgs.nth(before).textContent();
    log(`"${text}" → "${reply.replace(/\s+/g, ' ').slice(0, 110)}…"`);
    return reply;
  }

  step = 'ask "siparişim nerede"';
  let reply = await say('siparişim nerede');
  if (!(await page.evaluate(() => window.__typingSeen > 0))) fail('the typing indicator never appeared while a reply was pending');

  step = 'give the order number and the e-mail';
  for (const answer of ['1048213', 'ayse@example.com']) {
    if (reply.includes('YK123456789TR')) break;
    reply = await say(answer);
  }
  if (!reply.includes('YK123456789TR')) fail(`the tracking answer lacks YK123456789TR: "${reply}"`);

  step = 'links in answers';
  const link = page.locator(`${W} .log .m.b .bub a[href*="YK123456789TR"]`).last();
  if (await link.count()) {
    const [href, target, rel] = await Promise.all(['href', 'target', 'rel'].map(a => link.getAttribute(a)));
    if (!/^https?:\/\//.test(href) || target !== '_blank' || !/noopener/.test(rel || '')) fail(`bad link: href=${href} target=${target} rel=${rel}`);
  } else if (/https?:\/\//.test(reply)) fail('the URL in the answer is not a clickable link');
  const tstamp = await page.locator(`${W} .log .m.b time`).last().textContent();
  if (!/^\d\d:\d\d$/.test(tstamp)) fail(`timestamp "${tstamp}" is not HH:MM`);

  step = 'desktop screenshot';
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, 'desktop.png') });

  step = 'quick reply click sends its text';
  const qr = page.locator(`${W} .log .qr button`).first();
  if (!(await qr.count())) fail('the last answer shows no quick-reply buttons');
  const qrText = (await qr.textContent()).trim();
  await say(qrText, qr);
  if (await page.locator(`${W} .log .qr button`, { hasText: qrText }).count() > 1) fail('the old quick replies stayed after the click');

  step = 'Esc closes the panel and focus returns to the launcher';
  await input.focus();
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'hidden' });
  if (!(await onLauncher())) fail('focus did not return to the launcher after Esc');

  step = 'reload: the history comes from the server';
  // The widget keeps no transcript copy in the browser (storage.test.js looks closer):
  // what is shown after the reload is the server's history from `welcome`.
  const keys = await page.evaluate(() => Object.keys(localStorage).filter(k => k.startsWith('destek:')));
  if (!keys.some(k => k.endsWith(':session'))) fail(`no session token in localStorage (keys: ${keys.join(', ')})`);
  if (keys.some(k => k.endsWith(':log'))) fail(`a transcript copy in localStorage (keys: ${keys.join(', ')})`);
  const urlHasToken = await page.evaluate(() => {
    const k = Object.keys(localStorage).find(x => x.endsWith(':session'));
    return location.href.includes(JSON.parse(localStorage.getItem(k)));
  });
  if (urlHasToken) fail('the session token appears in the page URL');
  await page.reload({ waitUntil: 'load' });
  await launcher.waitFor({ state: 'visible' });
  if (!(await panel.isVisible())) await launcher.click();
  await panel.waitFor({ state: 'visible' });
  await page.locator(`${W} .log .m.b .bub`, { hasText: 'YK123456789TR' }).first().waitFor({ timeout: STEP_MS })
    .catch(() => fail('after the reload the tracking answer (YK123456789TR) is not in the history'));
  const n1048213 = await page.locator(`${W} .log .m.u .bub`, { hasText: /^1048213$/ }).count();
  if (n1048213 !== 1) fail(`after the reload the message "1048213" is shown ${n1048213} times (expected once)`);

  step = 'unread badge for a reply that arrives while the panel is closed';
  await page.evaluate(() => {   // send, then close before the reply can arrive
    const r = document.querySelector('#destek-widget').shadowRoot;
    r.querySelector('textarea').value = 'teşekkürler';
    r.querySelector('textarea').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    window.destek.close();
  });
  await page.locator(`${W} .badge`).waitFor({ state: 'visible' })
    .catch(() => fail('no unread badge after a reply arrived while closed'));
  const badgeText = await page.locator(`${W} .badge`).textContent();
  if (badgeText !== '1') fail(`unread badge shows "${badgeText}", expected "1"`);
  if (!/okunmamış/.test(await launcher.getAttribute('aria-label'))) fail('the launcher label does not announce unread messages');
  await page.evaluate(() => window.destek.open());
  await panel.waitFor({ state: 'visible' });
  if (await page.locator(`${W} .badge`).isVisible()) fail('the unread badge stays after opening');

  step = 'phone-sized viewport: full-screen panel';
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  const box = await panel.boundingBox();
  if (!box || box.width < 385 || box.height < 800) fail(`on a phone the panel is ${box && box.width}x${box && box.height}, not full-screen`);
  await page.screenshot({ path: path.join(SHOTS, 'phone.png') });

  step = 'untrusted text is shown as text';
  await say('<img src=x onerror="window.__xss=1"> <b>kalın</b> deneme');
  const injected = await page.evaluate(() => !!window.__xss ||
    !!document.querySelector('#destek-widget').shadowRoot.querySelector('.log img, .log b'));
  if (injected) fail('message text was interpreted as HTML');

  step = 'phone-sized viewport: closed panel';
  await page.locator(`${W} .x`).click();
  await panel.waitFor({ state: 'hidden' });
  await page.screenshot({ path: path.join(SHOTS, 'phone-closed.png') });

  step = 'reconnect: a dropped connection, an unacknowledged message re-sent on resume';
  // A second shopper whose WebSocket goes through a proxy in the test, so the
  // connection can be cut while a message is in flight (the message is lost).
  const ctx2 = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'tr-TR', timezoneId: 'Europe/Istanbul' });
  ctx2.setDefaultTimeout(STEP_MS);
  let swallow = false;
  const conns = [];
  const sentByPage = [];
  await ctx2.routeWebSocket(/\/ws\/chat$/, ws => {
    const server = ws.connectToServer();
    conns.push({ ws, server });
    ws.onMessage(m => { sentByPage.push(String(m)); frames.push(`(2) > ${String(m).slice(0, 200)}`); if (!swallow) server.send(m); });
    server.onMessage(m => { frames.push(`(2) < ${String(m).slice(0, 200)}`); ws.send(m); });
    ws.onClose(() => server.close());
    server.onClose(() => ws.close());
  });
  const p2 = await ctx2.newPage();
  p2.on('pageerror', e => problems.push(`pageerror (2): ${e.message}`));
  await p2.goto(BASE + '/', { waitUntil: 'load' });
  await p2.evaluate(() => window.destek.open());
  await p2.locator(`${W} .st[data-s=on]`).waitFor();
  swallow = true;
  const lost = 'iade yapmak istiyorum';
  await p2.locator(`${W} textarea`).fill(lost);
  await p2.keyboard.press('Enter');
  await p2.locator(`${W} .log .m.u .tick`, { hasText: 'gönderiliyor' }).waitFor()
    .catch(() => fail('an unacknowledged message is not shown as "gönderiliyor"'));
  const stored = await p2.evaluate(t => ({
    tab: Object.keys(sessionStorage).some(k => k.endsWith(':pending') && sessionStorage.getItem(k).includes(t)),
    local: Object.keys(localStorage).some(k => localStorage.getItem(k).includes(t)),
  }), lost);
  if (!stored.tab) fail('the unacknowledged message is not kept in sessionStorage');
  if (stored.local) fail('the unacknowledged message is kept in localStorage');
  const helloCount = sentByPage.filter(f => /"hello"/.test(f)).length;
  conns[conns.length - 1].ws.close({ code: 1001, reason: 'test drop' });
  await p2.locator(`${W} .bar`, { hasText: 'Bağlantı koptu' }).waitFor({ state: 'visible' })
    .catch(() => fail('no "Bağlantı koptu, yeniden bağlanıyor…" notice after the connection dropped'));
  await p2.screenshot({ path: path.join(SHOTS, 'reconnecting.png') });
  swallow = false;
  await p2.locator(`${W} .st[data-s=on]`).waitFor({ timeout: STEP_MS })
    .catch(() => fail('the widget did not reconnect'));
  const hello2 = sentByPage.filter(f => /"hello"/.test(f)).slice(helloCount)[0] || '';
  if (!/"session":"[^"]+"/.test(hello2)) fail(`the reconnect hello does not resume the session: ${hello2}`);
  await p2.locator(`${W} .log .m.u .tick`, { hasText: 'iletildi' }).waitFor({ timeout: STEP_MS })
    .catch(() => fail('the lost message was not re-sent and acknowledged after the reconnect'));
  if (await p2.evaluate(t => Object.keys(sessionStorage).some(k => sessionStorage.getItem(k).includes(t)), lost))
    fail('the acknowledged message stays in sessionStorage');
  await p2.locator(`${W} .log .m.b:not(.intro)`).first().waitFor({ timeout: STEP_MS })
    .catch(() => fail('no reply to the re-sent message'));
  const copies = await p2.locator(`${W} .log .m.u .bub`, { hasText: lost }).count();
  if (copies !== 1) fail(`the re-sent message is shown ${copies} times`);
  if (await p2.locator(`${W} .bar`).isVisible()) fail('the reconnect notice stays after reconnecting');

  step = 'host API: identify() sends an identify frame, reset() starts afresh';
  await p2.evaluate(() => window.destek.identify({ customer: 'ayse@example.com', exp: 1795600000, sig: '00' }));
  for (let i = 0; i < 50 && !sentByPage.some(f => /"type":"identify"/.test(f)); i++) await p2.waitForTimeout(100);
  if (!sentByPage.some(f => /"type":"identify".*"customer":"ayse@example.com"/.test(f))) fail('identify() sent no identify frame');
  const oldToken = await p2.evaluate(() => localStorage.getItem(Object.keys(localStorage).find(k => k.endsWith(':session'))));
  await p2.evaluate(() => window.destek.reset());
  if (await p2.locator(`${W} .log .m.u`).count()) fail('reset() left the conversation on screen');
  await p2.waitForFunction(t => {
    const k = Object.keys(localStorage).find(x => x.endsWith(':session'));
    return k && localStorage.getItem(k) !== t;
  }, oldToken, { timeout: STEP_MS }).catch(() => fail('reset() did not lead to a new session token'));
  if (!sentByPage.some(f => /"type":"reset"/.test(f))) fail('reset() sent no reset frame');
  const leftovers = await p2.evaluate(() => [...Object.keys(localStorage).filter(k => /:(log|pending)$/.test(k)),
    ...Object.keys(sessionStorage).filter(k => /:pending$/.test(k))]);
  if (leftovers.length) fail(`reset() left ${leftovers.join(', ')} in the browser's storage`);
  await ctx2.close();

  if (problems.length) fail('errors on the page');
}

main().then(() => finish(), finish);
