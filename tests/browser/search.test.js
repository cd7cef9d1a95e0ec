#!/usr/bin/env node
// Browser test of search and read-only reading in the agent console, for an agent
// (not a supervisor), against the real server: a customer writes two conversations
// (hello; "1048213 siparişim"; "ayse@example.com"; a message with a word of its own);
// the console searches by the order number, the e-mail and each word, opens one
// conversation read-only (no composer, "Salt okunur"), sees the other under
// "Müşterinin önceki sohbetleri" and opens it; pages back with "Önceki mesajlar" in the long
// conversation console_paging.test.js left; an empty search reads "Sonuç yok";
// a search error (an `error` naming no conversation, sent by the test in place of
// the server's answer) is a toast about the search; a `claimed` frame (added by the
// test) shows context.earlier as "Müşterinin önceki sohbetleri", not as raw JSON.
//   AGENT_TOKEN=... node tests/browser/search.test.js BASE_URL [SCREENSHOT_DIR]
// Driven by tests/browser/handoff.sh after the other console tests. Exit 0 on
// success, 1 on any failure.
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
const TOTAL_MS = 120000;
const RUN = String(Date.now() % 1000000);
const MARK = ['lavanta' + RUN + 'a', 'menekse' + RUN + 'b'];   // one word of each conversation's own
const FAIL_Q = 'hatatesti' + RUN;                               // answered by the test with an error
if (!BASE || !TOKEN) { console.error('usage: AGENT_TOKEN=TOKEN node search.test.js BASE_URL [SCREENSHOT_DIR]'); process.exit(2); }
fs.mkdirSync(SHOTS, { recursive: true });

const frames = [];
const problems = [];
let step = 'start';
let browser;

function log(msg) { console.log(`[search-test] ${msg}`); }
function fail(msg) { throw new Error(msg); }
function redact(s) { return String(s).split(TOKEN).join('<token>').slice(0, 300); }

const killer = setTimeout(() => { finish(new Error(`timed out after ${TOTAL_MS / 1000} s`)); }, TOTAL_MS);

async function finish(err) {
  clearTimeout(killer);
  if (err) {
    console.error(`[search-test] FAIL at step "${step}": ${err.message}`);
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
    executablePath: CHROMIUM, headless: true, timeout: 30000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const opts = { locale: 'tr-TR', timezoneId: 'Europe/Istanbul' };

  step = 'a customer writes two conversations';
  const shopCtx = await browser.newContext({ ...opts, viewport: { width: 1280, height: 800 } });
  shopCtx.setDefaultTimeout(STEP_MS);
  const shop = await shopCtx.newPage();
  shop.on('pageerror', e => problems.push(`pageerror (shop): ${e.message}`));
  await shop.goto(BASE + '/', { waitUntil: 'load' });
  for (const mark of MARK) {
    const replies = await shop.evaluate(([url, texts]) => new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const got = [];
      let sent = 0;
      const next = () => {
        if (sent === texts.length) { ws.close(); resolve(got); return; }
        ws.send(JSON.stringify({ type: 'message', id: 'sr-' + Date.now() + '-' + sent, text: texts[sent++] }));
      };
      ws.onopen = () => ws.send(JSON.stringify({ type: 'hello' }));
      ws.onmessage = ev => {
        const m = JSON.parse(ev.data);
        if (m.type === 'welcome') next();
        else if (m.type === 'reply') { got.push(m.text); setTimeout(next, 200); }
        else if (m.type === 'error') reject(new Error(JSON.stringify(m)));
      };
      ws.onerror = () => reject(new Error('websocket error'));
      setTimeout(() => reject(new Error(`only ${sent} messages answered`)), 30000);
    }), [BASE.replace(/^http/, 'ws') + '/ws/chat', ['1048213 siparişim', 'ayse@example.com', `${mark} hakkında bir sorum var`]]);
    log(`conversation with "${mark}": ${replies.length} replies`);
  }

  step = 'agent console: log in (an agent, not a supervisor)';
  const ctx = await browser.newContext({ ...opts, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  ctx.setDefaultTimeout(STEP_MS);
  let toConsole = null;
  await ctx.routeWebSocket(/\/ws\/agent$/, ws => {
    const server = ws.connectToServer();
    toConsole = ws;
    ws.onMessage(m => {
      // the test's search gets an error naming no conversation, as the server's errors do
      try {
        const f = JSON.parse(m);
        if (f.type === 'search' && f.q === FAIL_Q) { ws.send(JSON.stringify({ type: 'error', code: 'unavailable', message: 'search is down (test)' })); return; }
      } catch (e) { /* not JSON: pass on */ }
      server.send(m);
    });
    server.onMessage(m => ws.send(m));
    ws.onClose(() => server.close());
    server.onClose(() => ws.close());
  });
  const con = await ctx.newPage();
  con.on('pageerror', e => problems.push(`pageerror (console): ${e.message}`));
  con.on('console', m => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  con.on('websocket', ws => {
    frames.push(`open ${ws.url()}`);
    ws.on('framesent', f => frames.push(`> ${redact(f.payload)}`));
    ws.on('framereceived', f => frames.push(`< ${redact(f.payload)}`));
  });
  await con.goto(BASE + '/agent.html', { waitUntil: 'load' });
  await con.locator('#login-token').fill(TOKEN);
  await con.keyboard.press('Enter');
  await con.locator('#app').waitFor({ state: 'visible' }).catch(() => fail('the console did not open after log-in'));
  await con.waitForFunction(() => window.destekAgent.state().authed).catch(() => fail('not authed'));
  if ((await con.evaluate(() => window.destekAgent.state().role)) !== 'agent') fail('the test should run as an agent');
  const label = (await con.locator('label[for="search-q"]').textContent()).trim();
  if (label !== 'Sohbet ara: sipariş no, e-posta, telefon ya da kelime') fail(`the search box is labelled "${label}"`);

  const results = () => con.locator('#search-results button.ci');
  async function search(q) {
    await con.locator('#search-q').fill(q);
    await con.locator('#search-go').click();
    await con.locator('#search').waitFor({ state: 'visible' }).catch(() => fail(`searching "${q}" shows no results pane`));
    await con.waitForFunction(() => !/Aranıyor/.test(document.getElementById('search-status').textContent))
      .catch(() => fail(`searching "${q}" never finishes`));
    return results().evaluateAll(bs => bs.map(b => b.getAttribute('data-conv')));
  }

  step = 'search by each word: one conversation each';
  const ids = [];
  for (const mark of MARK) {
    const r = await search(mark);
    if (r.length !== 1) fail(`searching "${mark}" finds ${r.length} conversations: ${r}`);
    ids.push(r[0]);
  }
  if (ids[0] === ids[1]) fail('the two conversations have the same id');
  const [idA, idB] = ids;
  const item = results().first();
  const itemText = (await item.textContent()).replace(/\s+/g, ' ');
  if (!/kapalı|açık/.test(itemText)) fail(`a result does not say its state in Turkish: "${itemText}"`);
  if (!/Sipariş #1048213/.test(itemText)) fail(`a result does not show its order number: "${itemText}"`);
  const months = 'Ocak|Şubat|Mart|Nisan|Mayıs|Haziran|Temmuz|Ağustos|Eylül|Ekim|Kasım|Aralık';
  if (!new RegExp(`\\d{1,2} (${months}) \\d{4}`).test(itemText)) fail(`a result's date is not in Turkish: "${itemText}"`);
  log(`"${MARK[0]}" -> #${idA}, "${MARK[1]}" -> #${idB}: "${itemText.trim()}"`);

  step = 'search by the order number and by the e-mail: both, newest first';
  for (const q of ['1048213', 'ayse@example.com']) {
    const r = await search(q);
    if (!r.includes(idA) || !r.includes(idB)) fail(`searching "${q}" finds ${r}, not both #${idA} and #${idB}`);
    if (r.indexOf(idB) > r.indexOf(idA)) fail(`searching "${q}": the newer #${idB} is not above #${idA}`);
    log(`"${q}": ${r.length} conversations, with #${idB} and #${idA}`);
  }
  await con.screenshot({ path: path.join(SHOTS, 'search-phone-results.png'), fullPage: true });

  step = 'open the newer conversation read-only';
  await con.locator(`#search-results button.ci[data-conv="${idB}"]`).click();
  await con.locator('#reader').waitFor({ state: 'visible' }).catch(() => fail('opening a result shows no transcript'));
  await con.locator('#reader-log .msg.shopper .bub', { hasText: MARK[1] }).waitFor()
    .catch(() => fail(`the read-only transcript of #${idB} does not show "${MARK[1]}"`));
  if (!(await con.locator('#reader-tags .pill-ro', { hasText: 'Salt okunur' }).isVisible())) fail('no "Salt okunur" label');
  if ((await con.locator('#reader-h').textContent()).trim() !== `Sohbet #${idB}`) fail('the reader names another conversation');
  if (await con.locator('#composer').isVisible()) fail('the composer shows with a read-only transcript');
  if (await con.locator('#reader textarea, #reader input').count()) fail('the read-only transcript has an input');
  if (!frames.some(f => f.startsWith('> ') && f.includes('"type":"view"') && f.includes(`"conversation":"${idB}"`))) fail('no view frame was sent');
  const earlierB = con.locator(`#reader-earlier button.ci[data-conv="${idA}"]`);
  await earlierB.waitFor().catch(() => fail(`#${idA} is not under "Müşterinin önceki sohbetleri" of #${idB}`));
  await con.screenshot({ path: path.join(SHOTS, 'search-phone-reader.png'), fullPage: true });
  log(`#${idB} read-only with "${MARK[1]}"; #${idA} among the earlier conversations`);

  step = 'open the earlier conversation the same way';
  await earlierB.click();
  await con.locator('#reader-log .msg.shopper .bub', { hasText: MARK[0] }).waitFor()
    .catch(() => fail(`the earlier conversation #${idA} does not show "${MARK[0]}"`));
  if ((await con.locator('#reader-h').textContent()).trim() !== `Sohbet #${idA}`) fail('the reader did not move to the earlier conversation');
  await con.locator(`#reader-earlier button.ci[data-conv="${idB}"]`).waitFor()
    .catch(() => fail(`#${idB} is not among the earlier conversations of #${idA}`));
  await con.screenshot({ path: path.join(SHOTS, 'search-phone-earlier.png'), fullPage: true });

  step = 'back to the results';
  if ((await con.locator('#reader-back').textContent()).trim() !== '← Sonuçlara dön') fail('the way back does not read "← Sonuçlara dön"');
  await con.locator('#reader-back').click();
  await con.locator('#search').waitFor({ state: 'visible' }).catch(() => fail('"Sonuçlara dön" does not show the results'));
  if ((await results().count()) < 2) fail('the results are gone after coming back');

  step = '"Önceki mesajlar" in a read-only transcript';
  // console_paging.test.js left a conversation of more than one page ("mesaj K · kargo ücreti ne kadar")
  const long = await search('mesaj 30 · kargo');
  let paged = null;
  for (const id of long) {
    await con.locator(`#search-results button.ci[data-conv="${id}"]`).click();
    await con.waitForFunction(() => !/Yükleniyor/.test(document.getElementById('reader-log').textContent));
    if (await con.locator('#reader-log button.older').count()) { paged = id; break; }
    await con.locator('#reader-back').click();
  }
  if (!paged) fail(`none of the conversations found by "mesaj 30 · kargo" (${long}) offers "Önceki mesajlar"`);
  const beforeN = await con.locator('#reader-log .msg.shopper').count();
  await con.locator('#reader-log button.older').click();
  await con.locator('#reader-log .msg.shopper .bub', { hasText: 'mesaj 1 · kargo ücreti ne kadar' }).first().waitFor()
    .catch(() => fail(`"Önceki mesajlar" in the read-only #${paged} does not bring the first message`));
  const afterN = await con.locator('#reader-log .msg.shopper').count();
  if (afterN <= beforeN) fail('the older page added no messages');
  if (!frames.some(f => f.startsWith('> ') && f.includes('"type":"history"') && f.includes(`"conversation":"${paged}"`))) fail('no history frame for the read-only conversation');
  await con.screenshot({ path: path.join(SHOTS, 'search-phone-paged.png'), fullPage: true });
  log(`read-only #${paged}: "Önceki mesajlar" ${beforeN} -> ${afterN} shopper messages`);
  await con.locator('#reader-back').click();

  step = 'an empty search';
  const none = await search('yokboylebirkelime' + RUN);
  if (none.length) fail(`a search for nothing finds ${none}`);
  const st = (await con.locator('#search-status').textContent()).trim();
  if (st !== 'Sonuç yok') fail(`an empty search reads "${st}"`);
  await con.screenshot({ path: path.join(SHOTS, 'search-phone-empty.png'), fullPage: true });

  step = 'a search error is a toast about the search';
  await con.locator('#search-q').fill(FAIL_Q);
  await con.locator('#search-go').click();
  await con.locator('#toasts .toast', { hasText: /Arama yapılamadı/ }).first().waitFor({ state: 'attached' })
    .catch(() => fail('a search error shows no "Arama yapılamadı" toast'));
  if (await con.locator('#toasts .toast', { hasText: /Mesaj gönderilemedi|Sunucu isteği reddetti/ }).count()) fail('the search error was taken for another request');
  await con.waitForFunction(() => !/Aranıyor/.test(document.getElementById('search-status').textContent))
    .catch(() => fail('the search stays "Aranıyor…" after its error'));
  log('empty search: "Sonuç yok"; a search error: a toast about the search');

  step = 'a claimed conversation lists the customer\'s earlier ones';
  if (!toConsole) fail('the console\'s WebSocket was not routed through the test');
  toConsole.send(JSON.stringify({ type: 'claimed', conversation: '900300', history_more: false, history: [
    { n: 1, role: 'shopper', text: 'eklenen sohbet', at: new Date().toISOString() }],
  context: { earlier: [{ conversation: idB, created_at: new Date().toISOString(), state: 'closed', order: '1048213' },
    { conversation: idA, created_at: new Date(Date.now() - 3600e3).toISOString(), state: 'closed' }] } }));
  await con.locator('#convs [data-conv="900300"]').click().catch(() => fail('the added conversation has no tab'));
  await con.locator('#conv').waitFor({ state: 'visible' }).catch(() => fail('the tab does not open the conversation'));
  const card = con.locator('#info-body .earlier-card');
  if ((await card.locator('h3').textContent()).trim() !== 'Müşterinin önceki sohbetleri') fail('no "Müşterinin önceki sohbetleri" card');
  if ((await card.locator('button.ci').count()) !== 2) fail('the card does not list the two earlier conversations');
  if (/conversation|created_at|\{/.test(await con.locator('#info-body').textContent())) fail('the info column still shows raw JSON');
  // the info column is hidden below 1180 px: read it on a desktop
  await con.setViewportSize({ width: 1440, height: 900 });
  await card.locator(`button.ci[data-conv="${idA}"]`).click();
  await con.locator('#reader-log .msg.shopper .bub', { hasText: MARK[0] }).waitFor()
    .catch(() => fail(`opening #${idA} from the claimed conversation does not show "${MARK[0]}"`));
  if ((await con.locator('#reader-back').textContent()).trim() !== '← Sohbete dön') fail('the way back does not read "← Sohbete dön"');
  await con.screenshot({ path: path.join(SHOTS, 'search-desktop-reader.png') });
  await con.locator('#reader-back').click();
  await con.locator('#conv').waitFor({ state: 'visible' }).catch(() => fail('"Sohbete dön" does not show the conversation'));
  log('context.earlier: two conversations listed, one opened read-only, back to the conversation');

  step = 'no errors on the pages';
  if (problems.length) fail('errors on the pages');
}

main().then(() => finish(), finish);
