#!/usr/bin/env node
// Browser test of the supervisor's pages of the agent console (Raporlar, Öğret)
// and that an ordinary agent sees none of them.
//   SUPERVISOR_TOKEN=... AGENT_TOKEN=... node tests/browser/supervisor.test.js BASE_URL [SCREENSHOT_DIR]
// Driven by tests/browser/handoff.sh (after handoff.test.js and console_paging.test.js,
// against the same `destek serve --hours open`). Exit 0 on success, 1 on any failure.
//
// Part 1, injected frames: the console's WebSocket is answered by the test itself
// (routeWebSocket, no server behind it), so every figure is known: the key figures
// in Turkish format, the charts (bars, aria-labels, their tables), the hand-offs by
// reason, the CSV (through the download event), the period picker (7 and 30 days, a
// custom period, one too long), the review list (text shown as text, never HTML), an
// assignment, a refused one and a dismissal with their toasts; the phone size; a
// dropped connection and a reload (the page stays, its figures are asked for again);
// an agent's console, which shows no supervisor navigation even at #raporlar.
// Part 2, the real server (when SUPERVISOR_TOKEN is set): an agent's console has no
// supervisor navigation and the server answers its supervisor frames with
// `forbidden`; the supervisor's console shows the real report of the last 7 days
// (conversations of today from the earlier tests), downloads it as CSV, and dismisses
// a message the bot did not understand (written by a shopper here). Nothing is
// assigned on the real server: that would change the knowledge base's files, which
// handoff.sh serves from the source tree.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const BASE = process.argv[2];
const SHOTS = process.argv[3] || fs.mkdtempSync(path.join(os.tmpdir(), 'destek-shots-'));
const SUP_TOKEN = process.env.SUPERVISOR_TOKEN || '';
const AGENT_TOKEN = process.env.AGENT_TOKEN || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 15000;     // one step (a reply, a render)
const TOTAL_MS = 150000;   // the whole test
const FAKE_TOKEN = 'sahte-yonetici-anahtari';
if (!BASE) { console.error('usage: [SUPERVISOR_TOKEN=... AGENT_TOKEN=...] node supervisor.test.js BASE_URL [SCREENSHOT_DIR]'); process.exit(2); }
fs.mkdirSync(SHOTS, { recursive: true });

const frames = [];     // the last WebSocket frames (shortened), printed on failure
const problems = [];   // page errors
let step = 'start';
let browser;

function log(msg) { console.log(`[supervisor-test] ${msg}`); }
function fail(msg) { throw new Error(msg); }
function redact(s) {
  let r = String(s);
  for (const t of [SUP_TOKEN, AGENT_TOKEN]) if (t) r = r.split(t).join('<token>');
  return r.slice(0, 300);
}

const killer = setTimeout(() => { finish(new Error(`timed out after ${TOTAL_MS / 1000} s`)); }, TOTAL_MS);

async function finish(err) {
  clearTimeout(killer);
  if (err) {
    console.error(`[supervisor-test] FAIL at step "${step}": ${err.message}`);
    if (problems.length) console.error('page errors:\n  ' + problems.join('\n  '));
    if (frames.length) console.error('last WebSocket frames:\n  ' + frames.slice(-25).join('\n  '));
  } else {
    if (process.env.DEBUG_FRAMES) console.log('frames:\n  ' + frames.join('\n  '));
    log(`PASS (screenshots in ${SHOTS})`);
  }
  try { if (browser) await Promise.race([browser.close(), new Promise(r => setTimeout(r, 5000))]); } catch (e) { /* ignore */ }
  process.exit(err ? 1 : 0);
}

function watch(page, name) {
  page.on('pageerror', e => problems.push(`pageerror (${name}): ${e.message}`));
  page.on('console', m => { if (m.type() === 'error') problems.push(`console (${name}): ${m.text()}`); });
  page.on('websocket', ws => {
    frames.push(`${name} open ${ws.url()}`);
    ws.on('framesent', f => frames.push(`${name} > ${redact(f.payload)}`));
    ws.on('framereceived', f => frames.push(`${name} < ${redact(f.payload)}`));
  });
}

/* ---------- what the console should print ---------- */
const trNum = n => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
const trPct = r => { const [w, f] = (r * 100).toFixed(1).split('.'); return '%' + trNum(Number(w)) + (f && f !== '0' ? ',' + f : ''); };
function shopToday() {
  const p = {};
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Istanbul', year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(new Date()).forEach(x => { p[x.type] = x.value; });
  return `${p.year}-${p.month}-${p.day}`;
}
const addDays = (s, n) => new Date(Date.parse(s + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10);
const dayList = (from, to) => { const out = []; for (let d = from; d <= to; d = addDays(d, 1)) out.push(d); return out; };

/* ---------- the injected server ---------- */
const INTENTS = [
  { id: 'kargo', title: 'Kargo bilgisi' }, { id: 'iade', title: 'İade süreci' },
  { id: 'siparis_durumu', title: 'Sipariş durumu' }, { id: 'fallback', title: 'Anlaşılamadı' },
  { id: 'odeme_sorunu', title: 'Ödeme sorunu' },
];
const XSS = '<img src=x onerror="window.__xss=1"><b>kalın</b> & "tırnak" — şöyle';
const REVIEW = [
  { id: 11, text: 'kargom hala gelmedi nerde bu', intent: 'fallback', count: 5, last_seen: new Date(Date.now() - 3600e3).toISOString(), conversation: 42 },
  { id: 12, text: XSS, intent: 'fallback', count: 2, last_seen: new Date(Date.now() - 7200e3).toISOString(), conversation: 43 },
  { id: 13, text: 'fatura adresimi değiştirebilir miyim', intent: 'siparis_durumu', count: 1, last_seen: new Date(Date.now() - 86400e3).toISOString(), conversation: 44 },
];
const HOURS = Array.from({ length: 24 }, (_, h) => (h === 14 ? 160 : h >= 9 && h <= 22 ? 40 + h : h));
/* the day i of a period: one day (the fourth) with no answered hand-off and no score */
function fakeDay(date, i) {
  const conv = 150 + ((i * 37) % 60), bot = Math.round(conv * 0.2);
  const none = i === 3;
  return { date, conversations: conv, bot_resolved: bot, handoffs: conv - bot + (i % 3 === 0 ? 1 : 0),
    first_response_s: none ? null : 60 + i * 35, csat: none ? null : [0.875, 0.9, 1, 0.5, 0.75, 0.8, 0.625][i % 7],
    csat_responses: none ? 0 : 2 + i };
}
function fakeReport(from, to) {
  return { type: 'report', from, to, conversations: 1234, bot_resolved: 154, bot_resolved_rate: 154 / 1234,
    handoffs: 1102, offline_requests: 12, first_response_s: 130, waiting_s: 95, resolution_s: 1260,
    answered_handoffs: 1050, csat: 0.875, csat_responses: 16, csat_response_rate: 0.4, fallback_rate: 0.081,
    handoffs_by_priority: { urgent: 102, normal: 1000 },
    handoffs_by_reason: { odeme_sorunu: 200, istek: 800, kargo_hareketsiz: 90, yeni_sebep: 12 },
    top_intents: [{ intent: 'kargo', n: 400 }, { intent: 'iade', n: 300 }, { intent: 'bilinmeyen_niyet', n: 5 }],
    conversations_by_hour: HOURS, days: dayList(from, to).map(fakeDay) };
}
/* a console context whose /ws/agent is answered by `fake` */
async function fakeContext(opts, role) {
  const ctx = await browser.newContext(opts);
  ctx.setDefaultTimeout(STEP_MS);
  const fake = { role, sent: [], items: REVIEW.map(x => ({ ...x })), socket: null };
  await ctx.routeWebSocket(/\/ws\/agent$/, ws => {
    fake.socket = ws;
    const reply = o => ws.send(JSON.stringify(o));
    ws.onMessage(raw => {
      const m = JSON.parse(String(raw));
      fake.sent.push(m);
      const sup = ['report', 'review_list', 'review_assign', 'review_dismiss', 'intents'].includes(m.type);
      if (sup && fake.role !== 'supervisor') { reply({ type: 'error', code: 'forbidden', message: 'only a supervisor may do this' }); return; }
      switch (m.type) {
        case 'auth':
          reply({ type: 'authed', agent: role === 'supervisor' ? 'Selin' : 'Ayşe', capacity: 3, role });
          reply({ type: 'canned', items: [] });
          reply({ type: 'queue', items: [{ conversation: '77', priority: 'normal', waiting_s: 30, intent: 'kargo', reason: 'istek', preview: 'bir temsilciyle görüşmek istiyorum', offline: false }], total: 1 });
          break;
        case 'report': reply(fakeReport(m.from, m.to)); break;
        case 'intents': reply({ type: 'intents', items: INTENTS }); break;
        case 'review_list': reply({ type: 'review', items: fake.items, total: fake.items.length }); break;
        case 'review_assign':
          if (m.id === 13) { reply({ type: 'error', code: 'refused', message: 'the knowledge base with the change does not answer the message with kargo' }); break; }
          fake.items = fake.items.filter(x => x.id !== m.id);
          reply({ type: 'review_assigned', id: m.id, intent: m.intent });
          break;
        case 'review_dismiss':
          fake.items = fake.items.filter(x => x.id !== m.id);
          reply({ type: 'review_dismissed', id: m.id });
          break;
      }
    });
  });
  return { ctx, fake };
}
const sentOf = (fake, type) => fake.sent.filter(m => m.type === type);
async function until(what, fn, ms = STEP_MS) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) fail(`waited ${ms / 1000} s for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}
async function login(page, token) {
  await page.locator('#login-token').fill(token);
  await page.keyboard.press('Enter');
  await page.locator('#app').waitFor({ state: 'visible' }).catch(() => fail('the console did not open after log-in'));
  await until('the log-in to be accepted', () => page.evaluate(() => window.destekAgent.state().authed));
}
const text = async loc => ((await loc.textContent()) || '').replace(/\s+/g, ' ').trim();
async function toastWith(page, re, what) {
  await page.locator('#toasts .toast', { hasText: re }).first().waitFor({ state: 'attached' })
    .catch(() => fail(`no toast for ${what} (${re})`));
}
/* nothing is wider than the screen (the page itself, and the scrolling page inside it) */
async function noSideways(page, sel) {
  const over = await page.evaluate(s => {
    const out = [];
    const d = document.documentElement;
    if (d.scrollWidth > d.clientWidth + 1) out.push(`the document is ${d.scrollWidth} px wide`);
    const p = document.querySelector(s);
    if (p && p.scrollWidth > p.clientWidth + 1) out.push(`${s} is ${p.scrollWidth} px wide in ${p.clientWidth}`);
    return out;
  }, sel);
  if (over.length) fail(over.join('; '));
}

async function mocked(opts) {
  step = 'injected: the supervisor logs in';
  const { ctx, fake } = await fakeContext({ ...opts, viewport: { width: 1440, height: 900 }, acceptDownloads: true }, 'supervisor');
  const con = await ctx.newPage();
  watch(con, 'sup*');
  await con.goto(BASE + '/agent.html', { waitUntil: 'load' });
  await login(con, FAKE_TOKEN);
  await con.locator('#views').waitFor({ state: 'visible' }).catch(() => fail('a supervisor sees no navigation'));
  const navTexts = (await con.locator('#views .view-link').allTextContents()).map(s => s.replace(/\s+/g, ' ').trim());
  if (navTexts.join('|') !== 'Sohbetler|Raporlar|Öğret') fail(`the navigation reads ${JSON.stringify(navTexts)}`);
  if ((await con.locator('#views [aria-current="page"]').getAttribute('data-view')) !== 'chats') fail('Sohbetler is not the current page after log-in');
  if (sentOf(fake, 'report').length || sentOf(fake, 'review_list').length) fail('reports or the review list were asked for before their page was opened');
  await con.locator('#queue li[data-conv="77"]').waitFor().catch(() => fail('the supervisor\'s queue does not show the conversation'));

  step = 'injected: Raporlar, the last 7 days';
  await con.locator('#views .view-link[data-view="reports"]').click();
  await con.locator('#view-reports').waitFor({ state: 'visible' });
  if (!(await con.locator('#view-chats').isHidden())) fail('the conversations stay on screen on Raporlar');
  if (!(await con.evaluate(() => location.hash === '#raporlar'))) fail('the address does not say #raporlar');
  const today = shopToday(), from7 = addDays(today, -6);
  const r7 = await until('a report frame', () => sentOf(fake, 'report')[0]);
  if (r7.from !== from7 || r7.to !== today) fail(`the last 7 days were asked as ${r7.from}..${r7.to}, not ${from7}..${today}`);
  await con.locator('#rep-content').waitFor({ state: 'visible' }).catch(() => fail('the report is not shown'));
  const kpi = async k => text(con.locator(`#rep-kpis [data-kpi="${k}"] .kpi-value`));
  const kpiSub = async k => text(con.locator(`#rep-kpis [data-kpi="${k}"] .kpi-sub`));
  const labels = (await con.locator('#rep-kpis .kpi-label').allTextContents()).map(s => s.trim());
  const wantLabels = ['Sohbet', 'Botun çözdüğü', 'Temsilciye aktarılan', 'İlk yanıt süresi', 'Memnuniyet', 'Anlaşılmayan mesaj oranı'];
  if (labels.join('|') !== wantLabels.join('|')) fail(`the key figures are ${JSON.stringify(labels)}`);
  const want = { conversations: '1.234', bot_resolved: '%12,5', handoffs: '1.102', first_response: '2 dk 10 sn', csat: '%87,5', fallback: '%8,1' };
  for (const k of Object.keys(want)) { const v = await kpi(k); if (v !== want[k]) fail(`the figure ${k} reads "${v}", not "${want[k]}"`); }
  if (!/16 puan/.test(await kpiSub('csat'))) fail(`Memnuniyet does not say how many scores: "${await kpiSub('csat')}"`);
  if (!/102 acil/.test(await kpiSub('handoffs'))) fail(`the hand-offs do not say how many were urgent: "${await kpiSub('handoffs')}"`);
  if (!/ortanca/.test(await kpiSub('first_response'))) fail('the first response is not marked as a median');
  log(`key figures: ${Object.values(want).join(' · ')}`);

  step = 'injected: the charts and their text alternatives';
  const days7 = dayList(from7, today).map(fakeDay);
  const sum7 = days7.reduce((s, d) => s + d.conversations, 0);
  const charts = await con.locator('#rep-charts figure').evaluateAll(fs => fs.map(f => f.getAttribute('data-chart')));
  if (charts.join(',') !== 'daily,first_response,csat,hours') fail(`the charts are ${charts}`);
  const chart = k => con.locator(`#rep-charts figure[data-chart="${k}"]`);
  const aria = async k => (await chart(k).locator('svg[role="img"]').getAttribute('aria-label')) || '';
  const rects = async (k, cls) => chart(k).locator(`svg rect.bar${cls ? '.' + cls : ''}`).count();
  /* drawn at their box's width, not scaled down from a wider one (text stays legible) */
  const fit = async () => con.locator('#rep-charts figure').evaluateAll(fs => fs.map(f => {
    const s = f.querySelector('svg'), b = f.querySelector('.chart-box');
    return Math.abs(Number(s.getAttribute('width')) - b.clientWidth) <= 2 ? '' : `${f.getAttribute('data-chart')}: ${s.getAttribute('width')} px drawn in ${b.clientWidth}`;
  }).filter(Boolean));
  if ((await fit()).length) fail(`charts drawn at another width than their box: ${(await fit()).join('; ')}`);
  const daily = await aria('daily');
  if (!daily.startsWith('Günlük sohbetler') || !daily.includes(`toplam ${trNum(sum7)} sohbet`)) fail(`the daily chart's label: "${daily}"`);
  if (!/botun çözdüğü \d/.test(daily) || !/temsilciye aktarılan \d/.test(daily) || !/En yoğun gün/.test(daily)) fail(`the daily chart's label lacks the split or the busiest day: "${daily}"`);
  if ((await rects('daily', 's-bot')) !== 7 || (await rects('daily', 's-human')) !== 7) fail('the daily chart has not a bot and a hand-over bar for each of the 7 days');
  const busiest = days7.reduce((b, d) => (d.conversations > b.conversations ? d : b));
  const topBar = await chart('daily').locator('rect.bar.s-human').evaluateAll(rs => rs.map(r => Number(r.getAttribute('y'))));
  const topIdx = topBar.indexOf(Math.min(...topBar));
  if (days7[topIdx].date !== busiest.date) fail(`the tallest bar is day ${topIdx}, not the busiest day ${busiest.date}`);
  const tip = await chart('daily').locator('rect.bar.s-bot title').first().textContent();
  if (!/Botun çözdüğü: \d+/.test(tip)) fail(`a bar's tooltip reads "${tip}"`);
  if ((await rects('first_response')) !== 6) fail('the first-response chart does not skip the day with no answered hand-off');
  const frAria = await aria('first_response');
  if (!/^Günlük ilk yanıt süresi \(ortanca\)/.test(frAria) || !/1 günde yanıtlanan aktarım yok/.test(frAria) || !/en kısa 1 dk/.test(frAria)) fail(`the first-response chart's label: "${frAria}"`);
  if ((await rects('csat')) !== 6) fail('the CSAT chart does not skip the day with no score');
  if (!/%87,5/.test(await aria('csat')) || !/16 puan/.test(await aria('csat'))) fail(`the CSAT chart's label: "${await aria('csat')}"`);
  if ((await rects('hours')) !== 24) fail('the hour chart has not 24 bars');
  if (!/en yoğun saat 14:00–15:00, 160 sohbet/.test(await aria('hours'))) fail(`the hour chart's label: "${await aria('hours')}"`);
  const tableRows = await chart('daily').locator('table tbody tr').count();
  if (tableRows !== 7) fail(`the daily chart's table has ${tableRows} rows`);
  await chart('daily').locator('summary').click();
  const row0 = (await chart('daily').locator('table tbody tr').first().locator('th, td').allTextContents()).map(s => s.trim());
  if (row0[1] !== String(days7[0].conversations) || row0[2] !== String(days7[0].bot_resolved)) fail(`the table's first row: ${JSON.stringify(row0)}`);
  const frRow = (await chart('first_response').locator('table tbody tr').nth(3).locator('td').allTextContents()).map(s => s.trim());
  if (frRow[0] !== '—') fail(`a day with no answered hand-off reads "${frRow[0]}" in the table`);
  log(`charts: ${charts.join(', ')}; "${daily.slice(0, 90)}…"`);

  step = 'injected: hand-offs by reason';
  const reasons = await con.locator('#rep-reasons table tbody tr').evaluateAll(rs => rs.map(r => [...r.children].map(c => c.textContent.trim())));
  if (reasons.length !== 4) fail(`the reasons table has ${reasons.length} rows`);
  if (reasons[0][0] !== 'Müşteri temsilci istedi' || reasons[0][1] !== '800' || reasons[0][2] !== trPct(800 / 1102)) fail(`the first reason: ${JSON.stringify(reasons[0])}`);
  if (reasons[1][0] !== 'Ödeme sorunu' || reasons[3][0] !== 'Yeni sebep') fail(`the reasons are not largest first or an unknown one is not readable: ${JSON.stringify(reasons)}`);
  if (!/Acil: 102 · Normal: 1\.000/.test(await text(con.locator('#rep-prio')))) fail(`the priorities read "${await text(con.locator('#rep-prio'))}"`);
  const topI = await con.locator('#rep-intents table tbody th').allTextContents();
  if (topI[0] !== 'Kargo bilgisi (kargo)' || topI[2] !== 'bilinmeyen_niyet') fail(`the top intents read ${JSON.stringify(topI)}`);
  await con.locator('#view-reports').evaluate(p => { p.scrollTop = 0; });
  await con.screenshot({ path: path.join(SHOTS, 'supervisor-reports-desktop.png') });

  step = 'injected: CSV indir';
  const [dl] = await Promise.all([con.waitForEvent('download'), con.locator('#rep-csv').click()]);
  if (dl.suggestedFilename() !== `destek-rapor-${from7}_${today}.csv`) fail(`the CSV is named ${dl.suggestedFilename()}`);
  const csvPath = path.join(os.tmpdir(), `destek-sup-${process.pid}.csv`);
  await dl.saveAs(csvPath);
  const bytes = fs.readFileSync(csvPath);
  fs.unlinkSync(csvPath);
  if (bytes[0] !== 0xef || bytes[1] !== 0xbb || bytes[2] !== 0xbf) fail('the CSV does not start with the UTF-8 BOM');
  const lines = bytes.slice(3).toString('utf8').split('\r\n');
  if (lines[lines.length - 1] !== '') fail('the CSV does not end with CRLF');
  lines.pop();
  if (lines[0] !== 'Tarih;Sohbet;Botun çözdüğü;Temsilciye aktarılan sohbet;Devir;İlk yanıt süresi (sn);Memnuniyet (%);Puan sayısı') fail(`the CSV's header: ${lines[0]}`);
  if (lines.length !== 8) fail(`the CSV has ${lines.length - 1} days, not 7`);
  const d0 = days7[0], d3 = days7[3];
  const want0 = [d0.date, d0.conversations, d0.bot_resolved, d0.conversations - d0.bot_resolved, d0.handoffs, d0.first_response_s, '87,5', d0.csat_responses].join(';');
  if (lines[1] !== want0) fail(`the CSV's first day: "${lines[1]}", not "${want0}"`);
  const want3 = [d3.date, d3.conversations, d3.bot_resolved, d3.conversations - d3.bot_resolved, d3.handoffs, '', '', 0].join(';');
  if (lines[4] !== want3) fail(`a day with no answer and no score: "${lines[4]}", not "${want3}"`);
  if (!/;100;\d+$/.test(lines[3])) fail(`a CSAT of 1 is not written as 100: "${lines[3]}"`);
  log(`CSV: ${dl.suggestedFilename()}, BOM, ${lines.length - 1} days; "${lines[1]}"`);

  step = 'injected: the last 30 days, a custom period, one too long';
  await con.locator('label[for="rep-p30"]').click();
  const r30 = await until('a 30-day report frame', () => sentOf(fake, 'report')[1]);
  if (r30.from !== addDays(today, -29) || r30.to !== today) fail(`the last 30 days were asked as ${r30.from}..${r30.to}`);
  await until('30 days of bars', async () => (await rects('daily', 's-bot')) === 30);
  if (!/· 30 gün$/.test(await text(con.locator('#rep-period-text')))) fail(`the period reads "${await text(con.locator('#rep-period-text'))}"`);
  await con.locator('label[for="rep-pc"]').click();
  await con.locator('#rep-custom').waitFor({ state: 'visible' }).catch(() => fail('"Özel" shows no dates'));
  if ((await con.locator('#rep-from').inputValue()) !== r30.from) fail('the custom dates do not start from the period shown');
  await con.locator('#rep-from').fill('2025-01-01');
  await con.locator('#rep-to').fill('2025-05-01');
  await con.locator('#rep-go').click();
  await con.locator('#rep-error', { hasText: 'en fazla 92 gün' }).waitFor().catch(() => fail('a period of 121 days is not refused in Turkish'));
  if (sentOf(fake, 'report').length !== 2) fail('a period too long was sent to the server');
  await con.locator('#rep-from').fill('2025-03-10');
  await con.locator('#rep-to').fill('2025-03-01');
  await con.locator('#rep-go').click();
  await con.locator('#rep-error', { hasText: 'bitişten sonra olamaz' }).waitFor().catch(() => fail('an end before the start is not refused'));
  await con.locator('#rep-from').fill('2025-03-01');
  await con.locator('#rep-to').fill('2025-03-10');
  await con.locator('#rep-to').press('Enter');
  const rc = await until('a custom report frame', () => sentOf(fake, 'report')[2]);
  if (rc.from !== '2025-03-01' || rc.to !== '2025-03-10') fail(`the custom period was asked as ${rc.from}..${rc.to}`);
  await until('10 days of bars', async () => (await rects('daily', 's-bot')) === 10);
  const pt = await text(con.locator('#rep-period-text'));
  if (pt !== '1 Mart – 10 Mart 2025 · 10 gün') fail(`the custom period reads "${pt}"`);
  if (await text(con.locator('#rep-error'))) fail('the error stays after a good period');
  log(`periods: 7, 30 days, ${pt}; 121 days and a reversed one refused`);

  step = 'injected: Raporlar at phone size';
  await con.locator('label[for="rep-p7"]').click();
  await until('the 7-day report again', async () => (await rects('daily', 's-bot')) === 7);
  await con.setViewportSize({ width: 390, height: 844 });
  await until('the charts to fit the phone', async () => {
    const w = await chart('daily').locator('svg').evaluate(s => s.getBoundingClientRect().right);
    return w <= 390;
  });
  await noSideways(con, '#view-reports');
  await until('the charts redrawn at the phone\'s width', async () => !(await fit()).length);
  const kpiBoxes = await con.locator('#rep-kpis .kpi').evaluateAll(ks => ks.map(k => k.getBoundingClientRect()).map(r => ({ l: r.left, r: r.right })));
  if (kpiBoxes.some(b => b.r > 390 || b.l < 0)) fail('a key figure is off the phone\'s screen');
  if (new Set(kpiBoxes.map(b => Math.round(b.l))).size !== 2) fail('the key figures are not in two columns on a phone');
  const navBox = await con.locator('#views').boundingBox();
  if (!navBox || navBox.x < 0 || navBox.x + navBox.width > 391) fail('the navigation does not fit the phone');
  await con.locator('#view-reports').evaluate(p => { p.scrollTop = 0; });
  await con.screenshot({ path: path.join(SHOTS, 'supervisor-reports-phone.png') });
  await chart('daily').scrollIntoViewIfNeeded();
  await con.screenshot({ path: path.join(SHOTS, 'supervisor-reports-phone-charts.png') });
  await con.setViewportSize({ width: 1440, height: 900 });

  step = 'injected: Öğret, the list';
  await con.locator('#views .view-link[data-view="review"]').click();
  await con.locator('#view-review').waitFor({ state: 'visible' });
  await until('a review_list frame', () => sentOf(fake, 'review_list')[0]);
  await until('an intents frame', () => sentOf(fake, 'intents')[0]);
  await until('3 items', async () => (await con.locator('#rv-list li').count()) === 3);
  const item = id => con.locator(`#rv-list li[data-review="${id}"]`);
  if ((await item(12).locator('.rv-text').textContent()) !== XSS) fail('the message is not shown as its text');
  if (await con.locator('#rv-list img, #rv-list b').count()) fail('a message\'s text became HTML');
  if (await con.evaluate(() => window.__xss)) fail('a message\'s text ran as script');
  const meta11 = await text(item(11));
  for (const w of ['5 kez', 'Son:', 'Sohbet #42', 'Botun yanıtı: Anlaşılamadı (fallback)']) if (!meta11.includes(w)) fail(`the first item lacks "${w}": ${meta11}`);
  if (!(await text(item(13))).includes('Botun yanıtı: Sipariş durumu (siparis_durumu)')) fail('an unsure answer does not name the intent by its title');
  const opts11 = await item(11).locator('select option').evaluateAll(os => os.map(o => o.value));
  if (opts11[0] !== '' || opts11.includes('fallback') || opts11.length !== INTENTS.length) fail(`the picker offers ${JSON.stringify(opts11)}`);
  const lab = await item(11).locator('label').textContent();
  if (lab !== 'Doğru niyet' || (await item(11).locator('label').getAttribute('for')) !== (await item(11).locator('select').getAttribute('id'))) fail('the picker has no label');
  if (!/3/.test(await text(con.locator('#nav-review')))) fail('the navigation does not count the messages to review');
  await con.screenshot({ path: path.join(SHOTS, 'supervisor-review-desktop.png') });
  log('review list: 3 items, text as text, the picker without fallback');

  step = 'injected: Öğret without an intent, then with one';
  await item(11).locator('.rv-assign').click();
  await toastWith(con, /Önce bu mesajın doğru niyetini seçin/, 'an assignment without an intent');
  if (sentOf(fake, 'review_assign').length) fail('an assignment without an intent was sent');
  await item(11).locator('select').selectOption('kargo');
  await item(11).locator('.rv-assign').click();
  await item(11).waitFor({ state: 'detached' }).catch(() => fail('the taught message stays in the list'));
  const a1 = sentOf(fake, 'review_assign')[0];
  if (!a1 || a1.id !== 11 || a1.intent !== 'kargo') fail(`the assignment was sent as ${JSON.stringify(a1)}`);
  await toastWith(con, /öğretildi: Kargo bilgisi \(kargo\)/, 'a taught message');
  const focusId = await con.evaluate(() => document.activeElement && document.activeElement.id);
  if (focusId !== 'rv-sel-12') fail(`after teaching, the focus is on "${focusId}", not the next item's picker`);

  step = 'injected: a refused assignment, then a dismissal';
  await item(13).locator('select').selectOption('kargo');
  await item(13).locator('.rv-assign').click();
  await toastWith(con, /Öğretilemedi/, 'a refused assignment');
  await until('the refused item\'s button back', async () => (await item(13).locator('.rv-assign').getAttribute('aria-disabled')) === 'false');
  if ((await item(13).locator('select').inputValue()) !== 'kargo') fail('the refused item lost its chosen intent');
  if ((await con.locator('#rv-list li').count()) !== 2) fail('a refused assignment changed the list');
  await item(12).locator('.rv-dismiss').click();
  await item(12).waitFor({ state: 'detached' }).catch(() => fail('the dismissed message stays in the list'));
  const d1 = sentOf(fake, 'review_dismiss')[0];
  if (!d1 || d1.id !== 12) fail(`the dismissal was sent as ${JSON.stringify(d1)}`);
  await toastWith(con, /kapsam dışı olarak işaretlendi/, 'a dismissed message');
  if ((await text(con.locator('#rv-count'))) !== '1') fail(`the count reads "${await text(con.locator('#rv-count'))}" with one item left`);
  await con.setViewportSize({ width: 390, height: 844 });
  await noSideways(con, '#view-review');
  const btn = await item(13).locator('.rv-assign').boundingBox();
  if (!btn || btn.height < 36) fail('the buttons are too small to touch on a phone');
  await con.screenshot({ path: path.join(SHOTS, 'supervisor-review-phone.png') });
  await con.setViewportSize({ width: 1440, height: 900 });
  log('assign (toast, focus to the next), refused (kept, toast), dismiss (toast)');

  step = 'injected: a shopper writes while the supervisor is on Öğret';
  /* a conversation the supervisor holds (as after a reconnect), then a message in it */
  fake.socket.send(JSON.stringify({ type: 'claimed', conversation: '78', history_more: false, context: {},
    history: [{ n: 1, role: 'shopper', text: 'merhaba', at: new Date().toISOString() }] }));
  fake.socket.send(JSON.stringify({ type: 'shopper_message', conversation: '78', text: 'orada mısınız?', at: new Date().toISOString() }));
  await con.locator('#nav-unread', { hasText: '1' }).waitFor({ state: 'visible' })
    .catch(() => fail('"Sohbetler" does not count a message that came in on another page'));
  if (!(await con.locator('#view-chats').isHidden())) fail('a message brought the conversations over Öğret');

  step = 'injected: back to Sohbetler; a reconnect and a reload keep the page';
  await con.locator('#views .view-link[data-view="chats"]').click();
  await con.locator('#view-chats').waitFor({ state: 'visible' });
  if (!(await con.locator('#view-review').isHidden())) fail('Öğret stays on screen on Sohbetler');
  await con.locator('#queue li[data-conv="77"] button.claim').waitFor({ state: 'visible' }).catch(() => fail('the queue is not back'));
  await con.locator('#transcript .msg.shopper .bub', { hasText: 'orada mısınız?' }).waitFor()
    .catch(() => fail('the conversation does not show the message that came in on Öğret'));
  await con.locator('#nav-unread').waitFor({ state: 'hidden' }).catch(() => fail('the unread count stays once the conversation is shown'));
  await con.locator('#views .view-link[data-view="reports"]').click();
  await con.locator('#view-reports').waitFor({ state: 'visible' });
  /* a dropped connection: the console reconnects by itself and asks for the page's figures again */
  const auths = sentOf(fake, 'auth').length, reports = sentOf(fake, 'report').length;
  await fake.socket.close();
  await until('a reconnect', () => sentOf(fake, 'auth').length > auths, 20000);
  await until('the report asked for again after the reconnect', () => sentOf(fake, 'report').length > reports);
  if (sentOf(fake, 'intents').length < 2) fail('the intents are not asked for again after a reconnect');
  await con.locator('#view-reports').waitFor({ state: 'visible' }).catch(() => fail('a reconnect leaves Raporlar'));
  await con.reload({ waitUntil: 'load' });
  await until('the console to log in again from this tab', () => con.evaluate(() => window.destekAgent && window.destekAgent.state().authed));
  await con.locator('#view-reports').waitFor({ state: 'visible' }).catch(() => fail('a reload at #raporlar does not open Raporlar'));
  await con.locator('#rep-kpis [data-kpi="conversations"]').waitFor().catch(() => fail('the report is not asked for again after a reload'));
  await ctx.close();

  step = 'injected: an agent sees no supervisor pages, even at #raporlar';
  const ag = await fakeContext({ ...opts, viewport: { width: 390, height: 844 } }, 'agent');
  const acon = await ag.ctx.newPage();
  watch(acon, 'agent*');
  await acon.goto(BASE + '/agent.html#raporlar', { waitUntil: 'load' });
  await login(acon, FAKE_TOKEN);
  await acon.locator('#queue li[data-conv="77"]').waitFor().catch(() => fail('the agent\'s queue is not shown'));
  if (!(await acon.locator('#views').isHidden()) || !(await acon.locator('#role').isHidden())) fail('an agent sees the supervisor navigation');
  if (!(await acon.locator('#view-reports').isHidden()) || !(await acon.locator('#view-review').isHidden())) fail('an agent sees a supervisor page');
  await acon.evaluate(() => { location.hash = '#ogret'; });
  await acon.waitForTimeout(300);
  if (!(await acon.locator('#view-review').isHidden()) || (await acon.locator('#view-chats').isHidden())) fail('#ogret opens Öğret for an agent');
  const supFrames = ag.fake.sent.filter(m => m.type !== 'auth');
  if (supFrames.length) fail(`an agent's console sent ${JSON.stringify(supFrames)}`);
  await acon.screenshot({ path: path.join(SHOTS, 'supervisor-agent-phone.png') });
  await ag.ctx.close();
  log('an agent: no navigation, no pages, no supervisor frames');
}

/* the real server: an agent is refused, a supervisor sees the real figures and dismisses an item */
async function real(opts) {
  step = 'real: a shopper writes what the bot does not understand';
  const NONSENSE = `zıbıdı pırtlak vızvız ${process.pid}`;
  const ctx = await browser.newContext({ ...opts, viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  ctx.setDefaultTimeout(STEP_MS);
  const shop = await ctx.newPage();
  watch(shop, 'shop');
  await shop.goto(BASE + '/', { waitUntil: 'load' });
  const answered = await shop.evaluate(([url, t]) => new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello' }));
    ws.onmessage = ev => {
      const m = JSON.parse(ev.data);
      if (m.type === 'welcome') ws.send(JSON.stringify({ type: 'message', id: 'sv-1', text: t }));
      else if (m.type === 'reply') { ws.close(); resolve(m.intent || m.text); }
      else if (m.type === 'error') reject(new Error(JSON.stringify(m)));
    };
    ws.onerror = () => reject(new Error('websocket error'));
    setTimeout(() => reject(new Error('no reply')), 10000);
  }), [BASE.replace(/^http/, 'ws') + '/ws/chat', NONSENSE]);
  log(`shopper: "${NONSENSE}" answered (${String(answered).slice(0, 60)})`);

  step = 'real: an agent sees no supervisor navigation';
  const con = await ctx.newPage();
  watch(con, 'agent');
  await con.goto(BASE + '/agent.html', { waitUntil: 'load' });
  await login(con, AGENT_TOKEN);
  const st = await con.evaluate(() => window.destekAgent.state());
  if (st.role !== 'agent') fail(`the server's authed gives an agent the role "${st.role}"`);
  if (!(await con.locator('#views').isHidden())) fail('an agent sees the supervisor navigation');

  step = 'real: the server refuses an agent\'s supervisor frames';
  const refused = await con.evaluate(([url, token]) => new Promise((resolve, reject) => {
    const ws = new WebSocket(url), got = [];
    const asks = [{ type: 'report', from: '2025-03-01', to: '2025-03-07' }, { type: 'review_list' }, { type: 'intents' },
      { type: 'review_dismiss', id: 1 }, { type: 'review_assign', id: 1, intent: 'kargo' }];
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }));
    ws.onmessage = ev => {
      const m = JSON.parse(ev.data);
      if (m.type === 'authed') asks.forEach(a => ws.send(JSON.stringify(a)));
      else if (['report', 'review', 'intents', 'review_dismissed', 'review_assigned'].includes(m.type)) got.push(m.type);
      else if (m.type === 'error') { got.push(m.code); if (got.length === asks.length) { ws.close(); resolve(got); } }
    };
    ws.onerror = () => reject(new Error('websocket error'));
    setTimeout(() => resolve(got), 8000);
  }), [BASE.replace(/^http/, 'ws') + '/ws/agent', AGENT_TOKEN]);
  if (refused.length !== 5 || refused.some(c => c !== 'forbidden')) fail(`an agent's report, review and intents frames got ${JSON.stringify(refused)}, not 5 × forbidden`);
  await con.close();
  log('agent: role "agent", no navigation; report, review_list, intents, review_dismiss, review_assign: forbidden');

  step = 'real: the supervisor logs in';
  const sup = await ctx.newPage();
  watch(sup, 'sup');
  const got = [];
  sup.on('websocket', ws => ws.on('framereceived', f => { try { got.push(JSON.parse(f.payload)); } catch (e) { /* ignore */ } }));
  await sup.goto(BASE + '/agent.html', { waitUntil: 'load' });
  await login(sup, SUP_TOKEN);
  const authed = got.find(m => m.type === 'authed');
  if (!authed || authed.role !== 'supervisor') fail(`the supervisor's authed: ${JSON.stringify(authed)}`);
  await sup.locator('#views').waitFor({ state: 'visible' }).catch(() => fail('the supervisor sees no navigation'));

  step = 'real: Raporlar, the last 7 days';
  await sup.locator('#views .view-link[data-view="reports"]').click();
  const rep = await until('the server\'s report', () => got.find(m => m.type === 'report'));
  const today = shopToday();
  if (rep.from !== addDays(today, -6) || rep.to !== today) fail(`the report is for ${rep.from}..${rep.to}`);
  if (!Array.isArray(rep.days) || rep.days.length !== 7 || rep.days[6].date !== today) fail(`the report's days: ${JSON.stringify(rep.days).slice(0, 200)}`);
  if (rep.conversations < 3) fail(`the report counts ${rep.conversations} conversations; the tests wrote at least 3 today`);
  await sup.locator('#rep-content').waitFor({ state: 'visible' }).catch(() => fail('the report is not shown'));
  const conv = (await sup.locator('#rep-kpis [data-kpi="conversations"] .kpi-value').textContent()).trim();
  if (conv !== trNum(rep.conversations)) fail(`Sohbet reads "${conv}", the server says ${rep.conversations}`);
  const fr = (await sup.locator('#rep-kpis [data-kpi="first_response"] .kpi-value').textContent()).trim();
  if (rep.first_response_s != null && !/\d+ (sn|dk|sa)/.test(fr)) fail(`İlk yanıt süresi reads "${fr}" for ${rep.first_response_s} s`);
  const bars = await sup.locator('#rep-charts figure[data-chart="daily"] rect.bar.s-bot').count();
  if (bars !== 7) fail(`the daily chart of the real report has ${bars} bars`);
  const label = await sup.locator('#rep-charts figure[data-chart="daily"] svg').getAttribute('aria-label');
  if (!label.includes(`toplam ${trNum(rep.days.reduce((s, d) => s + d.conversations, 0))} sohbet`)) fail(`the daily chart's label: "${label}"`);
  const [dl] = await Promise.all([sup.waitForEvent('download'), sup.locator('#rep-csv').click()]);
  const csvPath = path.join(os.tmpdir(), `destek-sup-real-${process.pid}.csv`);
  await dl.saveAs(csvPath);
  const lines = fs.readFileSync(csvPath, 'utf8').replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
  fs.unlinkSync(csvPath);
  if (lines.length !== 8 || !lines[7].startsWith(today + ';' + rep.days[6].conversations + ';')) fail(`the real CSV: ${JSON.stringify(lines.slice(-2))}`);
  await sup.screenshot({ path: path.join(SHOTS, 'supervisor-real-reports.png') });
  log(`real report ${rep.from}..${rep.to}: ${rep.conversations} conversations, first response ${fr}; CSV ${lines.length - 1} days`);

  step = 'real: Öğret, dismiss the shopper\'s message';
  await sup.locator('#views .view-link[data-view="review"]').click();
  const list = await until('the server\'s review list', () => got.find(m => m.type === 'review'));
  await until('the server\'s intents', () => got.find(m => m.type === 'intents'));
  const mine = list.items.find(x => x.text === NONSENSE);
  if (!mine) fail(`the review list does not have "${NONSENSE}": ${JSON.stringify(list.items.map(x => x.text)).slice(0, 300)}`);
  const li = sup.locator(`#rv-list li[data-review="${mine.id}"]`);
  await li.waitFor().catch(() => fail('the item is not shown'));
  if ((await li.locator('.rv-text').textContent()) !== NONSENSE) fail('the item does not show the message');
  if ((await li.locator('select option').count()) < 10) fail('the picker offers fewer than 10 of the knowledge base\'s intents');
  await sup.screenshot({ path: path.join(SHOTS, 'supervisor-real-review.png') });
  step = 'real: Öğret, the item\'s conversation one click away';
  await li.locator('button.rv-conv').click();
  await sup.locator('#reader').waitFor({ state: 'visible' }).catch(() => fail('the item\'s conversation does not open'));
  await sup.waitForFunction(t => document.querySelector('#reader') && document.querySelector('#reader').textContent.includes(t),
    NONSENSE, { timeout: STEP_MS }).catch(() => fail('the conversation opened does not show the message'));
  if (!/Salt okunur/.test(await sup.locator('#reader').textContent())) fail('the conversation is not read-only');
  await sup.screenshot({ path: path.join(SHOTS, 'supervisor-real-review-conversation.png') });
  await sup.locator('#reader-back').click();
  await li.waitFor({ state: 'visible' }).catch(() => fail('back from the conversation does not return to Öğret'));
  step = 'real: Öğret, dismiss the shopper\'s message';
  await li.locator('.rv-dismiss').click();
  await li.waitFor({ state: 'detached' }).catch(() => fail('the dismissed item stays'));
  if (!got.some(m => m.type === 'review_dismissed' && m.id === mine.id)) fail('the server did not confirm the dismissal');
  await toastWith(sup, /kapsam dışı olarak işaretlendi/, 'the dismissal');
  const before = got.filter(m => m.type === 'review').length;
  await sup.locator('#rv-refresh').click();
  const again = await until('the list again', () => got.filter(m => m.type === 'review')[before]);
  if (again.items.some(x => x.id === mine.id)) fail('the dismissed item comes back in the list');
  log(`real review: #${mine.id} dismissed, gone from the list (${again.items.length} left)`);
  await ctx.close();
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
  await mocked(opts);
  if (SUP_TOKEN && AGENT_TOKEN) await real(opts);
  else log('no SUPERVISOR_TOKEN and AGENT_TOKEN: the real server\'s part is skipped');
  step = 'no errors on the pages';
  if (problems.length) fail('errors on the pages');
}

main().then(() => finish(), finish);
