#!/usr/bin/env node
// An independent load generator for the WebSocket benchmark (node `ws`):
// N connections, each says hello, then sends M messages one after the
// other, the next as soon as the reply to the last one arrives (a reply is
// a frame of type "reply"; destek's acks and other frames are skipped).
// Prints replies/s and latency percentiles.
//   node client.js URL CONNECTIONS MESSAGES
'use strict';
const WebSocket = require('ws');
const [url, nConns = '200', nMsgs = '100'] = process.argv.slice(2);
const N = Number(nConns), M = Number(nMsgs);
const QUESTIONS = ['kargo ücreti ne kadar', 'iade süresi kaç gün', 'kapıda ödeme var mı',
  'kaç günde teslim edersiniz', 'taksit yapıyor musunuz', 'faturamı nasıl alabilirim',
  'beden tablosu nerede', 'hangi kargo firmasıyla gönderiyorsunuz'];
const lat = [];
let done = 0, replies = 0, start = 0n, failed = 0;

function finish() {
  const secs = (process.hrtime.bigint() - start) / 1000000n;
  lat.sort((a, b) => a - b);
  const q = p => lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(2) : 'n/a';
  console.log(`replies ${replies} in ${(Number(secs) / 1000).toFixed(2)} s: ${(replies * 1000 / Number(secs)).toFixed(1)} replies/s`);
  console.log(`latency ms p50 ${q(0.5)} p90 ${q(0.9)} p99 ${q(0.99)} max ${q(1)}${failed ? `, ${failed} connections failed` : ''}`);
  process.exit(failed ? 1 : 0);
}

const ready = [];
function open(i) {
  const ws = new WebSocket(url, { perMessageDeflate: false, origin: url.replace(/^ws/, 'http').replace(/\/ws\/.*$/, '') });
  let sent = 0, t0 = 0;
  const next = () => {
    if (sent === M) { ws.close(); if (++done === N) finish(); return; }
    t0 = performance.now();
    ws.send(JSON.stringify({ type: 'message', id: `m${i}-${sent}`, text: QUESTIONS[(i + sent) % QUESTIONS.length] }));
    sent++;
  };
  ws.on('open', () => ws.send('{"type":"hello"}'));
  ws.on('message', data => {
    const m = JSON.parse(data);
    if (m.type === 'welcome') {
      ready.push(next);
      if (ready.length === N) { start = process.hrtime.bigint(); ready.forEach(go => go()); }
    } else if (m.type === 'reply') {
      lat.push(performance.now() - t0);
      replies++;
      next();
    }
  });
  ws.on('error', () => { failed++; if (++done === N) finish(); });
}
// every connection is welcomed before the clock starts
for (let i = 0; i < N; i++) open(i);
