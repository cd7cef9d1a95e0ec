#!/usr/bin/env node
// The peer of the WebSocket benchmark: a node `ws` server that answers every
// message as destek does in frames (an ack, then a reply of about the size
// of a short bot answer), doing no other work: no matching, no store.
//   node echo.js PORT
'use strict';
const { WebSocketServer } = require('ws');
const port = Number(process.argv[2] || 0);
const pad = 'x'.repeat(300); // about the length of a short bot answer
const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });
wss.on('connection', ws => {
  ws.on('message', data => {
    let m;
    try { m = JSON.parse(data); } catch (e) { return; }
    if (m.type === 'hello') ws.send('{"type":"welcome","session":"s","resumed":false,"history":[]}');
    else {
      ws.send(JSON.stringify({ type: 'ack', id: m.id }));
      ws.send(JSON.stringify({ type: 'reply', reply_to: m.id, text: pad }));
    }
  });
});
wss.on('listening', () => console.log(`listening on ${wss.address().port}`));
