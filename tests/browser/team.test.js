#!/usr/bin/env node
// Browser test of the agents as a team, against a running `destek serve --hours open`:
// an agent sets itself away (offered nothing) and available again; a conversation is
// handed from one agent's console (desktop) to another's (a phone), the shopper's widget
// shows who joined, and the shopper leaving is shown in the new agent's console.
//   AGENT_TOKEN=... AGENT_TOKEN2=... node tests/browser/team.test.js BASE_URL [SCREENSHOT_DIR]
// Driven by tests/browser/handoff.sh. Exit 0 on success, 1 on any failure.
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
const STEP_MS = 15000;
const TOTAL_MS = 120000;
if (!BASE || !TOKEN || !TOKEN2) { console.error('usage: AGENT_TOKEN=T AGENT_TOKEN2=T2 node team.test.js BASE_URL [SCREENSHOT_DIR]'); process.exit(2); }
fs.mkdirSync(SHOTS, { recursive: true });

const frames = { shop: [], first: [], second: [] };
const problems = [];
let step = 'start';
let browser;

function log(msg) { console.log(`[team-test] ${msg}`); }
function fail(msg) { throw new Error(msg); }
const redact = s => String(s).split(TOKEN).join('<token>').split(TOKEN2).join('<token2>').slice(0, 400);
const killer = setTimeout(() => { finish(new Error(`timed out after ${TOTAL_MS / 1000} s`)); }, TOTAL_MS);

async function finish(err) {
  clearTimeout(killer);
  if (err) {
    console.error(`[team-test] FAIL at step "${step}": ${err.message}`);
    if (problems.length) console.error('page errors:\n  ' + problems.join('\n  '));
    for (const k of Object.keys(frames))
      if (frames[k].length) console.error(`last WebSocket frames of the ${k} page:\n  ` + frames[k].slice(-25).join('\n  '));
  } else log(`PASS (screenshots in ${SHOTS})`);
  try { if (browser) await Promise.race([browser.close(), new Promise(r => setTimeout(r, 5000))]); } catch (e) { /* ignore */ }
  process.exit(err ? 1 : 0);
}

function watch(page, name) {
  page.on('pageerror', e => problems.push(`pageerror (${name}): ${e.message}`));
  page.on('console', m => { if (m.type() === 'error') problems.push(`console (${name}): ${m.text()}`); });
  page.on('websocket', ws => {
    ws.on('framesent', f => frames[name].push(`> ${redact(f.payload)}`));
    ws.on('framereceived', f => frames[name].push(`< ${redact(f.payload)}`));
  });
}
const got = (name, re) => frames[name].some(f => f.startsWith('<') && re.test(f));

async function main() {
  step = 'launch chromium';
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, timeout: 30000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const opts = { locale: 'tr-TR', timezoneId: 'Europe/Istanbul' };
  const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
  const shop = await (await browser.newContext({ ...opts, ...phone })).newPage();
  const first = await (await browser.newContext({ ...opts, viewport: { width: 1366, height: 768 } })).newPage();
  const second = await (await browser.newContext({ ...opts, ...phone })).newPage();
  for (const [p, n] of [[shop, 'shop'], [first, 'first'], [second, 'second']]) { p.setDefaultTimeout(STEP_MS); watch(p, n); }

  async function login(page, token) {
    await page.goto(BASE + '/agent.html', { waitUntil: 'load' });
    await page.locator('#login-token').fill(token);
    await page.keyboard.press('Enter');
    await page.locator('#app').waitFor({ state: 'visible' }).catch(() => fail('the console did not open after log-in'));
    return (await page.locator('#me').textContent()).trim();
  }
  step = 'two agents log in';
  const firstName = await login(first, TOKEN);
  const secondName = await login(second, TOKEN2);
  log(`agents ${firstName} (desktop) and ${secondName} (phone)`);

  step = 'the second agent goes away';
  await second.locator('#status').selectOption('away');
  await second.waitForFunction(() => document.body.classList.contains('away'))
    .catch(() => fail('the console does not show the agent away once the server confirmed'));
  step = 'the first agent goes away too, then comes back after a reload';
  await first.locator('#status').selectOption('away');
  await first.waitForFunction(() => document.body.classList.contains('away'));
  await first.reload({ waitUntil: 'load' });
  await first.locator('#app').waitFor({ state: 'visible' });
  await first.waitForFunction(() => document.body.classList.contains('away') && document.getElementById('status').value === 'away')
    .catch(() => fail('away is not kept across a reload of the console'));

  step = 'a shopper asks for a person: nobody away is offered it';
  const W = '#destek-widget';
  await shop.goto(BASE + '/', { waitUntil: 'load' });
  await shop.evaluate(() => window.destek.open());
  await shop.locator(`${W} .st[data-s=on]`).waitFor().catch(() => fail('the widget did not get a welcome'));
  await shop.locator(`${W} textarea#dk-in`).fill('müşteri temsilcisine bağlanmak istiyorum');
  await shop.locator(`${W} textarea#dk-in`).press('Enter');
  const item = first.locator('#queue li', { hasText: 'müşteri temsilcisine' }).last();
  await item.waitFor().catch(() => fail('the queue does not show the waiting shopper'));
  const conv = await item.getAttribute('data-conv');
  await first.waitForTimeout(1000);
  if (got('first', /"type":"offer"/) || got('second', /"type":"offer"/)) fail('an away agent was offered a conversation');

  step = 'the first agent is available again and is offered it';
  await first.locator('#status').selectOption('available');
  await first.waitForFunction(() => !document.body.classList.contains('away'));
  const deadline = Date.now() + STEP_MS;
  while (!got('first', new RegExp(`"type":"offer","conversation":"${conv}"`)) && Date.now() < deadline) await first.waitForTimeout(100);
  if (!got('first', /"type":"offer"/)) fail('no offer once available');
  await item.locator('button.claim').click();
  await first.locator('#transcript').waitFor();
  await first.locator('#btn-transfer').waitFor({ state: 'visible' }).catch(() => fail('no "Aktar" button on a held conversation'));

  step = 'the away colleague is not offered as a target; once available it is';
  await first.locator('#btn-transfer').click();
  await first.locator('.toast', { hasText: 'müsait bir temsilci yok' }).waitFor()
    .catch(() => fail('with the only colleague away, the console does not say nobody is available'));
  await second.locator('#status').selectOption('available');
  await second.waitForFunction(() => !document.body.classList.contains('away'));
  await first.waitForTimeout(300);
  await first.locator('#btn-transfer').click();
  const dlg = first.locator('#transfer');
  await dlg.waitFor({ state: 'visible' }).catch(() => fail('no transfer dialog'));
  const option = dlg.locator('label', { hasText: secondName });
  await option.waitFor().catch(() => fail(`the transfer dialog does not list ${secondName}`));
  await first.screenshot({ path: path.join(SHOTS, 'team-transfer-dialog.png') });
  await option.click();
  await first.locator('#transfer-ok').click();
  await first.locator('#transcript', { hasText: `artık ${secondName} ilgileniyor` }).waitFor()
    .catch(() => fail('the first console does not say the conversation was handed over'));
  if (await first.locator('#composer').isVisible()) fail('the composer stays open on a handed-over conversation');

  step = 'the second agent has it, on a phone';
  await second.locator(`#tab-${conv}`).click().catch(() => {});
  await second.locator('#transcript', { hasText: `${firstName} bu sohbeti size aktardı` }).waitFor()
    .catch(async () => fail('the transcript does not say who handed it over: ' + await second.evaluate(() => document.getElementById('transcript').innerText)));
  await second.locator('#transcript', { hasText: 'müşteri temsilcisine bağlanmak istiyorum' }).waitFor()
    .catch(() => fail('the second agent does not get the transcript'));
  await shop.locator(`${W} .log`, { hasText: secondName }).waitFor()
    .catch(() => fail(`the shopper's widget does not say ${secondName} joined`));
  const text = 'Merhaba, sohbetinizi ben devraldım.';
  await second.locator('#composer-input').fill(text);
  await second.locator('#composer-input').press('Enter');
  await shop.locator(`${W} .log`, { hasText: text }).waitFor().catch(() => fail("the new agent's message does not reach the shopper"));
  const fits = await second.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
  if (!fits) fail('the console overflows the phone screen sideways');
  await second.screenshot({ path: path.join(SHOTS, 'team-transfer-phone.png') });
  await shop.screenshot({ path: path.join(SHOTS, 'team-transfer-widget.png') });

  step = 'the shopper leaves: the console stops saying the chat is open';
  const info = second.locator('.presence');
  if (await info.count()) {
    await second.locator('.presence.on').waitFor({ state: 'attached' }).catch(() => fail('the console does not show the shopper as there'));
  }
  await shop.close();
  await second.locator('.presence:not(.on)', { hasText: 'bağlı değil' }).waitFor({ state: 'attached' })
    .catch(() => fail('the console still says the chat is open after the shopper left'));
  log('transfer, status and presence shown');
}

main().then(() => finish(), finish);
