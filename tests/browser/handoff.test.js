#!/usr/bin/env node
// Browser test of a full human hand-off: the shopper widget and the agent console
// in two pages of one headless Chromium, against a running `destek serve --hours open`.
//   AGENT_TOKEN=... node tests/browser/handoff.test.js BASE_URL [SCREENSHOT_DIR]
// Driven by tests/browser/handoff.sh. Exit 0 on success, 1 on any failure.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const BASE = process.argv[2];
const SHOTS = process.argv[3] || fs.mkdtempSync(path.join(os.tmpdir(), 'destek-shots-'));
const TOKEN = process.env.AGENT_TOKEN || '';
const TOKEN2 = process.env.AGENT_TOKEN2 || '';   // optional: a second agent who loses a claim race
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 15000;     // one step (a reply, a render)
const TOTAL_MS = 150000;   // the whole test
if (!BASE || !TOKEN) { console.error('usage: AGENT_TOKEN=TOKEN node handoff.test.js BASE_URL [SCREENSHOT_DIR]'); process.exit(2); }
fs.mkdirSync(SHOTS, { recursive: true });

const frames = { shop: [], agent: [], agent2: [] };  // the last WebSocket frames of each page, printed on failure
const problems = [];                     // page errors
let step = 'start';
let browser;

function log(msg) { console.log(`[handoff-test] ${msg}`); }
function fail(msg) { throw new Error(msg); }
function redact(s) {
  let r = String(s).split(TOKEN).join('<token>');
  if (TOKEN2) r = r.split(TOKEN2).join('<token2>');
  return r.slice(0, 400);
}

const killer = setTimeout(() => { finish(new Error(`timed out after ${TOTAL_MS / 1000} s`)); }, TOTAL_MS);

async function finish(err) {
  clearTimeout(killer);
  if (err) {
    console.error(`[handoff-test] FAIL at step "${step}": ${err.message}`);
    if (problems.length) console.error('page errors:\n  ' + problems.join('\n  '));
    for (const k of ['shop', 'agent', 'agent2']) {
      if (frames[k].length) console.error(`last WebSocket frames of the ${k} page:\n  ` + frames[k].slice(-25).join('\n  '));
    }
  } else {
    if (process.env.DEBUG_FRAMES) for (const k of Object.keys(frames)) console.log(`frames of ${k}:\n  ` + frames[k].join('\n  '));
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
  const shopCtx = await browser.newContext({ ...opts, viewport: { width: 1280, height: 860 } });
  const agentCtx = await browser.newContext({ ...opts, viewport: { width: 1440, height: 900 } });
  shopCtx.setDefaultTimeout(STEP_MS);
  agentCtx.setDefaultTimeout(STEP_MS);
  const shop = await shopCtx.newPage();
  const con = await agentCtx.newPage();
  watch(shop, 'shop');
  watch(con, 'agent');

  /* ---------- shopper side helpers (the widget lives in an open shadow root) ---------- */
  const W = '#destek-widget';
  const wInput = shop.locator(`${W} textarea#dk-in`);
  const wSys = shop.locator(`${W} .log .sys`);
  const wAgentMsgs = shop.locator(`${W} .log .m.b .who`);  // only agent messages carry a name
  const wBotMsgs = shop.locator(`${W} .log .m.b:not(.intro)`);
  async function shopSay(text) {
    await wInput.fill(text);
    await wInput.press('Enter');
    await shop.locator(`${W} .log .m.u .bub`, { hasText: text }).last().waitFor()
      .catch(() => fail(`the shopper message "${text}" was not shown in the widget`));
    await shop.waitForFunction(t => {
      const us = [...document.querySelector('#destek-widget').shadowRoot.querySelectorAll('.log .m.u')];
      const last = us.reverse().find(u => u.querySelector('.bub').textContent === t);
      return last && /iletildi/.test(last.querySelector('.tick').textContent);
    }, text, { timeout: STEP_MS }).catch(() => fail(`no ack for the shopper message "${text}"`));
  }
  async function shopSees(re, what) {
    await shop.waitForFunction(src => {
      const r = new RegExp(src, 'i');
      return r.test(document.querySelector('#destek-widget').shadowRoot.querySelector('.log').textContent);
    }, re.source, { timeout: STEP_MS }).catch(() => fail(`the shopper does not see ${what} (${re})`));
  }
  const shopText = () => shop.evaluate(() => document.querySelector('#destek-widget').shadowRoot.querySelector('.log').textContent);

  /* ---------- agent side helpers ---------- */
  const transcript = con.locator('#transcript');
  const composer = con.locator('#composer-input');
  async function conSees(sel, text, what) {
    await con.locator(sel, { hasText: text }).last().waitFor({ timeout: STEP_MS })
      .catch(() => fail(`the console does not show ${what}`));
  }
  async function confirmOk(label) {
    await con.locator('#confirm').waitFor({ state: 'visible' }).catch(() => fail(`no confirmation dialog for "${label}"`));
    const ok = (await con.locator('#confirm-ok').textContent()).trim();
    if (!ok) fail('the confirmation dialog has no confirm button label');
    await con.locator('#confirm-ok').click();
    await con.locator('#confirm').waitFor({ state: 'hidden' });
  }

  const ASK = 'müşteri temsilcisine bağlanmak istiyorum';

  step = 'shopper opens the widget';
  const resp = await shop.goto(BASE + '/', { waitUntil: 'load' });
  if (!resp || !resp.ok()) fail(`GET / answered ${resp && resp.status()}`);
  await shop.evaluate(() => window.destek.open());
  await shop.locator(`${W} .st[data-s=on]`).waitFor().catch(() => fail('the widget did not get a welcome'));

  step = 'shopper verifies an order with the bot first';
  let botBefore;
  for (const text of ['siparişim nerede', '1048213', 'ayse@example.com']) {
    botBefore = await wBotMsgs.count();
    await shopSay(text);
    await shop.waitForFunction(n => document.querySelector('#destek-widget').shadowRoot
      .querySelectorAll('.log .m.b:not(.intro)').length > n, botBefore, { timeout: STEP_MS })
      .catch(() => fail(`no bot reply to "${text}"`));
    if ((await shopText()).includes('YK123456789TR')) break;
  }
  if (!(await shopText()).includes('YK123456789TR')) fail('the order-status dialogue did not reach the tracking number YK123456789TR');

  step = 'shopper asks for a person';
  botBefore = await wBotMsgs.count();
  await shopSay(ASK);
  await shop.waitForFunction(n => document.querySelector('#destek-widget').shadowRoot
    .querySelectorAll('.log .m.b:not(.intro)').length > n, botBefore, { timeout: STEP_MS })
    .catch(() => fail('no bot reply to the hand-off request'));
  await shopSees(/temsilciye aktarıyorum|temsilcisine aktarıyorum|sırasındaki yeriniz/, 'the queued hand-off message');
  log('shopper: queued hand-off message shown');

  step = 'agent console: log-in page';
  const r2 = await con.goto(BASE + '/agent.html', { waitUntil: 'load' });
  if (!r2 || !r2.ok()) fail(`GET /agent.html answered ${r2 && r2.status()}`);
  if (!/Temsilci paneli/.test(await con.title())) fail(`unexpected console title "${await con.title()}"`);
  await con.locator('#login-token').waitFor({ state: 'visible' }).catch(() => fail('no token field on the log-in page'));
  if (!(await con.evaluate(() => document.activeElement && document.activeElement.id === 'login-token'))) fail('the token field is not focused on load');

  step = 'agent console: a wrong token is refused';
  await con.locator('#login-token').fill('yanlis-anahtar-' + 'x'.repeat(20));
  await con.keyboard.press('Enter');
  await con.locator('#login-error', { hasText: /geçersiz|Giriş yapılamadı|bağlanılamadı/i }).waitFor()
    .catch(() => fail('a wrong token shows no error on the log-in page'));
  if (await con.locator('#app').isVisible()) fail('a wrong token opened the console');
  await con.screenshot({ path: path.join(SHOTS, 'console-login.png') });

  step = 'agent console: log in with the token';
  await con.locator('#login-token').fill(TOKEN);
  await con.keyboard.press('Enter');
  await con.locator('#app').waitFor({ state: 'visible' }).catch(() => fail('the console did not open after log-in (no "authed")'));
  await con.locator('#conn[data-s=on]').waitFor();
  const agentName = (await con.locator('#me').textContent()).trim();
  if (!agentName) fail('the console does not show the agent name');
  if (con.url().includes(TOKEN)) fail('the token appears in the URL');
  const stored = await con.evaluate(t => Object.keys(sessionStorage).some(k => sessionStorage.getItem(k) === t) &&
    !Object.keys(localStorage).some(k => localStorage.getItem(k).includes(t)), TOKEN);
  if (!stored) fail('the token is not kept in sessionStorage (or leaked into localStorage)');
  log(`agent "${agentName}" logged in`);

  step = 'agent console: the conversation is in the queue';
  const qItem = con.locator('#queue li', { hasText: 'müşteri temsilcisine' }).last();  // the newest
  await qItem.waitFor().catch(() => fail(`the queue does not show the waiting conversation with its preview "${ASK}"`));
  const convId = await qItem.getAttribute('data-conv');
  const prio = await qItem.getAttribute('data-priority');
  if (!convId) fail('the queue item has no conversation id');
  if (!/^(urgent|normal)$/.test(prio || '')) fail(`the queue item has priority "${prio}"`);
  const prioLabel = (await qItem.locator('.pill').last().textContent()).trim();
  if (!/^!?(Acil|Normal)$/.test(prioLabel)) fail(`the priority label is "${prioLabel}"`);
  const w1 = (await qItem.locator('.wait').textContent()).trim();
  if (!/\d+ (sn|dk|sa)/.test(w1)) fail(`the waiting time reads "${w1}"`);
  await con.waitForTimeout(2100);
  const w2 = (await con.locator(`#queue li[data-conv="${convId}"] .wait`).textContent()).trim();
  if (w1 === w2) fail(`the waiting time does not tick ("${w1}" after 2.1 s)`);
  log(`queue: #${convId} ${prio}, waiting ${w2}, "${(await qItem.locator('.qi-preview').textContent()).trim()}"`);

  await con.screenshot({ path: path.join(SHOTS, 'handoff-console-queue.png') });

  let con2 = null;
  if (TOKEN2) {
    step = 'a second agent sees the same conversation';
    const ctx2 = await browser.newContext({ ...opts, viewport: { width: 1280, height: 800 } });
    ctx2.setDefaultTimeout(STEP_MS);
    // hold back the second console's queue updates, so it still shows the conversation
    // after the first agent took it and its claim reaches the server second
    let freeze = false;
    await ctx2.routeWebSocket(/\/ws\/agent$/, ws => {
      const server = ws.connectToServer();
      ws.onMessage(m => server.send(m));
      server.onMessage(m => { if (!(freeze && /"type":"(queue|offer)"/.test(String(m)))) ws.send(m); });
      ws.onClose(() => server.close());
      server.onClose(() => ws.close());
    });
    con2 = await ctx2.newPage();
    watch(con2, 'agent2');
    await con2.goto(BASE + '/agent.html', { waitUntil: 'load' });
    await con2.locator('#login-token').fill(TOKEN2);
    await con2.keyboard.press('Enter');
    await con2.locator('#app').waitFor({ state: 'visible' }).catch(() => fail('the second agent cannot log in'));
    await con2.locator(`#queue li[data-conv="${convId}"]`).waitFor().catch(() => fail('the second agent does not see the conversation in the queue'));
    freeze = true;
  }

  step = 'agent claims the conversation';
  await qItem.locator('button.claim').click();
  await con.locator('#conv').waitFor({ state: 'visible' }).catch(() => fail('claiming did not open the conversation (no "claimed")'));
  await conSees('#transcript .msg.shopper .bub', ASK, 'the shopper\'s hand-off request in the transcript');
  await con.locator('#transcript .msg.bot .chip').first().waitFor()
    .catch(() => fail('the transcript does not show what the bot understood (intent chip on a bot message)'));
  const chip = (await con.locator('#transcript .msg.bot .chip').first().textContent()).trim();
  if (!/%\d+/.test(chip)) fail(`the bot's intent chip shows no confidence: "${chip}"`);
  await conSees('#transcript .msg.shopper .bub', '1048213', 'the earlier bot dialogue (order 1048213) in the transcript');
  log(`transcript: bot intent chip "${chip}"`);
  const info = con.locator('#info');
  await info.locator('.order-card', { hasText: '1048213' }).waitFor()
    .catch(() => fail('the console does not show the verified order 1048213 (claimed.context.order)'));
  const orderText = (await info.locator('.order-card').textContent()).replace(/\s+/g, ' ');
  if (!orderText.includes('YK123456789TR')) fail(`the verified order shows no tracking number: "${orderText}"`);
  if (!(await info.locator('.order-card .status').count())) fail('the verified order shows no status');
  log(`what the bot knew: "${orderText.trim().slice(0, 120)}"`);
  await con.locator(`#convs [data-conv="${convId}"]`).waitFor().catch(() => fail('the claimed conversation has no tab'));
  if (await con.locator(`#queue li[data-conv="${convId}"]`).count()) {
    await con.locator(`#queue li[data-conv="${convId}"]`).waitFor({ state: 'detached' })
      .catch(() => fail('the claimed conversation stays in the queue'));
  }
  if ((await con.evaluate(() => document.activeElement && document.activeElement.id)) !== 'composer-input') fail('the reply box is not focused after claiming');

  if (con2) {
    step = 'the second agent loses the claim race (already_claimed)';
    await con2.locator(`#queue li[data-conv="${convId}"] button.claim`).click();
    await con2.locator('.toast', { hasText: /başka bir temsilci/ }).waitFor()
      .catch(() => fail('the losing agent is not told that another agent took the conversation (already_claimed)'));
    await con2.locator(`#queue li[data-conv="${convId}"]`).waitFor({ state: 'detached' })
      .catch(() => fail('the lost conversation stays in the losing agent\'s queue'));
    if (await con2.locator('#conv').isVisible()) fail('the losing agent got the conversation opened');
    if (!frames.agent2.some(f => /already_claimed/.test(f))) fail('the server did not answer the losing claim with already_claimed');
    await con2.screenshot({ path: path.join(SHOTS, 'handoff-console-lost-claim.png') });
    await con2.context().close();
    log('second agent: already_claimed shown');
  }

  step = 'shopper sees the agent joined';
  await shopSees(/sohbete katıldı/, '"… sohbete katıldı"');

  step = 'agent types: the shopper sees the typing indicator';
  const hello = 'Merhaba, ben müşteri temsilciniz. Size nasıl yardımcı olabilirim?';
  await composer.focus();
  await con.keyboard.type(hello.slice(0, 20), { delay: 15 });
  await shop.locator(`${W} .log .typing`).waitFor({ state: 'visible', timeout: STEP_MS })
    .catch(() => fail('the shopper does not see the typing indicator while the agent types (agent_typing)'));
  await con.keyboard.type(hello.slice(20));
  await con.keyboard.press('Enter');
  await conSees('#transcript .msg.agent .bub', hello, 'its own message');
  await shopSees(/Merhaba, ben müşteri temsilciniz/, 'the agent\'s message');
  await shop.locator(`${W} .log .typing`).waitFor({ state: 'detached', timeout: 5000 })
    .catch(() => fail('the typing indicator stays on the shopper side after the agent\'s message'));
  log('agent → shopper: message and typing indicator');

  step = 'shopper writes: the console sees it (and the shopper typing)';
  const q1 = 'Siparişim 1048213 hâlâ gelmedi, kargo nerede?';
  await wInput.focus();
  await shop.keyboard.type(q1.slice(0, 10), { delay: 15 });
  await con.locator('#shopper-typing').waitFor({ state: 'visible', timeout: STEP_MS })
    .catch(() => fail('the console does not show "Müşteri yazıyor…" while the shopper types (shopper_typing)'));
  await shop.keyboard.type(q1.slice(10));
  await shop.keyboard.press('Enter');
  await conSees('#transcript .msg.shopper .bub', q1, `the shopper's message "${q1}"`);
  log('shopper → agent: message and typing indicator');

  step = 'agent uses a canned answer through "/"';
  const agentMsgsBefore = await wAgentMsgs.count();
  await composer.focus();
  await con.keyboard.type('/');
  await con.locator('#canned-pop').waitFor({ state: 'visible' }).catch(() => fail('typing "/" does not open the canned answers (no "canned" frame?)'));
  const nCanned = await con.locator('#canned-pop .canned-item').count();
  if (!nCanned) fail('the canned answer list is empty');
  // filter by a few letters of the second item's id, then Enter sends the selected one
  const pickId = await con.locator('#canned-pop .canned-item').nth(Math.min(1, nCanned - 1)).getAttribute('data-canned');
  await con.keyboard.type(pickId.slice(0, 4));
  const nFiltered = await con.locator('#canned-pop .canned-item').count();
  if (!nFiltered || nFiltered > nCanned) fail(`filtering the canned answers by "${pickId.slice(0, 4)}" shows ${nFiltered} of ${nCanned}`);
  const selId = await con.locator('#canned-pop .canned-item.sel').getAttribute('data-canned');
  const selTitle = (await con.locator('#canned-pop .canned-item.sel .canned-title span').first().textContent()).trim();
  await con.keyboard.press('Enter');
  await con.locator('#canned-pop').waitFor({ state: 'hidden' });
  await shop.waitForFunction(n => document.querySelector('#destek-widget').shadowRoot.querySelectorAll('.log .m.b .who').length > n,
    agentMsgsBefore, { timeout: STEP_MS }).catch(() => fail(`the shopper did not get the canned answer "${selId}"`));
  const cannedSeen = (await shop.locator(`${W} .log .m.b`).last().locator('.bub').textContent()).trim();
  if (!cannedSeen) fail('the canned answer arrived empty');
  if (/\{[a-z_]+\}/i.test(cannedSeen)) fail(`the canned answer reached the shopper with unrendered variables: "${cannedSeen}"`);
  if ((await composer.inputValue()) !== '') fail('the reply box is not empty after sending a canned answer');
  log(`canned "${selId}" (${nCanned} answers, "${selTitle}") → shopper: "${cannedSeen.replace(/\s+/g, ' ').slice(0, 80)}"`);

  step = 'agent adds an internal note (Alt+N)';
  const note = 'Dahili not: kargo firması aranacak, müşteri sabırsız';
  await composer.focus();
  await con.keyboard.press('Alt+n');
  if ((await con.locator('#mode-note').getAttribute('aria-checked')) !== 'true') fail('Alt+N does not switch the box to an internal note');
  await con.keyboard.type(note);
  await con.keyboard.press('Enter');
  await conSees('#transcript .msg.note .bub', note, 'the internal note');
  const noteBg = await con.locator('#transcript .msg.note .bub').last().evaluate(e => getComputedStyle(e).backgroundColor);
  const agentBg = await con.locator('#transcript .msg.agent .bub').last().evaluate(e => getComputedStyle(e).backgroundColor);
  if (noteBg === agentBg) fail('the note looks the same as a message to the shopper');
  await con.keyboard.press('Alt+n');
  if ((await con.locator('#mode-reply').getAttribute('aria-checked')) !== 'true') fail('Alt+N does not switch back to a reply');
  // the note must never reach the shopper: send another message after it and check the widget then
  const after = 'Kargo firmasıyla görüşüyorum, bir dakika lütfen.';
  await con.keyboard.type(after);
  await con.keyboard.press('Enter');
  await shopSees(/Kargo firmasıyla görüşüyorum/, 'the agent\'s message after the note');
  if ((await shopText()).includes('kargo firması aranacak')) fail('the shopper sees the internal note');
  if (frames.shop.some(f => f.includes('kargo firması aranacak'))) fail('the internal note was sent to the shopper\'s WebSocket');
  log('note shown in the console only');

  step = 'screenshots with an open conversation';
  await shop.screenshot({ path: path.join(SHOTS, 'handoff-widget.png') });
  await con.screenshot({ path: path.join(SHOTS, 'handoff-console.png') });

  step = 'agent releases to the bot';
  await con.locator('#btn-release').click();
  await confirmOk('release');
  await shopSees(/asistan olarak devam/, 'the hand-back to the bot ("Sohbete asistan olarak devam ediyorum.")');
  await con.locator('#conv-ended', { hasText: /asistana devredildi/ }).waitFor({ state: 'visible' })
    .catch(() => fail('the console does not show the conversation as released'));
  await con.locator(`#convs [data-conv="${convId}"]`, { hasText: /Asistana devredildi/ }).waitFor()
    .catch(() => fail('the conversation tab does not say it was released'));

  step = 'the bot answers again after the release';
  botBefore = await wBotMsgs.count();
  const agentCount = await wAgentMsgs.count();
  await shopSay('kargo ücreti ne kadar');
  await shop.waitForFunction(n => document.querySelector('#destek-widget').shadowRoot
    .querySelectorAll('.log .m.b:not(.intro)').length > n, botBefore, { timeout: STEP_MS })
    .catch(() => fail('the bot does not answer after the release'));
  if ((await wAgentMsgs.count()) !== agentCount) fail('after the release the answer came from the agent, not the bot');
  log('released: the bot answers again');

  step = 'second hand-off: queued again and claimed';
  await shopSay(ASK);
  await shop.waitForFunction(() => (document.querySelector('#destek-widget').shadowRoot.querySelector('.log').textContent
    .match(/sırasındaki yeriniz/g) || []).length >= 2, null, { timeout: STEP_MS })
    .catch(() => fail('the second hand-off is not shown to the shopper as queued'));
  const qItem2 = con.locator(`#queue li[data-conv="${convId}"]`);
  await qItem2.waitFor().catch(() => fail(`conversation #${convId} does not come back to the queue after the second hand-off`));
  await qItem2.locator('button.claim').click();
  await con.locator('#conv-ended').waitFor({ state: 'hidden' }).catch(() => fail('the second claim did not reopen the conversation'));
  await con.locator('#composer-input').waitFor({ state: 'visible' });
  await shop.waitForFunction(() => (document.querySelector('#destek-widget').shadowRoot.querySelector('.log').textContent
    .match(/sohbete katıldı/g) || []).length >= 2, null, { timeout: STEP_MS })
    .catch(() => fail('the shopper does not see the agent join the second time'));
  await con.keyboard.type('Tekrar merhaba, kaldığımız yerden devam edelim.');
  await con.keyboard.press('Enter');
  await shopSees(/Tekrar merhaba/, 'the agent\'s message in the second hand-off');

  step = 'agent closes; the shopper gets the survey';
  await con.locator('#btn-close').click();
  await confirmOk('close');
  await shop.locator(`${W} .survey`).waitFor({ state: 'visible' }).catch(() => fail('the shopper does not get the 1-5 survey after the close'));
  const scores = await shop.locator(`${W} .survey .scores button`).allTextContents();
  if (scores.join(',') !== '1,2,3,4,5') fail(`the survey offers ${scores.join(',')}`);
  await con.locator('#conv-ended', { hasText: /kapatıldı/ }).waitFor({ state: 'visible' })
    .catch(() => fail('the console does not show the conversation as closed'));
  await shop.screenshot({ path: path.join(SHOTS, 'handoff-widget-survey.png') });

  step = 'shopper rates 5 with a comment; the console shows the rating';
  const comment = 'Çok hızlı ve ilgiliydiniz, teşekkürler!';
  await shop.locator(`${W} .survey .scores button`, { hasText: '5' }).click();
  await shop.locator(`${W} .survey textarea`).fill(comment);
  await shop.locator(`${W} .survey button[type=submit]`).click();
  await shopSees(/Değerlendirmeniz kaydedildi/, 'the thanks after rating (rating_saved)');
  await con.locator('#transcript .msg.rating', { hasText: '5/5' }).waitFor()
    .catch(() => fail('the console does not show the shopper\'s rating 5/5 (no "rating" frame?)'));
  await conSees('#transcript .msg.rating', comment, 'the rating comment');
  await con.locator(`#convs [data-conv="${convId}"]`, { hasText: /puan 5\/5/ }).waitFor()
    .catch(() => fail('the conversation tab does not show the rating'));
  await con.screenshot({ path: path.join(SHOTS, 'handoff-console-rating.png') });
  log('closed, survey answered 5 with a comment, rating shown in the console');

  step = 'no errors on either page';
  if (problems.length) fail('errors on the pages');
}

main().then(() => finish(), finish);
