#!/usr/bin/env node
// Browser test of what the widget's header and footer tell the shopper (docs/WIDGET.md,
// "Header"), and of the agent console's presence line, against a running `destek serve`,
// on a 390x844 touch phone and a 1366x768 desktop:
//   MODE=open AGENT_TOKEN=... node tests/browser/header.test.js BASE_URL [SCREENSHOT_DIR]
//       (--hours open, one agent) the bot answering with nobody at work, then with the agent
//       logged in (told by the server's availability frame, at the widget's next ping);
//       queued for a person with the server's estimate, again after a reload (the notice too,
//       once); the agent's name once it joined, again after a reload; back to the bot after
//       the close; the console's "Sohbet penceresi açık" cleared when the shopper leaves,
//       shown again when they come back, both also after a reload of the console; a page
//       with data-subtitle shows it while people are on duty
//   MODE=closed SHOP_JSON=intents/shop.json node tests/browser/header.test.js BASE_URL [DIR]
//       (--hours closed) when people are back, from the server (an opening time of
//       shop.json), and that the assistant takes the request, in the footer; the after-hours
//       notice once through the request and once after a reload; data-subtitle not shown;
//       a long return date wraps inside the header
// Every header is checked to fit: nothing wider than the panel, the close button on screen,
// the status at most two lines. Driven by tests/browser/header.sh. Exit 0 on success, 1 on
// any failure.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const BASE = process.argv[2];
const SHOTS = process.argv[3] || fs.mkdtempSync(path.join(os.tmpdir(), 'destek-shots-'));
const MODE = process.env.MODE || 'open';
const TOKEN = process.env.AGENT_TOKEN || '';
const SHOP_JSON = process.env.SHOP_JSON || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 15000;
const PING_MS = 40000;   // the widget pings every 25 s; the server answers a change after the pong
const TOTAL_MS = 210000;
if (!BASE || (MODE === 'open' && !TOKEN) || (MODE === 'closed' && !SHOP_JSON)) {
  console.error('usage: MODE=open AGENT_TOKEN=T | MODE=closed SHOP_JSON=F node header.test.js BASE_URL [DIR]');
  process.exit(2);
}
fs.mkdirSync(SHOTS, { recursive: true });

const BOT_FOOT = 'Otomatik asistan · Gerekirse sizi bir temsilciye aktarır';
const QUEUE_FOOT = 'Beklerken asistana yazmaya devam edebilirsiniz';
const AGENT_FOOT = 'Bir müşteri temsilcisiyle yazışıyorsunuz';
const CLOSED_FOOT = 'Mesai dışı · Asistan talebinizi alıp temsilcilerimize iletir';
const ASK = 'müşteri temsilcisine bağlanmak istiyorum';
const W = '#destek-widget';

const frames = {};
const problems = [];
let step = 'start';
let browser;
function log(msg) { console.log(`[header-test ${MODE}] ${msg}`); }
function fail(msg) { throw new Error(msg); }
const redact = s => String(s).split(TOKEN || '\u0000').join('<token>').slice(0, 400);
const killer = setTimeout(() => { finish(new Error(`timed out after ${TOTAL_MS / 1000} s`)); }, TOTAL_MS);

async function finish(err) {
  clearTimeout(killer);
  if (err) {
    console.error(`[header-test ${MODE}] FAIL at step "${step}": ${err.message}`);
    if (problems.length) console.error('page errors:\n  ' + problems.join('\n  '));
    for (const k of Object.keys(frames)) if (frames[k].length) console.error(`last WebSocket frames of ${k}:\n  ` + frames[k].slice(-20).join('\n  '));
  } else log(`PASS (screenshots in ${SHOTS})`);
  try { if (browser) await Promise.race([browser.close(), new Promise(r => setTimeout(r, 5000))]); } catch (e) { /* ignore */ }
  process.exit(err ? 1 : 0);
}

const received = {};   /* page name -> the frames it received, parsed */
function watch(page, name) {
  frames[name] = frames[name] || [];
  received[name] = received[name] || [];
  page.on('pageerror', e => problems.push(`pageerror (${name}): ${e.message}`));
  page.on('websocket', ws => {
    frames[name].push(`open ${ws.url()}`);
    ws.on('framesent', f => frames[name].push(`> ${redact(f.payload)}`));
    ws.on('framereceived', f => {
      frames[name].push(`< ${redact(f.payload)}`);
      try { received[name].push(JSON.parse(f.payload)); } catch (e) { /* not JSON */ }
    });
  });
}
/* the newest frame of a type a page received */
function lastFrame(name, type) {
  const all = received[name] || [];
  for (let i = all.length - 1; i >= 0; i--) if (all[i] && all[i].type === type) return all[i];
  return null;
}

const VIEWPORTS = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  desktop: { viewport: { width: 1366, height: 768 } },
};

/* the header's line, the footer's, and whether the header fits */
function header(page) {
  return page.evaluate(() => {
    const r = document.querySelector('#destek-widget').shadowRoot;
    const head = r.querySelector('.head'), st = r.querySelector('.st'), stt = r.querySelector('.stt');
    const x = r.querySelector('.x'), fine = r.querySelector('.fine');
    const vw = window.visualViewport ? window.visualViewport.width : window.innerWidth;
    const range = document.createRange(); range.selectNodeContents(stt);
    const tops = new Set([...range.getClientRects()].map(q => Math.round(q.top)));
    const xr = x.getBoundingClientRect(), sr = stt.getBoundingClientRect(), hr = head.getBoundingClientRect();
    const why = [];
    if (head.scrollWidth > head.clientWidth + 1) why.push(`the header is ${head.scrollWidth} px wide in ${head.clientWidth}`);
    if (stt.scrollWidth > stt.clientWidth + 1) why.push(`the status is ${stt.scrollWidth} px wide in ${stt.clientWidth}`);
    if (hr.left < -0.5 || hr.right > vw + 0.5) why.push(`the header spans ${hr.left}..${hr.right} of ${vw}`);
    if (xr.left < 0 || xr.right > vw + 0.5 || xr.top < 0) why.push(`the close button at ${xr.left}..${xr.right}, top ${xr.top}`);
    if (sr.right > xr.left + 0.5) why.push('the status runs under the close button');
    if (tops.size > 2) why.push(`the status takes ${tops.size} lines`);
    if (fine.scrollWidth > fine.clientWidth + 1) why.push(`the footer line is ${fine.scrollWidth} px wide in ${fine.clientWidth}`);
    return { text: stt.textContent, fine: fine.textContent, on: st.getAttribute('data-s') === 'on',
      away: st.hasAttribute('data-away'), lines: tops.size, why };
  });
}
/* waits for the header to read `want` (a string: exactly; a RegExp), then checks it fits */
async function expectHeader(page, want, foot, what) {
  const src = want instanceof RegExp ? want.source : null;
  await page.waitForFunction(([s, r]) => {
    const t = document.querySelector('#destek-widget').shadowRoot.querySelector('.stt').textContent;
    return r ? new RegExp(r).test(t) : t === s;
  }, [want instanceof RegExp ? null : want, src], { timeout: what.slow ? PING_MS : STEP_MS })
    .catch(async () => fail(`${what.label || what}: the header reads "${(await header(page)).text}", not ${want instanceof RegExp ? want : '"' + want + '"'}`));
  const h = await header(page);
  if (foot !== undefined && h.fine !== foot) fail(`${what.label || what}: the footer reads "${h.fine}", not "${foot}"`);
  if (h.why.length) fail(`${what.label || what}: the header does not fit (${h.text}): ${h.why.join('; ')}`);
  if (/hemen yanıt/i.test(h.text + ' ' + h.fine) && MODE === 'closed') fail(`${what.label || what}: after hours the header claims an immediate answer: "${h.text}"`);
  return h;
}

/* the widget's system notices, in screen order */
const notices = page => page.evaluate(() => [...document.querySelector('#destek-widget').shadowRoot
  .querySelectorAll('.log > .sys')].map(d => d.textContent));

async function openShop(ctx, name) {
  const shop = await ctx.newPage();
  watch(shop, name);
  const resp = await shop.goto(BASE + '/', { waitUntil: 'load' });
  if (!resp || !resp.ok()) fail(`GET / answered ${resp && resp.status()}`);
  await shop.evaluate(() => window.destek.open());
  await shop.locator(`${W} .st[data-s=on]`).waitFor().catch(() => fail(`${name}: the widget did not get a welcome`));
  return shop;
}
async function reloadShop(shop, name) {
  await shop.reload({ waitUntil: 'load' });
  await shop.locator(`${W} .panel:not([hidden])`).waitFor().catch(() => fail(`${name}: the panel did not reopen after the reload`));
  await shop.locator(`${W} .st[data-s=on]`).waitFor().catch(() => fail(`${name}: no welcome after the reload`));
}
/* the shopper writes text and waits for one more bot message */
async function say(shop, text) {
  const n = await shop.locator(`${W} .log .m.b:not(.intro)`).count();
  await shop.locator(`${W} textarea#dk-in`).fill(text);
  await shop.locator(`${W} textarea#dk-in`).press('Enter');
  await shop.waitForFunction(k => document.querySelector('#destek-widget').shadowRoot
    .querySelectorAll('.log .m.b:not(.intro)').length > k, n, { timeout: STEP_MS })
    .catch(() => fail(`no bot reply to "${text}"`));
}
/* the demo page with data-subtitle on its widget tag (set as the parser inserts the tag,
   before the deferred loader reads it: a page of our own from a route would be a public
   page to Chromium, refused a WebSocket to the loopback server) */
async function subtitleShop(ctx, name) {
  const shop = await ctx.newPage();
  await shop.addInitScript(() => {
    new MutationObserver((_, obs) => {
      const s = document.querySelector('script[src*="widget.js"]');
      if (s) { s.setAttribute('data-subtitle', 'Hemen yanıt veriyoruz'); obs.disconnect(); }
    }).observe(document, { childList: true, subtree: true });
  });
  watch(shop, name);
  await shop.goto(BASE + '/', { waitUntil: 'load' });
  await shop.evaluate(() => window.destek.open());
  await shop.locator(`${W} .st[data-s=on]`).waitFor().catch(() => fail(`${name}: the widget did not get a welcome`));
  return shop;
}

async function main() {
  step = 'launch chromium';
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, timeout: 30000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const opts = { locale: 'tr-TR', timezoneId: 'Europe/Istanbul' };
  const contexts = {};
  for (const [k, v] of Object.entries(VIEWPORTS)) {
    contexts[k] = await browser.newContext({ ...opts, ...v });
    contexts[k].setDefaultTimeout(STEP_MS);
  }
  if (MODE === 'closed') await closedHours(contexts, opts);
  else await openHours(contexts, opts);
}

/* ---------- --hours open ---------- */
async function openHours(contexts, opts) {
  step = 'the bot answers; nobody is at work yet';
  const shops = {};
  for (const k of Object.keys(VIEWPORTS)) {
    shops[k] = await openShop(contexts[k], k);
    const h = await expectHeader(shops[k], 'Asistan yanıtlıyor', BOT_FOOT, `${k}, no agent at work`);
    if (h.away) fail(`${k}: in working hours the header is marked off duty`);
    const w = lastFrame(k, 'welcome');
    if (!w || !w.availability || w.availability.hours !== 'open' || w.availability.agents !== false) fail(`${k}: the welcome's availability ${JSON.stringify(w && w.availability)}`);
  }

  step = 'an agent logs in: the open widgets are told at their next ping';
  const conCtx = await browser.newContext({ ...opts, viewport: { width: 1366, height: 768 } });
  conCtx.setDefaultTimeout(STEP_MS);
  let con = await conCtx.newPage();
  watch(con, 'console');
  await con.goto(BASE + '/agent.html', { waitUntil: 'load' });
  await con.locator('#login-token').fill(TOKEN);
  await con.keyboard.press('Enter');
  await con.locator('#conn[data-s=on]').waitFor().catch(() => fail('the agent did not log in'));
  const agentName = (await con.locator('#me').textContent()).trim();
  const PEOPLE = 'Asistan yanıtlıyor · Temsilciler çevrimiçi';
  await Promise.all(Object.keys(shops).map(k =>
    expectHeader(shops[k], PEOPLE, BOT_FOOT, { label: `${k}, an agent at work`, slow: true })));
  for (const k of Object.keys(shops)) {
    const a = lastFrame(k, 'availability');
    if (!a || a.agents !== true) fail(`${k}: the header changed without an availability frame`);
    await shops[k].screenshot({ path: path.join(SHOTS, `header-${k}-bot.png`) });
  }
  log(`bot in hours: "${PEOPLE}" on both, told by an availability frame`);

  for (const k of Object.keys(VIEWPORTS)) {
    const shop = shops[k];
    step = `${k}: queued for a person`;
    await say(shop, ASK);
    await shop.waitForFunction(() => /Temsilci sırasındaki yeriniz/.test(document.querySelector('#destek-widget').shadowRoot.querySelector('.log').textContent))
      .catch(() => fail(`${k}: no queue notice`));
    const q = lastFrame(k, 'handoff');
    if (!q || q.state !== 'queued' || !(q.eta_s > 0)) fail(`${k}: the queued hand-off ${JSON.stringify(q)}`);
    const min = Math.max(1, Math.round(q.eta_s / 60));
    const QUEUED = `Temsilci bekleniyor · Tahmini ${min} dk`;
    await expectHeader(shop, QUEUED, QUEUE_FOOT, `${k}, queued`);
    const before = (await notices(shop)).filter(t => /sırasındaki yeriniz/.test(t));
    if (before.length !== 1 || !before[0].includes(`Tahmini bekleme: ${min} dk`)) fail(`${k}: the queue notice ${JSON.stringify(before)}`);
    await shop.screenshot({ path: path.join(SHOTS, `header-${k}-queued.png`) });

    step = `${k}: queued, after a reload`;
    await reloadShop(shop, k);
    await expectHeader(shop, QUEUED, QUEUE_FOOT, `${k}, queued after a reload`);
    await shop.waitForFunction(() => /Temsilci sırasındaki yeriniz/.test(document.querySelector('#destek-widget').shadowRoot.querySelector('.log').textContent))
      .catch(() => fail(`${k}: after a reload the shopper is not told again that they are in the queue`));
    await shop.waitForTimeout(600); /* a second notice would come now */
    const after = (await notices(shop)).filter(t => /sırasındaki yeriniz/.test(t));
    if (after.length !== 1 || after[0] !== before[0]) fail(`${k}: after a reload the queue notice is ${JSON.stringify(after)}, before it ${JSON.stringify(before)}`);
    await shop.screenshot({ path: path.join(SHOTS, `header-${k}-queued-reload.png`) });
    log(`${k}: "${QUEUED}" and "${after[0]}", again after a reload`);

    step = `${k}: the agent joins`;
    const item = con.locator('#queue li', { hasText: ASK }).last();
    await item.waitFor().catch(() => fail('the queue does not show the waiting shopper'));
    const conv = await item.getAttribute('data-conv');
    await item.locator('button.claim').click();
    await con.locator(`#transcript`).waitFor();
    const AGENT = `Temsilciniz ${agentName} sohbette`;
    await expectHeader(shop, AGENT, AGENT_FOOT, `${k}, with the agent`);
    await shop.screenshot({ path: path.join(SHOTS, `header-${k}-agent.png`) });
    const presenceOn = () => con.locator('.presence.on', { hasText: 'Sohbet penceresi açık' }).waitFor({ state: 'attached' });
    const presenceOff = () => con.locator('.presence:not(.on)', { hasText: 'bağlı değil' }).waitFor({ state: 'attached' });
    await presenceOn().catch(() => fail('the console does not show the shopper as there'));

    step = `${k}: with the agent, after a reload`;
    await reloadShop(shop, k);
    await expectHeader(shop, AGENT, AGENT_FOOT, `${k}, with the agent after a reload`);
    await presenceOn().catch(() => fail('after the shopper\'s reload the console does not show them as there'));

    step = `${k}: the shopper leaves; the console says so, after its own reload too`;
    const shopCtx = shop.context();
    await shop.close();
    await presenceOff().catch(() => fail('the console still says the chat is open after the shopper left'));
    await con.reload({ waitUntil: 'load' });
    await con.locator('#conn[data-s=on]').waitFor().catch(() => fail('the console did not log back in after a reload'));
    await con.locator(`#tab-${conv}`).click().catch(() => {});
    await presenceOff().catch(() => fail('after a reload the console says the chat is open, with the shopper gone'));
    if (await con.locator('.presence.on').count()) fail('the console shows the shopper both there and gone');
    await con.screenshot({ path: path.join(SHOTS, `header-console-${k}-left.png`) });

    step = `${k}: the shopper comes back`;
    const back = await shopCtx.newPage();
    watch(back, k);
    await back.goto(BASE + '/', { waitUntil: 'load' });
    await back.evaluate(() => window.destek.open());
    await back.locator(`${W} .st[data-s=on]`).waitFor().catch(() => fail(`${k}: the returning shopper got no welcome`));
    await presenceOn().catch(() => fail('the console does not show the returning shopper as there'));
    await expectHeader(back, AGENT, AGENT_FOOT, `${k}, back with the agent`);
    await con.reload({ waitUntil: 'load' });
    await con.locator('#conn[data-s=on]').waitFor();
    await con.locator(`#tab-${conv}`).click().catch(() => {});
    await presenceOn().catch(() => fail('after a reload the console does not show the shopper as there'));
    log(`${k}: "${AGENT}"; the console's presence line follows the shopper leaving and coming back, across reloads`);

    step = `${k}: the agent closes; the bot again`;
    await con.locator('#btn-close').click();
    await con.locator('#confirm').waitFor({ state: 'visible' });
    await con.locator('#confirm-ok').click();
    await back.locator(`${W} .survey`).waitFor().catch(() => fail(`${k}: no survey after the close`));
    await expectHeader(back, PEOPLE, BOT_FOOT, `${k}, after the close`);
    shops[k] = back;
  }

  step = 'a page with data-subtitle, in working hours';
  const sub = await subtitleShop(contexts.phone, 'subtitle');
  await expectHeader(sub, 'Çevrimiçi · Hemen yanıt veriyoruz', BOT_FOOT, 'data-subtitle in hours');
  log('data-subtitle shown while people are on duty');
}

/* ---------- --hours closed ---------- */
function openingTimes(hours, ymd, weekday) {
  for (const h of hours.holidays || []) if (h.date === ymd) return h.open ? [h.open] : [];
  const d = (hours.weekly || {})[['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][weekday]];
  return d && d.open ? [d.open] : [];
}

async function closedHours(contexts) {
  const hours = JSON.parse(fs.readFileSync(SHOP_JSON, 'utf8')).hours;
  for (const k of Object.keys(VIEWPORTS)) {
    step = `${k}: after hours`;
    const shop = await openShop(contexts[k], k);
    const a = (lastFrame(k, 'welcome') || {}).availability || {};
    if (a.hours !== 'closed' || !a.back || !a.back_at) fail(`${k}: the welcome's availability ${JSON.stringify(a)}`);
    /* the time is the server's, from shop.json: the opening of that day in Istanbul */
    const local = new Date(Date.parse(a.back_at) + 3 * 3600 * 1000);
    const ymd = local.toISOString().slice(0, 10), hm = local.toISOString().slice(11, 16);
    if (!openingTimes(hours, ymd, local.getUTCDay()).includes(hm)) fail(`${k}: back_at ${a.back_at} is not an opening time of shop.json`);
    if (!a.back.includes(hm)) fail(`${k}: back "${a.back}" does not say ${hm}`);
    const CLOSED = `Temsilcilerimiz ${a.back} burada`;
    const h = await expectHeader(shop, CLOSED, CLOSED_FOOT, `${k}, after hours`);
    if (!h.away) fail(`${k}: after hours the header is not marked off duty`);
    await shop.screenshot({ path: path.join(SHOTS, `header-${k}-closed.png`) });

    step = `${k}: an offline request; the notice once`;
    for (const t of [ASK, 'Ayşe Yılmaz', 'ayse@example.com', 'yok', 'Kargom üç gündür aynı şubede bekliyor.']) await say(shop, t);
    await shop.waitForTimeout(800);
    const away = (await notices(shop)).filter(t => /yeniden burada olacak/.test(t));
    if (away.length !== 1) fail(`${k}: the after-hours notice is shown ${away.length} times: ${JSON.stringify(await notices(shop))}`);
    await expectHeader(shop, CLOSED, CLOSED_FOOT, `${k}, after the request`);

    step = `${k}: after a reload, the notice once again`;
    await reloadShop(shop, k);
    await expectHeader(shop, CLOSED, CLOSED_FOOT, `${k}, after hours after a reload`);
    await shop.waitForTimeout(800);
    const again = (await notices(shop)).filter(t => /yeniden burada olacak/.test(t));
    if (again.length !== 1 || again[0] !== away[0]) fail(`${k}: after a reload the after-hours notice is ${JSON.stringify(again)}`);
    log(`${k}: "${CLOSED}" / "${CLOSED_FOOT}"; the notice "${again[0]}" once, before and after a reload`);

    step = `${k}: data-subtitle is not shown after hours`;
    const sub = await subtitleShop(contexts[k], k + '-subtitle');
    await expectHeader(sub, CLOSED, CLOSED_FOOT, `${k}, data-subtitle after hours`);
    await sub.close();
  }

  step = 'a long return date wraps inside the phone header';
  const ctx = contexts.phone;
  await ctx.clearCookies();
  const page = await ctx.newPage();
  await page.goto(BASE + '/', { waitUntil: 'load' });
  await page.evaluate(() => { localStorage.clear(); sessionStorage.clear(); });
  await page.routeWebSocket(/\/ws\/chat$/, ws => {
    const server = ws.connectToServer();
    ws.onMessage(m => server.send(m));
    server.onMessage(m => {
      const f = JSON.parse(String(m));
      if (f.type === 'welcome' && f.availability) f.availability.back = "21 Mart Cumartesi 10:00'da";
      ws.send(JSON.stringify(f));
    });
    ws.onClose(() => server.close());
    server.onClose(() => ws.close());
  });
  watch(page, 'long');
  await page.reload({ waitUntil: 'load' });
  await page.evaluate(() => window.destek.open());
  await page.locator(`${W} .st[data-s=on]`).waitFor();
  const h = await expectHeader(page, "Temsilcilerimiz 21 Mart Cumartesi 10:00'da burada", CLOSED_FOOT, 'a long return date');
  await page.screenshot({ path: path.join(SHOTS, 'header-phone-closed-long.png') });
  log(`a long return date in ${h.lines} line(s), inside the header`);
}

main().then(() => finish(), finish);
