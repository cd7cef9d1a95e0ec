/* destek chat widget, the rest of it: the panel, the conversation, the connection.
   The loader (widget.js, what shops embed) drew the launcher and fetches this file on the
   shopper's first open, or at once to resume a known conversation; this file takes over
   its window.destek. Plain JavaScript, no dependencies. Protocol: docs/PROTOCOL.md;
   usage: docs/WIDGET.md. */
(function () {
  'use strict';
  var boot = window.destek && window.destek._boot;
  if (!boot || boot.app) return; /* no loader, or loaded twice */
  boot.app = true;

  var ds = boot.ds;
  var SERVER = boot.server;
  var TITLE = ds.title || 'Canlı destek';
  var SUBTITLE = ds.subtitle || ''; /* the shop's own words, shown only while people are on duty */
  var GREETING = ds.greeting || 'Merhaba! Size nasıl yardımcı olabilirim? Siparişiniz, kargonuz, iade ve değişim işlemleriniz için buradayım.';
  var LEFT = boot.left;
  var NS = boot.ns;
  var MAX_TEXT = 2000, MAX_KEEP = 100, MAX_OLDER = 1000;

  /* ---------- storage (never throws: private mode, full quota, storage blocked) ----------
     What the browser keeps (docs/WIDGET.md, "What the browser keeps"):
       localStorage   NS+'session'  the conversation token, until reset() or until the
                                    server answers it with a new one
       sessionStorage NS+'pending'  unacknowledged shopper messages {id,text,at}: each one
                                    removed when its ack comes; gone when the tab closes
       sessionStorage NS+'open'     the panel was open (reopened after a reload)
     Never the transcript: after a reload it comes from the server (`welcome`). */
  var LOCAL = 'localStorage', TAB = 'sessionStorage';
  function area(a) { try { return window[a] || null; } catch (e) { return null; } }
  function load(a, k, d) { try { var v = area(a).getItem(NS + k); return v == null ? d : JSON.parse(v); } catch (e) { return d; } }
  function save(a, k, v) {
    try { var s = area(a); if (v == null) s.removeItem(NS + k); else s.setItem(NS + k, JSON.stringify(v)); } catch (e) {}
  }
  function isMsg(p) { return p && typeof p.id === 'string' && typeof p.text === 'string'; }

  var session = load(LOCAL, 'session', null);
  if (typeof session !== 'string') session = null;
  var log = [];                               /* transcript, in memory only: {role,id,text,at,qr,agent} */
  var pending = load(TAB, 'pending', []);     /* unacknowledged shopper messages: {id,text,at} */
  if (!Array.isArray(pending)) pending = [];
  /* Widgets before 1.1 kept a copy of the transcript ('log') and the unacknowledged
     messages ('pending') in localStorage: remove both; the unsent messages move to
     this tab (sessionStorage) and are still sent. */
  var legacy = load(LOCAL, 'pending', null);
  if (Array.isArray(legacy)) legacy.forEach(function (p) {
    if (isMsg(p) && !pending.some(function (q) { return q.id === p.id; })) pending.push(p);
  });
  pending = pending.filter(isMsg);
  save(LOCAL, 'log', null); save(LOCAL, 'pending', null);
  savePending();
  function savePending() { save(TAB, 'pending', pending.length ? pending : null); }
  var identity = null, seq = 0;
  var isOpen = false, unread = 0;

  /* ---------- styles (inside the loader's shadow root: the page's CSS cannot reach them);
     the launcher's and the custom properties (--c, --on, --tint, --ring; --vx/--vy/--vw/--vh,
     the visual viewport) are the loader's ---------- */
  var CSS = [
    '.panel{--ph:min(620px,calc(var(--vh) - 112px));position:fixed;top:calc(var(--vy) + var(--vh) - 92px - var(--ph));left:' + (LEFT ? 'calc(var(--vx) + 20px)' : 'calc(var(--vx) + var(--vw) - 400px)') + ';z-index:2147483001;width:380px;height:var(--ph);display:flex;flex-direction:column;background:#fff;color:#1f2328;border-radius:16px;overflow:hidden;box-shadow:0 12px 48px rgba(0,0,0,.25);font-size:15px;line-height:1.45}',
    '.head{background:var(--c);color:var(--on);padding:14px 12px 14px 16px;display:flex;align-items:center;gap:12px}',
    '.av{width:40px;height:40px;border-radius:50%;background:rgba(255,255,255,.2);display:flex;align-items:center;justify-content:center;flex:none}',
    '.av svg{width:22px;height:22px}',
    '.ht{flex:1;min-width:0}',
    '.ht h2{margin:0;font-size:16px;font-weight:650;color:inherit}',
    '.st{font-size:12.5px;opacity:.92;display:flex;align-items:center;gap:6px;margin-top:2px}',
    /* a long return time ("21 Mart Cumartesi 10:00'da") wraps rather than being cut */
    '.stt{min-width:0;overflow-wrap:anywhere}',
    '.dot{width:8px;height:8px;border-radius:50%;background:#9aa0a6;flex:none}',
    '.st[data-s=on] .dot{background:#34d058;box-shadow:0 0 0 2px rgba(255,255,255,.5)}',
    /* people are off duty: a hollow ring, on any accent colour */
    '.st[data-s=on][data-away] .dot{background:transparent;box-shadow:inset 0 0 0 2px currentColor}',
    '.x{width:36px;height:36px;border:0;border-radius:50%;background:transparent;color:inherit;display:flex;align-items:center;justify-content:center}',
    '.x:hover{background:rgba(255,255,255,.18)}',
    '.x svg{width:20px;height:20px}',
    '.bar{background:#fff4ce;color:#5c4400;font-size:13px;padding:7px 14px;border-bottom:1px solid #f0e0a0}',
    '.log{flex:1;overflow-y:auto;padding:16px 14px 8px;background:#f6f7f9;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain}',
    '.older{align-self:center;border:1px solid #d0d4da;background:#fff;color:#1f2328;border-radius:16px;padding:6px 14px;font-size:13px;min-height:32px}',
    '.older:disabled{opacity:.6;cursor:default}',
    '.m{max-width:84%;display:flex;flex-direction:column}',
    '.m.u{align-self:flex-end;align-items:flex-end}',
    '.m.b{align-self:flex-start;align-items:flex-start}',
    '.bub{padding:9px 13px;border-radius:16px;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word}',
    '.b .bub{background:#fff;color:#1f2328;border:1px solid #e3e6ea;border-bottom-left-radius:5px}',
    '.u .bub{background:var(--c);color:var(--on);border-bottom-right-radius:5px}',
    '.bub a{color:inherit;text-decoration:underline;text-underline-offset:2px}',
    '.b .bub a{color:#0b57d0}',
    '.meta{font-size:11.5px;color:#6b7280;margin:3px 6px 0;display:flex;gap:4px;align-items:center}',
    '.who{font-size:12px;color:#4b5563;margin:0 6px 3px;font-weight:600}',
    '.sys{align-self:center;text-align:center;font-size:12.5px;color:#4b5563;background:#eceef1;border-radius:10px;padding:5px 12px;max-width:92%}',
    '.qr{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}',
    '.qr button{border:1.5px solid var(--c);color:var(--c);background:#fff;border-radius:18px;padding:6px 13px;font-size:13.5px;line-height:1.3;text-align:left}',
    '.qr button:hover{background:var(--tint)}',
    '.typing{align-self:flex-start;background:#fff;border:1px solid #e3e6ea;border-radius:16px;border-bottom-left-radius:5px;padding:12px 14px;display:flex;gap:4px}',
    '.typing i{width:7px;height:7px;border-radius:50%;background:#9aa0a6;animation:dk 1.2s infinite ease-in-out}',
    '.typing i:nth-child(2){animation-delay:.15s}.typing i:nth-child(3){animation-delay:.3s}',
    '@keyframes dk{0%,60%,100%{transform:translateY(0);opacity:.5}30%{transform:translateY(-4px);opacity:1}}',
    '@media (prefers-reduced-motion:reduce){.typing i{animation:none}}',
    '.foot{border-top:1px solid #e3e6ea;padding:10px 10px 8px;background:#fff}',
    '.row{display:flex;gap:8px;align-items:flex-end}',
    'textarea{flex:1;resize:none;border:1.5px solid #d0d5dc;border-radius:12px;padding:9px 12px;font:inherit;font-size:16px;line-height:1.4;max-height:120px;min-height:42px;color:#1f2328;background:#fff;outline:none}',
    'textarea:focus,textarea:focus-visible{outline:none;border-color:var(--c);box-shadow:0 0 0 3px var(--ring)}',
    '.send{height:42px;padding:0 16px;border:0;border-radius:12px;background:var(--c);color:var(--on);font-weight:600;font-size:14.5px}',
    '.send:disabled{opacity:.45;cursor:default}',
    /* photos: the attach button, a photo or a file in the transcript, an upload under way */
    '.att{flex:none;width:42px;height:42px;padding:0;border:1.5px solid #d0d5dc;border-radius:12px;background:#fff;color:#4b5563;display:flex;align-items:center;justify-content:center}',
    '.att:hover{border-color:var(--c);color:var(--c)}',
    '.att svg{width:22px;height:22px}',
    '.m .bub.media{padding:4px;background:#fff;color:#1f2328;border:1px solid #e3e6ea;border-radius:14px;white-space:normal}',
    '.media img{display:block;max-width:100%;height:auto;max-height:240px;border-radius:10px;background:#eceef1}',
    '.media .ph{display:flex;align-items:center;justify-content:center;width:180px;max-width:100%;height:120px;border-radius:10px;background:#eceef1;color:#4b5563;font-size:12.5px;text-align:center;padding:8px}',
    '.m .bub.media a.file{display:flex;align-items:center;gap:10px;padding:8px 10px;color:#0b57d0;text-decoration:none}',
    '.file svg{width:28px;height:28px;flex:none;color:#b42318}',
    '.file b{display:block;text-decoration:underline;text-underline-offset:2px;overflow-wrap:anywhere}',
    '.file small{display:block;color:#4b5563;font-size:12px}',
    '.up{min-width:190px;padding:8px 10px!important}',
    '.up .fn{font-size:13px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:240px}',
    '.up progress{display:block;width:100%;height:6px;margin:6px 0 4px;accent-color:var(--c)}',
    '.up .us{font-size:12px;color:#4b5563}',
    '.up .ue{font-size:12.5px;color:#b42318;margin-top:4px;white-space:normal}',
    '.ua{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}',
    '.ua button{border:1.5px solid var(--c);color:var(--c);background:#fff;border-radius:16px;padding:5px 12px;font-size:13px;min-height:32px}',
    '.ua button.quiet{border-color:#d0d5dc;color:#4b5563}',
    '.survey{align-self:stretch;background:#fff;border:1px solid #e3e6ea;border-radius:14px;padding:12px 14px;display:flex;flex-direction:column;gap:8px}',
    '.survey p{margin:0;font-weight:600}',
    '.scores{display:flex;gap:6px}',
    '.scores button{flex:1;height:40px;border:1.5px solid #d0d5dc;border-radius:10px;background:#fff;color:#1f2328;font-weight:700;font-size:15px}',
    '.scores button:hover{border-color:var(--c)}',
    '.scores button[aria-pressed=true]{background:var(--c);border-color:var(--c);color:var(--on)}',
    '.scale{display:flex;justify-content:space-between;font-size:11.5px;color:#6b7280}',
    '.survey textarea{min-height:38px;font-size:16px}',
    '.survey .send{align-self:flex-end;height:36px}',
    '.fine{font-size:11px;color:#6b7280;text-align:center;margin-top:6px}',
    '.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}',
    /* a phone (place() sets data-full when the visual viewport is 480 px wide or less):
       the panel is the whole visual viewport, and modal */
    ':host([data-full]) .panel{left:var(--vx);top:var(--vy);width:var(--vw);height:var(--vh);border-radius:0;box-shadow:none}',
    ':host([data-full]) .m{max-width:90%}',
    ':host([data-full]) .foot{padding-bottom:max(8px,env(safe-area-inset-bottom))}'
  ].join('\n');

  var ICON_X = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18"/></svg>';
  var ICON_AGENT = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true"><path d="M4 14v-2a8 8 0 0 1 16 0v2"/><rect x="3" y="13" width="4" height="6" rx="1.5"/><rect x="17" y="13" width="4" height="6" rx="1.5"/><path d="M19 19c0 1.5-2 2.5-5 2.5"/></svg>';

  /* ---------- DOM (only static markup goes through innerHTML; server text never does) ---------- */
  var host = boot.host, root = boot.root;
  /* a constructed stylesheet, as the loader's: a strict Content-Security-Policy
     (style-src 'self') blocks a <style> element */
  var sheet = null;
  try { if (root !== host && root.adoptedStyleSheets) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); root.adoptedStyleSheets = root.adoptedStyleSheets.concat([sheet]); } } catch (e) { sheet = null; }
  var markup = document.createElement('div');
  markup.innerHTML = (sheet ? '' : '<style>' + CSS + '</style>') +
    '<section class="panel" id="dk-panel" role="dialog" aria-modal="false" aria-labelledby="dk-title" hidden>' +
    /* a div, not a <header>: a second banner landmark on the shop's page */
    '<div class="head"><div class="av">' + ICON_AGENT + '</div><div class="ht"><h2 id="dk-title"></h2>' +
    '<div class="st" data-s="off"><span class="dot"></span><span class="stt">Bağlanıyor…</span></div></div>' +
    '<button class="x" type="button" aria-label="Sohbeti kapat">' + ICON_X + '</button></div>' +
    '<div class="bar" role="status" hidden></div>' +
    '<div class="log" role="log" aria-live="polite" aria-relevant="additions" aria-label="Sohbet mesajları" tabindex="0"></div>' +
    '<form class="foot"><div class="row"><label class="sr" for="dk-in">Mesajınız</label>' +
    '<textarea id="dk-in" rows="1" maxlength="' + MAX_TEXT + '" placeholder="Mesajınızı yazın…" enterkeyhint="send" autocomplete="off"></textarea>' +
    '<button class="send" type="submit">Gönder</button></div>' +
    '<div class="fine">Otomatik asistan · Gerekirse sizi bir temsilciye aktarır</div></form></section>';
  while (markup.firstChild) root.appendChild(markup.firstChild);
  function $(s) { return root.querySelector(s); }
  var launcher = boot.launcher;
  launcher.setAttribute('aria-controls', 'dk-panel');
  var badge = $('.badge'), panel = $('.panel'), logEl = $('.log'),
    input = $('textarea'), sendBtn = $('.send'), bar = $('.bar'), st = $('.st'), stt = $('.stt'), fine = $('.fine');
  $('#dk-title').textContent = TITLE;
  var typingEl = document.createElement('div');
  typingEl.className = 'typing';
  /* spoken once when it appears (the log is a live region); the dots are not */
  typingEl.innerHTML = '<span class="sr">Yanıt yazılıyor</span><i aria-hidden="true"></i><i aria-hidden="true"></i><i aria-hidden="true"></i>';

  /* ---------- rendering ---------- */
  /* made on the first message shown: a time-zone formatter costs tens of ms in a fresh page */
  var timeFmt = null;
  function hhmm(at) {
    if (!timeFmt) {
      try { timeFmt = new Intl.DateTimeFormat('tr-TR', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Istanbul' }); }
      catch (e) { timeFmt = { format: function (d) { return ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2); } }; }
    }
    var d = new Date(at || Date.now()); if (isNaN(d)) d = new Date(); return timeFmt.format(d);
  }

  /* Untrusted text -> text nodes; http(s) URLs -> <a>. Newlines are kept by white-space:pre-wrap. */
  function richText(el, text) {
    var re = /\bhttps?:\/\/[^\s<>"'`]+/gi, last = 0, m;
    text = String(text == null ? '' : text);
    while ((m = re.exec(text))) {
      var url = m[0].replace(/[.,;:!?)\]'"»]+$/, '');
      if (m.index > last) el.appendChild(document.createTextNode(text.slice(last, m.index)));
      var ok = false;
      try { var u = new URL(url); ok = u.protocol === 'http:' || u.protocol === 'https:'; } catch (e) {}
      if (ok) {
        var a = document.createElement('a');
        a.href = url; a.target = '_blank'; a.rel = 'noopener noreferrer'; a.title = url;
        var label = url.replace(/^https?:\/\/(www\.)?/i, '');
        a.textContent = label.length > 42 ? label.slice(0, 40) + '…' : label;
        el.appendChild(a);
      } else el.appendChild(document.createTextNode(url));
      last = m.index + url.length;
      re.lastIndex = last;
    }
    if (last < text.length) el.appendChild(document.createTextNode(text.slice(last)));
  }

  function clearQuickReplies() { var q = root.querySelectorAll('.qr'); for (var i = 0; i < q.length; i++) q[i].remove(); }

  function renderEntry(e, withQr) {
    var wrap = document.createElement('div');
    if (e.role === 'sys') {
      wrap.className = 'sys'; wrap.textContent = e.text;
    } else {
      var mine = e.role === 'shopper';
      wrap.className = 'm ' + (mine ? 'u' : 'b');
      if (e.id) wrap.setAttribute('data-id', e.id);
      /* a screen reader hears who first, then the words, then the time */
      if (e.role === 'agent' && e.agent) {
        var who = document.createElement('div'); who.className = 'who'; who.textContent = e.agent; wrap.appendChild(who);
      } else {
        var who2 = document.createElement('span'); who2.className = 'sr';
        who2.textContent = mine ? 'Siz: ' : 'Asistan: ';
        wrap.appendChild(who2);
      }
      var b = document.createElement('div'); b.className = 'bub';
      if (e.upload) { wrap.setAttribute('data-up', e.upload.key); fillUpload(b, e.upload); }
      else if (e.att) fillMedia(b, e);
      else richText(b, e.text);
      wrap.appendChild(b);
      var meta = document.createElement('div'); meta.className = 'meta';
      var t = document.createElement('time'); t.textContent = hhmm(e.at); if (e.at) t.dateTime = e.at; meta.appendChild(t);
      if (mine) { var s = document.createElement('span'); s.className = 'tick'; meta.appendChild(s); setTick(wrap, e.pending, s); }
      if (!e.intro) wrap.appendChild(meta);
      if (withQr && e.qr && e.qr.length) {
        var q = document.createElement('div'); q.className = 'qr'; q.setAttribute('role', 'group'); q.setAttribute('aria-label', 'Hızlı yanıtlar');
        e.qr.forEach(function (label) {
          var btn = document.createElement('button'); btn.type = 'button'; btn.textContent = label;
          btn.addEventListener('click', function () { sendText(String(label)); input.focus(); });
          q.appendChild(btn);
        });
        wrap.appendChild(q);
      }
    }
    logEl.insertBefore(wrap, typingEl.parentNode === logEl ? typingEl : null);
    return wrap;
  }
  function setTick(wrap, isPending, s) {
    s = s || wrap.querySelector('.tick');
    if (!s) return;
    if (isPending === 'failed') { s.textContent = '· iletilemedi'; return; }
    s.textContent = isPending ? '· gönderiliyor' : '· iletildi';
    if (!isPending) { var ok = document.createElement('span'); ok.setAttribute('aria-hidden', 'true'); ok.textContent = ' ✓'; s.appendChild(ok); }
  }
  function scrollDown() { logEl.scrollTop = logEl.scrollHeight; }

  /* older messages stay on the server: a button asks for the page before the oldest shown */
  var historyMore = false, askedOlder = false;
  function renderAll() {
    logEl.textContent = '';
    if (historyMore && log.length && log[0].n) {
      var more = document.createElement('button');
      more.className = 'older'; more.type = 'button';
      more.textContent = askedOlder ? 'Yükleniyor…' : 'Önceki mesajları göster';
      more.disabled = askedOlder;
      more.addEventListener('click', function () {
        if (!ready || askedOlder) return;
        askedOlder = true; more.disabled = true; more.textContent = 'Yükleniyor…';
        send({ type: 'history', before: log[0].n });
      });
      logEl.appendChild(more);
    } else {
      renderEntry({ role: 'bot', text: GREETING, intro: true }, false).classList.add('intro');
    }
    var lastBot = -1;
    for (var i = 0; i < log.length; i++) if (log[i].role !== 'sys' && !log[i].att) lastBot = (log[i].role === 'shopper') ? -1 : i;
    for (i = 0; i < log.length; i++) renderEntry(log[i], i === lastBot && !pending.length);
    pending.forEach(function (p) { if (!inLog(p.id)) renderEntry({ role: 'shopper', id: p.id, text: p.text, at: p.at, pending: true }); });
    uploads.forEach(function (u) { renderEntry(uploadEntry(u)); });
    scrollDown();
  }
  function inLog(id) { for (var i = 0; i < log.length; i++) if (log[i].id === id) return true; return false; }
  function keep(e) { log.push(e); if (log.length > MAX_OLDER) log = log.slice(-MAX_OLDER); }

  /* keepQr: a notice that leaves the latest answer's quick replies usable */
  function addIncoming(e, keepQr) {
    keep(e);
    if (!keepQr) clearQuickReplies();
    renderEntry(e, true);
    scrollDown();
    if (!isOpen && e.role !== 'sys') { unread++; showBadge(); }
  }
  function notice(text) {
    var last = typingEl.parentNode ? typingEl.previousElementSibling : logEl.lastElementChild;
    if (last && last.className === 'sys' && last.textContent === text) return;
    renderEntry({ role: 'sys', text: text }); scrollDown();
  }

  function showBadge() {
    badge.hidden = !unread;
    badge.textContent = unread > 9 ? '9+' : String(unread);
    launcher.setAttribute('aria-label', unread ? 'Canlı destek (' + unread + ' okunmamış mesaj)' : 'Canlı destek');
  }

  /* typing indicator: while a reply to an acknowledged message is outstanding */
  var awaiting = {}, typingTimer = null, agentTyping = false, agentTypingTimer = null;
  function updateTyping() {
    var any = agentTyping || Object.keys(awaiting).length > 0;
    typingEl.firstChild.textContent = agentTyping ? 'Temsilci yazıyor' : 'Yanıt yazılıyor';
    if (any && typingEl.parentNode !== logEl) { logEl.appendChild(typingEl); scrollDown(); }
    if (!any && typingEl.parentNode) typingEl.remove();
    clearTimeout(typingTimer);
    if (any) typingTimer = setTimeout(function () { awaiting = {}; agentTyping = false; updateTyping(); }, 25000);
  }

  /* ---------- connection ---------- */
  var ws = null, ready = false, attempt = 0, retryTimer = null, pingTimer = null, pongTimer = null, wanted = false, everConnected = false;
  var rateTimer = null;

  /* ---------- what the shopper can expect: the header's line and the footer's ----------
     From the connection, the server's availability (the working hours of shop.json, when
     people are back, whether an agent is at work: `welcome`, then `availability` when it
     changes) and where the conversation stands (`handoff`, `agent_joined`, `survey`). */
  var avail = null;                         /* {hours, agents, back, back_at}; null: not told */
  var stage = 'bot', queuePos = 0, queueEta = 0, agentName = '';
  function setAvailability(a) {
    if (!a || typeof a !== 'object') return;
    avail = { hours: a.hours === 'closed' ? 'closed' : 'open', agents: !!a.agents,
      back: typeof a.back === 'string' ? a.back : '', back_at: typeof a.back_at === 'string' ? a.back_at : '' };
    setStatus(ready ? 'on' : 'off');
  }
  function setStage(s, name) {
    stage = s;
    if (s === 'agent') agentName = typeof name === 'string' ? name : '';
    setStatus(ready ? 'on' : 'off');
  }
  function waitMinutes(s) { return Math.max(1, Math.round(s / 60)); }
  /* [header, footer, away]: short enough for a 390 px header; away: people are not on duty */
  function expectation() {
    var closed = avail && avail.hours === 'closed';
    if (stage === 'agent') return [agentName ? 'Temsilciniz ' + agentName + ' sohbette' : 'Bir müşteri temsilcisi sohbette',
      'Bir müşteri temsilcisiyle yazışıyorsunuz', false];
    if (stage === 'queued') return ['Temsilci bekleniyor' + (queueEta ? ' · Tahmini ' + waitMinutes(queueEta) + ' dk' : queuePos ? ' · Sıranız: ' + queuePos : ''),
      'Beklerken asistana yazmaya devam edebilirsiniz', false];
    if (closed) return [avail.back ? 'Temsilcilerimiz ' + avail.back + ' burada' : 'Şu an mesai dışındayız',
      'Mesai dışı · Asistan talebinizi alıp temsilcilerimize iletir', true];
    if (stage === 'offline') return ['Talebiniz temsilcilerimize iletildi', 'Temsilcilerimiz size en kısa sürede dönecek', false];
    var foot = 'Otomatik asistan · Gerekirse sizi bir temsilciye aktarır';
    if (SUBTITLE || !avail) return ['Çevrimiçi' + (SUBTITLE ? ' · ' + SUBTITLE : ''), foot, false];
    return [avail.agents ? 'Asistan yanıtlıyor · Temsilciler çevrimiçi' : 'Asistan yanıtlıyor', foot, false];
  }
  function setStatus(kind) {
    var offline = navigator.onLine === false, e = expectation();
    st.setAttribute('data-s', kind === 'on' ? 'on' : 'off');
    if (kind === 'on' && e[2]) st.setAttribute('data-away', ''); else st.removeAttribute('data-away');
    stt.textContent = kind === 'on' ? e[0] : offline ? 'Çevrimdışı' : 'Bağlanıyor…';
    fine.textContent = e[1];
    var msg = kind === 'on' ? '' : offline ? 'Çevrimdışı. İnternet bağlantınız geldiğinde mesajlarınız gönderilecek.'
      : everConnected ? 'Bağlantı koptu, yeniden bağlanıyor…' : '';
    bar.hidden = !msg; bar.textContent = msg;
  }

  function connect() {
    wanted = true;
    if (ws || retryTimer) return;
    setStatus('off');
    try { ws = new WebSocket(SERVER); } catch (e) { ws = null; return retry(); }
    ws.onopen = function () {
      var h = { type: 'hello' };
      if (session) h.session = session;
      if (identity) h.identity = identity;
      send(h);
      pingTimer = setInterval(function () {
        send({ type: 'ping' });
        clearTimeout(pongTimer);
        pongTimer = setTimeout(function () { if (ws) ws.close(); }, 10000);
      }, 25000);
    };
    ws.onmessage = function (ev) {
      var m; try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m && typeof m.type === 'string') onFrame(m);
    };
    ws.onclose = function () {
      ws = null; ready = false;
      clearInterval(pingTimer); clearTimeout(pongTimer);
      awaiting = {}; agentTyping = false; typingOn = false; updateTyping();
      setStatus('off');
      retry();
    };
    ws.onerror = function () { /* onclose follows */ };
  }
  function retry() {
    if (!wanted || retryTimer) return;
    /* exponential backoff with jitter: 0.5..1 x min(30 s, 1 s x 2^attempt) */
    var cap = Math.min(30000, 1000 * Math.pow(2, attempt++));
    var wait = navigator.onLine === false ? 30000 : cap / 2 + Math.random() * cap / 2;
    retryTimer = setTimeout(function () { retryTimer = null; connect(); }, wait);
  }
  function reconnectNow() { if (ws || !wanted) return; clearTimeout(retryTimer); retryTimer = null; attempt = 0; connect(); }
  window.addEventListener('online', reconnectNow);
  window.addEventListener('resize', function () { if (isOpen) scrollDown(); });
  window.addEventListener('offline', function () { if (!ready) setStatus('off'); });
  document.addEventListener('visibilitychange', function () { if (!document.hidden) reconnectNow(); });

  function send(obj) { if (ws && ws.readyState === 1) { ws.send(JSON.stringify(obj)); return true; } return false; }
  function flush() { if (ready) pending.forEach(function (p) { send({ type: 'message', id: p.id, text: p.text }); }); }

  function onFrame(m) {
    switch (m.type) {
      case 'history': /* an older page, asked for with the button at the top */
        if (Array.isArray(m.entries)) {
          var top = logEl.scrollHeight - logEl.scrollTop;
          log = m.entries.filter(function (h) { return h && typeof h === 'object'; }).map(fromHistory).concat(log).slice(-MAX_OLDER);
          historyMore = !!m.more; askedOlder = false;
          renderAll();
          logEl.scrollTop = logEl.scrollHeight - top; /* stay where the reader was */
        }
        break;
      case 'welcome':
        var fresh = !m.resumed || !session || m.session !== session;
        session = typeof m.session === 'string' ? m.session : null; save(LOCAL, 'session', session);
        ready = true; attempt = 0; everConnected = true;
        /* the server repeats after the welcome where a resumed hand-off stands */
        stage = 'bot'; queuePos = queueEta = 0; withAgent = false;
        if (m.availability) setAvailability(m.availability); else setStatus('on');
        /* the transcript is the server's: the newest page of what it stored */
        if (Array.isArray(m.history) && (m.history.length || fresh)) {
          log = m.history.filter(function (h) { return h && typeof h === 'object'; }).map(fromHistory).slice(-MAX_KEEP);
          historyMore = !!m.history_more; askedOlder = false;
          renderAll();
        }
        flush();
        uploads.forEach(function (u) { if (u.state === 'wait') startUpload(u); });
        break;
      case 'ack':
        var before = pending.length;
        pending = pending.filter(function (p) { return p.id !== m.id; });
        if (pending.length !== before) {
          savePending();
          var el = logEl.querySelector('[data-id="' + cssId(m.id) + '"]');
          var p0 = el && el.querySelector('.bub');
          if (el) setTick(el, false);
          if (!inLog(m.id)) { /* not yet answered in the history: wait for the reply */
            keep({ role: 'shopper', id: m.id, text: p0 ? p0.textContent : '', at: el && el.querySelector('time') ? el.querySelector('time').dateTime : null });
            if (!withAgent) { awaiting[m.id] = 1; updateTyping(); }
          }
        }
        break;
      case 'reply':
        if (m.reply_to) delete awaiting[m.reply_to]; else awaiting = {};
        updateTyping();
        addIncoming({ role: 'bot', text: m.text, at: m.at || new Date().toISOString(), qr: m.quick_replies || [] });
        break;
      case 'agent_message':
        agentTyping = false; updateTyping();
        addIncoming({ role: 'agent', agent: m.agent || 'Müşteri temsilcisi', text: m.text, at: m.at || new Date().toISOString(), qr: m.quick_replies || [] });
        break;
      case 'agent_attachment': /* the agent sent a photo or a file */
        var aa = attOf(m.attachment);
        if (aa && !inLogN(m.n)) addIncoming({ role: 'agent', agent: m.agent || 'Müşteri temsilcisi', text: '', att: aa, n: typeof m.n === 'number' ? m.n : undefined, at: m.at || new Date().toISOString() }, true);
        break;
      case 'agent_joined':
        awaiting = {}; withAgent = true; updateTyping();
        setStage('agent', m.agent);
        var jt = (m.agent || 'Bir müşteri temsilcisi') + ' sohbete katıldı.';
        if (m.resumed) joinedAt(jt, m.at); /* a repeat after a resume: where it happened */
        else addIncoming({ role: 'sys', text: jt });
        break;
      case 'handoff':
        /* the bot's reply has just said it is transferring: the notice adds only
           where the shopper stands, and says nothing twice */
        var t = m.state === 'queued' ? (m.position ? 'Temsilci sırasındaki yeriniz: ' + m.position + '.' : 'Temsilci sırasındasınız.') +
            (m.eta_s ? ' Tahmini bekleme: ' + Math.max(1, Math.round(m.eta_s / 60)) + ' dk.' : '')
          : m.state === 'offline' ? (m.message || 'Şu anda çevrimiçi temsilcimiz yok; mesajınızı aldık, çalışma saatlerinde size dönüş yapacağız.')
          : m.state === 'bot' ? 'Sohbete asistan olarak devam ediyorum.' : '';
        if (m.state === 'bot') { withAgent = false; agentTyping = false; stopTyping(); updateTyping(); }
        if (m.state === 'queued') { queuePos = Number(m.position) || 0; queueEta = Number(m.eta_s) || 0; }
        if (m.state === 'queued' || m.state === 'offline' || m.state === 'bot') setStage(m.state);
        if (m.state === 'offline' && shownSys(t)) break; /* people are away: said once is enough */
        /* while queued the bot still answers: its quick replies stay (as after a reload,
           where the server repeats the hand-off state after the history) */
        if (t) addIncoming({ role: 'sys', text: t }, m.state === 'queued');
        break;
      case 'agent_typing':
        agentTyping = !!m.state; clearTimeout(agentTypingTimer);
        if (agentTyping) agentTypingTimer = setTimeout(function () { agentTyping = false; updateTyping(); }, 10000);
        updateTyping();
        break;
      case 'availability': /* the hours or the agents at work changed (checked at each ping) */
        setAvailability(m);
        break;
      case 'survey':
        withAgent = false; agentTyping = false; stopTyping(); updateTyping();
        setStage('bot');
        showSurvey(m);
        break;
      case 'rating_saved':
        var sv = logEl.querySelector('.survey');
        if (sv) { sv.className = 'sys'; sv.textContent = 'Teşekkürler! Değerlendirmeniz kaydedildi.'; }
        break;
      case 'identified':
        break;
      case 'error':
        onError(m);
        break;
    }
  }
  function shownSys(text) { for (var i = 0; i < log.length; i++) if (log[i].role === 'sys' && log[i].text === text) return true; return false; }
  /* the join notice repeated after a resume goes where the join happened: before
     the first message after it (the agent's), not under them; once */
  function joinedAt(text, at) {
    if (shownSys(text)) return;
    var when = at ? Date.parse(at) : NaN, i = log.length;
    /* times are to the second: an agent's message of the same second is still after it */
    if (!isNaN(when)) for (i = 0; i < log.length; i++) {
      var t = log[i].at ? Date.parse(log[i].at) : NaN;
      if (t > when || (t === when && log[i].role === 'agent')) break;
    }
    if (i >= log.length) { addIncoming({ role: 'sys', text: text, at: at }); return; }
    log.splice(i, 0, { role: 'sys', text: text, at: at });
    renderAll();
  }
  /* a history entry of the server (docs/PROTOCOL.md) -> a transcript entry */
  function fromHistory(h) {
    var role = h.role === 'shopper' ? 'shopper' : h.role === 'agent' ? 'agent' : 'bot';
    return {
      role: role, id: typeof h.id === 'string' ? h.id : undefined,
      n: typeof h.n === 'number' ? h.n : undefined,
      text: h.too_long ? '(Bu mesaj burada gösterilemeyecek kadar uzun.)' : String(h.text == null ? '' : h.text),
      at: h.at || null,
      att: attOf(h.attachment),
      qr: Array.isArray(h.quick_replies) ? h.quick_replies : [],
      agent: role === 'agent' ? (typeof h.agent === 'string' && h.agent ? h.agent : 'Müşteri temsilcisi') : undefined
    };
  }
  function cssId(id) { return String(id).replace(/["\\]/g, '\\$&'); }

  function onError(m) {
    switch (m.code) {
      case 'rate_limited':
        notice('Çok hızlı mesaj gönderiyorsunuz. Lütfen birkaç saniye bekleyin; mesajınızı birazdan yeniden göndereceğim.');
        clearTimeout(rateTimer);
        rateTimer = setTimeout(flush, 10000);
        break;
      case 'already_rated': /* the score given first stays; nothing to tell */
        break;
      case 'unavailable': /* the server could not store it: nothing was acknowledged */
        if (!ready) { /* the hello itself: connect and say it again, with the backoff */
          if (ws) ws.close();
          break;
        }
        clearTimeout(rateTimer);
        rateTimer = setTimeout(flush, 3000);
        break;
      case 'too_large':
        notice('Mesajınız çok uzun. Lütfen daha kısa bir mesaj yazın.');
        dropLastPending();
        break;
      case 'not_ready':
        if (ws) ws.close();
        break;
      case 'busy':
        notice('Sunucu kısa bir bakımda; birazdan yeniden bağlanacağım.');
        break;
      default:
        notice('Mesajınız iletilemedi. Lütfen tekrar deneyin.');
        if (m.code === 'bad_request' || m.code === 'bad_utf8') dropLastPending();
    }
  }
  function dropLastPending() {
    var p = pending.pop(); if (!p) return;
    savePending();
    var el = logEl.querySelector('[data-id="' + cssId(p.id) + '"] .tick');
    if (el) el.textContent = '· iletilemedi';
    delete awaiting[p.id]; updateTyping();
  }

  /* ---------- satisfaction survey (after an agent closed the conversation) ---------- */
  function showSurvey(m) {
    var old = logEl.querySelector('.survey'); if (old) old.remove();
    var scale = Array.isArray(m.scale) && m.scale.length ? m.scale : [1, 2, 3, 4, 5];
    var box = document.createElement('form'); box.className = 'survey';
    box.setAttribute('aria-label', 'Memnuniyet anketi');
    var q = document.createElement('p'); q.textContent = m.question || 'Aldığınız hizmeti 1 ile 5 arasında puanlar mısınız?'; box.appendChild(q);
    var row = document.createElement('div'); row.className = 'scores'; row.setAttribute('role', 'group'); row.setAttribute('aria-label', 'Puan');
    var chosen = 0;
    scale.forEach(function (n) {
      var b = document.createElement('button'); b.type = 'button'; b.textContent = String(n);
      b.setAttribute('aria-pressed', 'false'); b.setAttribute('aria-label', n + ' puan');
      b.addEventListener('click', function () {
        chosen = Number(n);
        var all = row.querySelectorAll('button'); for (var i = 0; i < all.length; i++) all[i].setAttribute('aria-pressed', all[i] === b ? 'true' : 'false');
        go.disabled = false; cmt.focus();
      });
      row.appendChild(b);
    });
    box.appendChild(row);
    var sc = document.createElement('div'); sc.className = 'scale'; sc.innerHTML = '<span>Hiç memnun değilim</span><span>Çok memnunum</span>'; box.appendChild(sc);
    var cmt = document.createElement('textarea'); cmt.rows = 1; cmt.maxLength = 1000; cmt.placeholder = 'Yorumunuz (isteğe bağlı)'; cmt.setAttribute('aria-label', 'Yorumunuz (isteğe bağlı)');
    box.appendChild(cmt);
    var go = document.createElement('button'); go.type = 'submit'; go.className = 'send'; go.textContent = 'Puanı gönder'; go.disabled = true;
    box.appendChild(go);
    box.addEventListener('submit', function (e) {
      e.preventDefault();
      if (!chosen) return;
      var r = { type: 'rating', score: chosen };
      var c = cmt.value.trim(); if (c) r.comment = c;
      if (send(r)) { go.disabled = true; go.textContent = 'Gönderiliyor…'; }
    });
    cmt.addEventListener('keydown', function (e) { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); box.requestSubmit ? box.requestSubmit() : go.click(); } });
    logEl.insertBefore(box, typingEl.parentNode === logEl ? typingEl : null);
    scrollDown();
    if (!isOpen) { unread++; showBadge(); }
  }

  /* shopper typing, forwarded to the agent while one is in the conversation */
  var withAgent = false, typingOn = false, typingIdle = null;
  function startTyping() {
    if (!withAgent || !ready) return;
    if (!typingOn) typingOn = send({ type: 'typing', state: true });
    clearTimeout(typingIdle); typingIdle = setTimeout(stopTyping, 3000);
  }
  function stopTyping() {
    clearTimeout(typingIdle);
    if (typingOn) { typingOn = false; send({ type: 'typing', state: false }); }
  }

  /* ---------- sending ---------- */
  function sendText(text) {
    text = String(text).replace(/\s+$/, '').replace(/^\s+/, '');
    if (!text) return false;
    if (text.length > MAX_TEXT) text = text.slice(0, MAX_TEXT);
    var p = { id: 'm-' + Date.now() + '-' + (++seq), text: text, at: new Date().toISOString() };
    pending.push(p); savePending();
    clearQuickReplies();
    renderEntry({ role: 'shopper', id: p.id, text: text, at: p.at, pending: true });
    scrollDown();
    stopTyping();
    if (ready) send({ type: 'message', id: p.id, text: text }); else connect();
    return true;
  }

  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  input.addEventListener('input', function () { autosize(); if (input.value.trim()) startTyping(); else stopTyping(); });
  function autosize() { input.style.height = 'auto'; input.style.height = Math.min(120, input.scrollHeight + 3) + 'px'; updateBtn(); }
  function updateBtn() { sendBtn.disabled = !input.value.trim(); }
  $('form').addEventListener('submit', function (e) { e.preventDefault(); submit(); });
  function submit() { if (sendText(input.value)) { input.value = ''; autosize(); } input.focus(); }

  /* ---------- photos (docs/PROTOCOL.md "Photos and files"): POST /upload with the session
     token, each under a key of its own (X-Client-Id), so a retry after a lost answer is
     stored once; shown from GET /attachments/ID with the same token. Nothing of it is kept
     in the browser's storage: an upload under way lasts as long as the page. ---------- */
  var MAX_FILE = 10 * 1024 * 1024;
  var HTTP = (function () {
    /* the WebSocket's server, and its path prefix when a proxy puts it under one */
    try { var u = new URL(SERVER, location.href); return (u.protocol === 'wss:' ? 'https:' : 'http:') + '//' + u.host + ((/^(.*)\/ws\/chat\/?$/.exec(u.pathname) || [])[1] || ''); } catch (e) { return ''; }
  })();
  /* what the shopper reads of a refusal: the server's own sentence for these codes
     (dialogue.json attachment.CODE), else this table */
  var ATT_TEXT = {
    not_image: 'Yalnızca fotoğraf gönderebilirsiniz (JPEG, PNG ya da HEIC).',
    too_large: "Dosya çok büyük. En fazla 10 MB'lık bir fotoğraf gönderebilirsiniz.",
    unsupported_type: 'Bu dosyayı açamıyoruz. Lütfen fotoğrafı JPEG, PNG ya da HEIC olarak gönderin.',
    bad_image: 'Fotoğraf açılamadı; dosya yarım kalmış ya da bozulmuş olabilir. Lütfen fotoğrafı yeniden gönderin.',
    too_many_pixels: 'Fotoğrafın çözünürlüğü çok yüksek. Lütfen daha küçük bir fotoğraf gönderin.',
    heic_unsupported: 'HEIC fotoğraflarını şu an açamıyoruz. Lütfen fotoğrafı JPEG olarak gönderin.',
    rate_limited: 'Kısa sürede çok fazla fotoğraf gönderdiniz. Lütfen bir dakika sonra yeniden deneyin.',
    unauthorized: 'Oturumunuz sona ermiş görünüyor. Lütfen sohbeti yeniden açıp fotoğrafı tekrar gönderin.',
    unavailable: 'Fotoğrafınızı şu an kaydedemedik. Lütfen birazdan yeniden deneyin.',
    network: 'Fotoğraf gönderilemedi; internet bağlantınızı kontrol edip yeniden deneyin.',
    other: 'Fotoğraf gönderilemedi. Lütfen yeniden deneyin.'
  };
  var SERVER_SAYS = { too_large: 1, unsupported_type: 1, bad_image: 1, too_many_pixels: 1, heic_unsupported: 1, rate_limited: 1, unauthorized: 1, unavailable: 1 };
  /* a refusal the same bytes would meet again: no retry offered */
  var FINAL = { too_large: 1, unsupported_type: 1, bad_image: 1, too_many_pixels: 1, heic_unsupported: 1, not_image: 1 };
  var uploads = [];   /* under way or failed: {key, file, name, size, at, state: wait|send|failed, sent, code, text, xhr} */
  var media = {};     /* attachment id -> {url} (a data: URL; CSP img-src allows data:) or {wait: [callbacks]} */

  var ICON_CLIP = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9"/></svg>';
  var ICON_DOC = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" aria-hidden="true"><path d="M6 2h8l5 5v15H6z"/><path d="M14 2v5h5"/><path d="M9 13h7M9 17h5" stroke-linecap="round"/></svg>';

  /* the paper clip left of the message box, and the file picker behind it (camera or
     gallery on a phone: accept image/*, no capture) */
  var attBtn = document.createElement('button');
  attBtn.type = 'button'; attBtn.className = 'att';
  attBtn.setAttribute('aria-label', 'Fotoğraf ekle'); attBtn.title = 'Fotoğraf ekle (en fazla 10 MB)';
  attBtn.innerHTML = ICON_CLIP;
  var picker = document.createElement('input');
  picker.type = 'file'; picker.accept = 'image/*'; picker.multiple = true; picker.hidden = true;
  picker.tabIndex = -1; picker.setAttribute('aria-hidden', 'true');
  input.parentNode.insertBefore(attBtn, input);
  input.parentNode.insertBefore(picker, input);
  attBtn.addEventListener('click', function () { picker.click(); });
  picker.addEventListener('change', function () {
    var files = Array.prototype.slice.call(picker.files || []);
    picker.value = ''; /* the same photo can be chosen again */
    files.slice(0, 10).forEach(attach);
    attBtn.focus(); /* not the message box: on a phone that would open the keyboard */
  });
  /* a photo pasted into the message box is attached too */
  input.addEventListener('paste', function (e) {
    var files = e.clipboardData && e.clipboardData.files;
    if (!files || !files.length) return;
    e.preventDefault();
    Array.prototype.forEach.call(files, attach);
  });

  function isPhoto(f) { return /^image\//i.test(f.type || '') || (!f.type && /\.(jpe?g|png|webp|hei[cf])$/i.test(f.name || '')); }
  function sizeText(n) {
    n = Number(n) || 0;
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return Math.max(1, Math.round(n / 1024)) + ' KB';
    return (n / 1048576).toFixed(1).replace('.', ',') + ' MB';
  }
  function attOf(a) {
    return a && typeof a === 'object' && typeof a.id === 'number' ? { id: a.id, type: String(a.type || ''), size: Number(a.size) || 0, width: Number(a.width) || 0, height: Number(a.height) || 0 } : undefined;
  }
  function inLogN(n) { if (typeof n !== 'number') return false; for (var i = 0; i < log.length; i++) if (log[i].n === n) return true; return false; }

  function attach(file) {
    if (!file) return;
    if (!isPhoto(file)) { notice(ATT_TEXT.not_image); return; }
    if (file.size > MAX_FILE) { notice(ATT_TEXT.too_large); return; }
    if (!file.size) { notice(ATT_TEXT.bad_image); return; }
    var u = { key: 'u-' + Date.now() + '-' + (++seq), file: file, name: file.name || 'Fotoğraf', size: file.size, at: new Date().toISOString(), state: 'wait', sent: 0 };
    uploads.push(u);
    renderEntry(uploadEntry(u));
    scrollDown();
    startUpload(u);
  }
  function uploadEntry(u) { return { role: 'shopper', upload: u, at: u.at, pending: u.state === 'failed' ? 'failed' : true }; }

  function startUpload(u) {
    if (!session || !HTTP) { u.state = 'wait'; paint(u); connect(); return; } /* sent once the server knows the conversation */
    u.state = 'send'; u.sent = 0; u.code = u.text = '';
    paint(u);
    var x = u.xhr = new XMLHttpRequest();
    x.open('POST', HTTP + '/upload');
    x.setRequestHeader('Authorization', 'Session ' + session);
    x.setRequestHeader('X-Client-Id', u.key);
    x.timeout = 300000; /* 10 MB on a slow uplink */
    x.upload.onprogress = function (e) { if (e.lengthComputable && e.total) { u.sent = e.loaded / e.total; paint(u); } };
    x.onload = function () {
      var j = null; try { j = JSON.parse(x.responseText); } catch (e) {}
      if (x.status === 200 && j && attOf(j.attachment)) uploaded(u, j);
      else failed(u, (j && j.error) || (x.status === 413 ? 'too_large' : x.status === 429 ? 'rate_limited' : x.status === 503 ? 'unavailable' : 'other'), j && j.message);
    };
    x.onerror = x.ontimeout = function () { failed(u, 'network'); };
    x.send(u.file);
  }
  function uploaded(u, j) {
    u.xhr = null;
    uploads = uploads.filter(function (v) { return v !== u; });
    var e = { role: 'shopper', text: '', att: attOf(j.attachment), n: typeof j.n === 'number' ? j.n : undefined, at: j.at || u.at };
    var old = logEl.querySelector('[data-up="' + cssId(u.key) + '"]');
    if (inLogN(e.n)) { if (old) old.remove(); return; } /* already shown (a resume came first) */
    keep(e);
    var w = renderEntry(e);
    if (old) { old.parentNode.replaceChild(w, old); }
    scrollDown();
  }
  function failed(u, code, message) {
    u.xhr = null; u.state = 'failed'; u.code = code;
    u.text = SERVER_SAYS[code] && message ? String(message) : (ATT_TEXT[code] || ATT_TEXT.other);
    paint(u);
  }
  /* an upload's bubble, redrawn as its state changes (its progress only, while it runs) */
  function paint(u) {
    var w = logEl.querySelector('[data-up="' + cssId(u.key) + '"]');
    if (!w) return;
    var b = w.querySelector('.bub'), pr = b.querySelector('progress');
    if (u.state === 'send' && pr && b.getAttribute('data-s') === 'send') {
      pr.value = Math.round(u.sent * 100);
      b.querySelector('.us').textContent = upState(u);
      return;
    }
    var had = root.activeElement && b.contains(root.activeElement);
    b.textContent = '';
    fillUpload(b, u);
    setTick(w, u.state === 'failed' ? 'failed' : true);
    if (had) { var f = b.querySelector('button'); (f || attBtn).focus(); }
  }
  function upState(u) {
    return u.state === 'wait' ? 'Bağlantı bekleniyor…' : u.sent >= 1 ? 'Gönderildi, işleniyor…'
      : u.sent > 0 ? 'Gönderiliyor… %' + Math.round(u.sent * 100) : 'Gönderiliyor…';
  }
  function fillUpload(b, u) {
    b.className = 'bub media up';
    b.setAttribute('data-s', u.state);
    var fn = document.createElement('div'); fn.className = 'fn'; fn.textContent = u.name + ' · ' + sizeText(u.size); b.appendChild(fn);
    if (u.state !== 'failed') {
      /* indeterminate until the browser reports how much has gone */
      var pr = document.createElement('progress'); pr.max = 100; if (u.sent > 0) pr.value = Math.round(u.sent * 100);
      pr.setAttribute('aria-label', 'Fotoğraf gönderiliyor');
      b.appendChild(pr);
      var us = document.createElement('div'); us.className = 'us'; us.textContent = upState(u);
      b.appendChild(us);
      return;
    }
    var ue = document.createElement('div'); ue.className = 'ue'; ue.textContent = u.text; b.appendChild(ue);
    var ua = document.createElement('div'); ua.className = 'ua';
    if (!FINAL[u.code]) {
      var again = document.createElement('button'); again.type = 'button'; again.className = 'retry';
      again.textContent = 'Yeniden dene'; again.setAttribute('aria-label', 'Yeniden dene: ' + u.name);
      again.addEventListener('click', function () { startUpload(u); }); /* the same upload, under the same key */
      ua.appendChild(again);
    }
    var drop = document.createElement('button'); drop.type = 'button'; drop.className = 'quiet';
    drop.textContent = 'Kaldır'; drop.setAttribute('aria-label', 'Kaldır: ' + u.name);
    drop.addEventListener('click', function () {
      uploads = uploads.filter(function (v) { return v !== u; });
      var w = logEl.querySelector('[data-up="' + cssId(u.key) + '"]'); if (w) w.remove();
      attBtn.focus();
    });
    ua.appendChild(drop);
    b.appendChild(ua);
  }

  /* a stored photo or file in the transcript: the photo as a thumbnail (fetched once with
     the session token), a PDF as a download link */
  function fillMedia(b, e) {
    var a = e.att, mine = e.role === 'shopper';
    b.className = 'bub media';
    b.setAttribute('data-att', String(a.id));
    if (!/^image\//.test(a.type)) {
      var l = document.createElement('a'); l.className = 'file'; l.href = '#';
      var name = 'destek-' + a.id + '.pdf';
      l.innerHTML = ICON_DOC;
      var t = document.createElement('span');
      var nb = document.createElement('b'); nb.textContent = name; t.appendChild(nb);
      var sm = document.createElement('small'); sm.textContent = (a.type === 'application/pdf' ? 'PDF' : 'Dosya') + ' · ' + sizeText(a.size) + ' · indir'; t.appendChild(sm);
      l.appendChild(t);
      l.addEventListener('click', function (ev) { ev.preventDefault(); download(a, name, l); });
      b.appendChild(l);
      return;
    }
    var ph = document.createElement('div'); ph.className = 'ph'; ph.textContent = 'Fotoğraf yükleniyor…';
    b.appendChild(ph);
    fetchMedia(a.id, function (url) {
      if (!url) { ph.textContent = 'Fotoğraf şu an gösterilemiyor.'; return; }
      var img = document.createElement('img');
      img.alt = mine ? 'Gönderdiğiniz fotoğraf' : (e.agent || 'Müşteri temsilcisi') + ' tarafından gönderilen fotoğraf';
      if (a.width && a.height) { img.width = Math.min(a.width, 232); img.height = Math.round(img.width * a.height / a.width); }
      img.src = url;
      if (ph.parentNode) ph.parentNode.replaceChild(img, ph);
      if (logEl.scrollHeight - logEl.scrollTop - logEl.clientHeight < 260) scrollDown();
    });
  }
  function fetchMedia(id, cb) {
    var m = media[id];
    if (m && m.url) { cb(m.url); return; }
    if (m && m.wait) { m.wait.push(cb); return; }
    m = media[id] = { wait: [cb] };
    var done = function (url) {
      var w = m.wait; m.wait = null;
      if (url) m.url = url; else delete media[id]; /* asked again the next time it is shown */
      w.forEach(function (f) { try { f(url); } catch (e) {} });
    };
    if (!session || !window.fetch || !window.FileReader) { done(null); return; }
    fetch(HTTP + '/attachments/' + id, { headers: { Authorization: 'Session ' + session }, cache: 'no-store', credentials: 'omit' })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.blob(); })
      .then(function (bl) {
        var fr = new FileReader();
        fr.onload = function () { done(String(fr.result)); };
        fr.onerror = function () { done(null); };
        fr.readAsDataURL(bl);
      })
      .catch(function () { done(null); });
  }
  /* a file is fetched with the token when asked for, and handed to the browser as a download */
  function download(a, name, link) {
    if (!session || !window.fetch) return;
    link.setAttribute('aria-busy', 'true');
    fetch(HTTP + '/attachments/' + a.id, { headers: { Authorization: 'Session ' + session }, cache: 'no-store', credentials: 'omit' })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.blob(); })
      .then(function (bl) {
        var url = URL.createObjectURL(bl), t = document.createElement('a');
        t.href = url; t.download = name; t.rel = 'noopener'; t.hidden = true;
        root.appendChild(t); t.click(); t.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        link.removeAttribute('aria-busy');
      })
      .catch(function () { link.removeAttribute('aria-busy'); notice('Dosya şu an indirilemedi. Lütfen birazdan yeniden deneyin.'); });
  }

  /* ---------- where it sits: the loader's place() keeps the visual viewport in the host's
     --vx/--vy/--vw/--vh and sets data-full on a phone (480 px or less), where the panel is
     the whole visual viewport and modal; the keyboard opening shrinks it, and the input
     stays above the keyboard. ---------- */
  function full() { return boot.full(); }
  boot.onPlace = function (changed) {
    if (changed) panel.setAttribute('aria-modal', full() ? 'true' : 'false');
    if (isOpen && root.activeElement === input) scrollDown();
  };
  panel.setAttribute('aria-modal', full() ? 'true' : 'false');
  var place = boot.place;

  /* On a phone the open panel covers the screen and is modal: Tab and Shift+Tab cycle
     inside it, and focus that leaves for the page underneath comes back. */
  function tabbables() {
    var all = panel.querySelectorAll('button,textarea,input,select,a[href],[tabindex]'), out = [];
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (!el.disabled && el.tabIndex >= 0 && el.getClientRects().length) out.push(el);
    }
    return out;
  }
  panel.addEventListener('keydown', function (e) {
    if (e.key !== 'Tab' || !full() || !isOpen) return;
    var t = tabbables(); if (!t.length) return;
    var first = t[0], last = t[t.length - 1], a = root.activeElement;
    if (e.shiftKey ? (a === first || t.indexOf(a) < 0) : (a === last || t.indexOf(a) < 0)) {
      e.preventDefault();
      (e.shiftKey ? last : first).focus();
    }
  });
  document.addEventListener('focusin', function (e) {
    if (!isOpen || !full() || e.target === host || host.contains(e.target)) return;
    var t = tabbables(); (t.indexOf(input) >= 0 ? input : t[0] || panel).focus();
  });

  /* ---------- open / close ---------- */
  function open() {
    isOpen = true; unread = 0; showBadge();
    place();
    panel.hidden = false;
    launcher.classList.add('op');
    launcher.setAttribute('aria-expanded', 'true');
    try { sessionStorage.setItem(NS + 'open', '1'); } catch (e) {}
    connect();
    scrollDown();
    setTimeout(function () { input.focus(); }, 0);
  }
  function close() {
    var hadFocus = root.activeElement || document.activeElement === host;
    isOpen = false;
    panel.hidden = true;
    launcher.classList.remove('op');
    launcher.setAttribute('aria-expanded', 'false');
    try { sessionStorage.removeItem(NS + 'open'); } catch (e) {}
    if (hadFocus) launcher.focus();
  }
  /* the launcher's click and the page's data-destek-open elements call window.destek
     (the loader's listeners) */
  $('.x').addEventListener('click', close);
  launcher.addEventListener('keydown', function (e) { if (e.key === 'Escape' && isOpen) close(); });
  panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') { e.stopPropagation(); close(); } });

  /* ---------- host-page API ---------- */
  function identify(id) {
    if (!id || typeof id.customer !== 'string') return;
    identity = { customer: id.customer, exp: Number(id.exp), sig: String(id.sig || '') };
    if (ready) send({ type: 'identify', identity: identity });
  }
  function reset() {
    uploads.forEach(function (u) { if (u.xhr) u.xhr.abort(); }); uploads = []; media = {}; /* photos: not the next person's */
    identity = null;
    if (ready) send({ type: 'reset' });
    session = null; log = []; pending = []; awaiting = {}; withAgent = false; agentTyping = false;
    stage = 'bot'; queuePos = queueEta = 0; setStatus(ready ? 'on' : 'off');
    forget();
    unread = 0; showBadge(); updateTyping(); renderAll();
  }

  /* everything the widget ever stored on this device, this version's keys and older ones */
  var forget = boot.forget;

  setStatus('off'); updateBtn(); renderAll(); place();
  /* Resume a known conversation at once (for unread messages and pending re-sends);
     a first-time visitor connects on first open only. */
  if (session || pending.length) connect();

  /* the calls made while this file loaded (the open that fetched it among them) */
  var queued = boot.q;
  boot.q = [];
  var api = window.destek = {
    version: '1.2', _boot: boot,
    open: open, close: close,
    toggle: function () { isOpen ? close() : open(); },
    identify: identify, reset: reset,
    send: function (text) { open(); return sendText(text); },
    isOpen: function () { return isOpen; }
  };
  queued.forEach(function (c) { try { api[c[0]].apply(api, c[1] || []); } catch (e) {} });
  launcher.removeAttribute('aria-busy');
})();
