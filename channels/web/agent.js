/* destek agent console (agent.html): plain JavaScript, no dependencies, no build step.
   Protocol: docs/PROTOCOL.md ("Agent endpoint /ws/agent"); usage: docs/AGENT_CONSOLE.md.
   Server text never goes through innerHTML: it becomes text nodes (URLs become links). */
(function () {
  'use strict';

  /* "1249.90" -> "1.249,90": money as Turkish readers write it */
  function trMoney(v) {
    var parts = String(v).split('.');
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, '.');
    return parts.length > 1 ? whole + ',' + parts[1] : whole;
  }
  /* 1234 -> "1.234" */
  function trNum(n) { return String(Math.round(Number(n) || 0)).replace(/\B(?=(\d{3})+(?!\d))/g, '.'); }


  var me = document.currentScript || document.querySelector('script[src*="agent.js"]');
  var ds = (me && me.dataset) || {};
  var SERVER = ds.server || ((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/agent');
  var TOKEN_KEY = 'destek-agent:token';
  var MAX_TEXT = 2000;
  var TITLE = document.title;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }

  /* ---------- formatting ---------- */
  var timeFmt;
  try { timeFmt = new Intl.DateTimeFormat('tr-TR', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Istanbul' }); }
  catch (e) { timeFmt = { format: function (d) { return ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2); } }; }
  function hhmm(at) { var d = new Date(at || Date.now()); if (isNaN(d)) d = new Date(); return timeFmt.format(d); }
  function dur(s) {
    s = Math.max(0, Math.floor(s));
    if (s < 60) return s + ' sn';
    var m = Math.floor(s / 60);
    if (m < 60) return m + ' dk ' + ('0' + (s % 60)).slice(-2) + ' sn';
    return Math.floor(m / 60) + ' sa ' + (m % 60) + ' dk';
  }
  function pct(c) { var n = Number(c); if (!isFinite(n)) return ''; if (n <= 1) n *= 100; return '%' + Math.round(n); }
  var STATUS_TR = {
    received: 'Sipariş alındı', preparing: 'Hazırlanıyor', shipped: 'Kargoya verildi', out_for_delivery: 'Dağıtımda',
    delivered: 'Teslim edildi', cancelled: 'İptal edildi', returned: 'İade edildi', in_transit: 'Yolda'
  };
  var CARRIER_TR = {
    yurtici: 'Yurtiçi Kargo', aras: 'Aras Kargo', mng: 'MNG Kargo', ptt: 'PTT Kargo', surat: 'Sürat Kargo',
    hepsijet: 'HepsiJET', trendyol_express: 'Trendyol Express', ups: 'UPS', dhl: 'DHL'
  };
  var PRIO_TR = { urgent: 'Acil', normal: 'Normal' };
  /* hand-off reasons (engine/dlg/); an unknown one is shown with its words */
  var REASON_TR = {
    istek: 'Müşteri temsilci istedi', anlasilamadi: 'Bot iki kez emin olamadı', odeme_sorunu: 'Ödeme sorunu',
    gonderim_gecikmesi: 'Gönderim gecikmesi', teslim_edildi_ulasmadi: 'Teslim edildi görünüyor, ulaşmadı',
    kargo_hareketsiz: 'Kargo hareketsiz', dogrulama_basarisiz: 'Kimlik doğrulanamadı', offline: 'Mesai dışı talep',
    hasarli: 'Hasarlı ürün', hasarli_urun: 'Hasarlı ürün', eksik_yanlis: 'Eksik ya da yanlış ürün', ariza: 'Arızalı ürün',
    sikayet: 'Şikâyet', magaza_hatasi: 'Mağaza hatası', kizgin_musteri: 'Müşteri kızgın, bot anlayamadı', istisna_talebi: 'İstisna isteği (hızlandırma, özel teslimat)'
  };
  function reasonLabel(r) {
    if (r == null || r === '') return '';
    r = String(r);
    return REASON_TR[r] || (/^[a-z0-9_]+$/.test(r) ? r.replace(/_/g, ' ').replace(/^./, function (c) { return c.toLocaleUpperCase('tr-TR'); }) : r);
  }

  /* Untrusted text -> text nodes; http(s) URLs -> <a target=_blank>. */
  function richText(node, text) {
    var re = /\bhttps?:\/\/[^\s<>"'`]+/gi, last = 0, m;
    text = String(text == null ? '' : text);
    while ((m = re.exec(text))) {
      var url = m[0].replace(/[.,;:!?)\]'"»]+$/, '');
      if (m.index > last) node.appendChild(document.createTextNode(text.slice(last, m.index)));
      var ok = false;
      try { var u = new URL(url); ok = u.protocol === 'http:' || u.protocol === 'https:'; } catch (e) {}
      if (ok) {
        var a = el('a'); a.href = url; a.target = '_blank'; a.rel = 'noopener noreferrer'; a.title = url;
        var label = url.replace(/^https?:\/\/(www\.)?/i, '');
        a.textContent = label.length > 48 ? label.slice(0, 46) + '…' : label;
        node.appendChild(a);
      } else node.appendChild(document.createTextNode(url));
      last = m.index + url.length; re.lastIndex = last;
    }
    if (last < text.length) node.appendChild(document.createTextNode(text.slice(last)));
    return node;
  }

  /* ---------- state ---------- */
  var ws = null, authed = false, wanted = false, attempt = 0, retryTimer = null, pingTimer = null;
  var agentName = '', capacity = 0;
  var queue = [], queueAt = 0, queueTotal = 0, offered = null;   /* queueTotal: how many wait in all ("total") */
  var canned = [];
  var convs = {}, order = [], active = null;   /* conversation id -> state */
  var mode = 'reply', localSeq = 0;

  function token() { try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; } }
  function setToken(t) { try { if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY); } catch (e) {} }

  /* ---------- log-in ---------- */
  var loginEl = $('login'), appEl = $('app'), loginErr = $('login-error'), loginInput = $('login-token');
  function showLogin(msg) {
    appEl.hidden = true; loginEl.hidden = false;
    loginErr.textContent = msg || '';
    $('login-submit').disabled = false;
    loginInput.value = '';
    setTimeout(function () { loginInput.focus(); }, 0);
  }
  $('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var t = loginInput.value.trim();
    if (!t) { loginErr.textContent = 'Lütfen temsilci anahtarınızı girin.'; loginInput.focus(); return; }
    setToken(t);
    loginInput.value = '';
    loginErr.textContent = '';
    $('login-submit').disabled = true;
    start();
  });
  $('logout').addEventListener('click', function () {
    var open = order.filter(function (id) { return convs[id].state === 'active'; }).length;
    var go = function () { setToken(''); stop(); resetState(); showLogin(''); };
    if (open) confirmDialog('Çıkış yapılsın mı?', open + ' açık sohbetiniz var. Çıkış yaparsanız bu sohbetler sizde kalır; yeniden giriş yaptığınızda devam edebilirsiniz.', 'Çıkış yap', go);
    else go();
  });

  function resetState() {
    queue = []; queueTotal = 0; convs = {}; order = []; active = null; canned = []; offered = null;
    renderQueue(); renderTabs(); showConv(null);
  }

  /* ---------- connection ---------- */
  function start() {
    wanted = true; attempt = 0;
    clearTimeout(retryTimer); retryTimer = null;
    connect();
  }
  function stop() {
    wanted = false; authed = false;
    clearTimeout(retryTimer); retryTimer = null;
    clearInterval(pingTimer);
    if (ws) { var w = ws; ws = null; w.onclose = null; try { w.close(1000); } catch (e) {} }
  }
  function connect() {
    if (ws || !wanted) return;
    setConn('off');
    var w;
    try { w = new WebSocket(SERVER); } catch (e) { return retry(); }
    ws = w;
    w.onopen = function () { send({ type: 'auth', token: token() }); };
    w.onmessage = function (ev) {
      var m; try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m && typeof m.type === 'string') onFrame(m);
    };
    w.onclose = function () {
      if (ws !== w) return;
      ws = null;
      clearInterval(pingTimer);
      var wasAuthed = authed; authed = false;
      if (!wasAuthed && !loginEl.hidden) { /* at the log-in form: say why, do not retry */
        if (wanted) { wanted = false; showLogin('Sunucuya bağlanılamadı. Lütfen biraz sonra yeniden deneyin.'); }
        return;
      }
      setConn('off');
      retry();
    };
    w.onerror = function () {};
  }
  function retry() {
    if (!wanted || retryTimer) return;
    var cap = Math.min(30000, 1000 * Math.pow(2, attempt++));
    retryTimer = setTimeout(function () { retryTimer = null; connect(); }, cap / 2 + Math.random() * cap / 2);
  }
  window.addEventListener('online', function () { if (wanted && !ws) { clearTimeout(retryTimer); retryTimer = null; attempt = 0; connect(); } });
  function send(obj) { if (ws && ws.readyState === 1) { ws.send(JSON.stringify(obj)); return true; } return false; }

  function setConn(kind) {
    var c = $('conn');
    c.setAttribute('data-s', kind);
    $('conn-text').textContent = kind === 'on' ? 'Çevrimiçi' : 'Bağlanıyor…';
    var b = $('banner');
    var msg = kind === 'on' ? '' : (appEl.hidden ? '' : 'Sunucu bağlantısı koptu, yeniden bağlanıyor… Mesaj gönderemezsiniz.');
    b.hidden = !msg; b.textContent = msg;
    updateComposer();
  }

  /* ---------- frames ---------- */
  function onFrame(m) {
    switch (m.type) {
      case 'authed':
        authed = true; attempt = 0;
        agentName = m.agent || ''; capacity = Number(m.capacity) || 0;
        loginEl.hidden = true; appEl.hidden = false;
        $('me').textContent = agentName;
        setConn('on');
        updateLoad();
        focusQueue = !active;
        break;
      case 'canned':
        canned = Array.isArray(m.items) ? m.items : [];
        break;
      case 'queue':
        queue = Array.isArray(m.items) ? m.items : [];
        /* the frame carries the head of the queue (at most 100) and how many wait in all */
        queueTotal = typeof m.total === 'number' && isFinite(m.total) ? Math.max(m.total, queue.length) : queue.length;
        queueAt = Date.now();
        if (offered && !queue.some(function (q) { return String(q.conversation) === offered; })) offered = null;
        renderQueue();
        break;
      case 'offer':
        var oid = String(m.conversation);
        if (claiming[oid] || (convs[oid] && convs[oid].state === 'active')) break;
        if (offered !== oid) toast('Size bir sohbet önerildi: #' + oid + '. Kuyrukta vurgulandı.', 'info');
        offered = oid;
        renderQueue();
        break;
      case 'claimed':
        onClaimed(m);
        break;
      case 'history':
        onHistory(m);
        break;
      case 'shopper_message':
        addEntry(String(m.conversation), { role: 'shopper', text: m.text, at: m.at || new Date().toISOString() }, true);
        setShopperTyping(String(m.conversation), false);
        break;
      case 'shopper_typing':
        setShopperTyping(String(m.conversation), !!m.state);
        break;
      case 'sent':          /* the server stored and forwarded our message (canned ones rendered) */
      case 'agent_message': /* the same from an older server, or a message of another agent */
        onAgentEcho(m);
        break;
      case 'note':
        if (m.conversation != null && !matchLocal(String(m.conversation), 'note', m.text))
          addEntry(String(m.conversation), { role: 'note', text: m.text, agent: m.agent, at: m.at }, false);
        break;
      case 'released':
        endConv(String(m.conversation), 'released');
        break;
      case 'closed':
        endConv(String(m.conversation), 'closed');
        break;
      case 'rating':
        onRating(m);
        break;
      case 'error':
        onError(m);
        break;
    }
  }

  function onError(m) {
    var code = m.code || '';
    if (!authed) {
      /* refused at log-in: a wrong or missing token */
      setToken('');
      wanted = false;
      showLogin(code === 'unauthorized' || code === 'bad_token' || code === 'forbidden' || code === 'auth' || !code
        ? 'Anahtar geçersiz. Lütfen kontrol edip yeniden deneyin.'
        : 'Giriş yapılamadı: ' + (m.message || code));
      return;
    }
    var cid = m.conversation != null ? String(m.conversation) : null;
    /* a conversation no longer ours cannot page either: the "Önceki mesajlar" request ends */
    if (cid && convs[cid] && convs[cid].loadingOlder && (code === 'not_found' || code === 'not_yours')) olderFailed(cid, false);
    var pendingClaims = Object.keys(claiming);
    if (code === 'already_claimed' || (code === 'not_found' && pendingClaims.length)) {
      /* the error names no conversation: it answers our outstanding claim */
      var ids = cid ? [cid] : pendingClaims;
      toast(code === 'already_claimed' ? 'Bu sohbeti başka bir temsilci üstlendi' + (ids.length === 1 ? ' (#' + ids[0] + ')' : '') + '.'
        : 'Bu sohbet artık beklemiyor' + (ids.length === 1 ? ' (#' + ids[0] + ')' : '') + '.', 'warn');
      ids.forEach(function (id) {
        delete claiming[id];
        dropFromQueue(id);
        if (offered === id) offered = null;
      });
      renderQueue();
      return;
    }
    /* a refused message, canned answer or note: mark the oldest unconfirmed one */
    var failed = failPending(m.message || code);
    if (failed) {
      toast(code === 'bad_request' && /verified|doğrula/i.test(m.message || '')
        ? 'Bu hazır yanıt doğrulanmış bir sipariş gerektiriyor; müşteri henüz bir sipariş doğrulamadı.'
        : 'Mesaj gönderilemedi: ' + (m.message || code), 'warn');
      return;
    }
    if (code === 'at_capacity' || code === 'capacity') { toast('Kapasiteniz dolu: önce açık bir sohbeti kapatın ya da devredin.', 'warn'); renderQueue(); return; }
    toast('Sunucu isteği reddetti: ' + (m.message || code || 'bilinmeyen hata'), 'warn');
    renderQueue();
  }

  /* ---------- queue ---------- */
  var claiming = {}, focusQueue = false;
  function renderQueue() {
    var ul = $('queue');
    var focusedId = document.activeElement && document.activeElement.closest && document.activeElement.closest('#queue li');
    focusedId = focusedId && focusedId.getAttribute('data-conv');
    ul.textContent = '';
    var full = capacity > 0 && openCount() >= capacity;
    queue.forEach(function (q) {
      var id = String(q.conversation);
      var li = el('li', 'qi' + (q.priority === 'urgent' ? ' urgent' : '') + (q.offline ? ' offline' : '') + (offered === id ? ' offered' : ''));
      li.setAttribute('data-conv', id);
      li.setAttribute('data-priority', q.priority || 'normal');
      var top = el('div', 'qi-top');
      if (q.offline) top.appendChild(el('span', 'pill pill-offline', 'Çevrimdışı talep'));
      top.appendChild(el('span', 'pill ' + (q.priority === 'urgent' ? 'pill-urgent' : 'pill-normal'), PRIO_TR[q.priority] || q.priority || 'Normal'));
      var wait = el('span', 'wait'); wait.setAttribute('data-wait', String(Number(q.waiting_s) || 0));
      wait.title = 'Bekleme süresi';
      top.appendChild(wait);
      li.appendChild(top);
      var pv = el('p', 'qi-preview'); pv.textContent = q.preview ? '“' + q.preview + '”' : '(mesaj yok)';
      li.appendChild(pv);
      var meta = el('div', 'qi-meta');
      if (q.reason) meta.appendChild(el('span', 'qi-reason', reasonLabel(q.reason)));
      if (q.intent) meta.appendChild(el('span', 'chip', q.intent));
      li.appendChild(meta);
      var row = el('div', 'qi-row');
      row.appendChild(el('span', 'qi-id', '#' + id + (offered === id ? ' · size önerildi' : '')));
      var b = el('button', 'btn btn-sm btn-primary claim', claiming[id] ? 'Alınıyor…' : 'Üstlen');
      b.type = 'button';
      b.disabled = !!claiming[id] || !authed;
      if (full) b.title = 'Kapasiteniz dolu';
      b.setAttribute('aria-label', 'Sohbeti üstlen: #' + id + ', ' + (q.offline ? 'çevrimdışı talep, ' : '') + (PRIO_TR[q.priority] || 'Normal') + ' öncelik' + (q.preview ? ', ' + String(q.preview).slice(0, 80) : ''));
      b.addEventListener('click', function () { claim(id); });
      row.appendChild(b);
      li.appendChild(row);
      ul.appendChild(li);
      if (focusedId === id) b.focus();
    });
    var total = Math.max(queueTotal, queue.length);
    $('queue-count').textContent = trNum(total);
    $('queue-count').classList.toggle('hot', queue.some(function (q) { return q.priority === 'urgent'; }));
    $('queue-empty').hidden = total > 0;
    /* only the head of a long queue comes in the frame: say how much more waits */
    var more = $('queue-more');
    more.hidden = total <= queue.length;
    more.textContent = total > queue.length ? 'İlk ' + trNum(queue.length) + ' gösteriliyor, toplam ' + trNum(total) + ' bekleyen' : '';
    tick();
    updateTitle();
    /* after log-in: the first claim button, unless the agent is already elsewhere */
    if (focusQueue && queue.length) {
      focusQueue = false;
      var ae = document.activeElement;
      if (!ae || ae === document.body || ae.id === 'login-token' || ae.id === 'login-submit') { var f = ul.querySelector('.claim'); if (f) f.focus(); }
    }
  }
  function tick() {
    var extra = queueAt ? (Date.now() - queueAt) / 1000 : 0;
    var w = document.querySelectorAll('#queue .wait');
    for (var i = 0; i < w.length; i++) {
      var s = Number(w[i].getAttribute('data-wait')) + extra;
      w[i].textContent = dur(s);
      w[i].classList.toggle('long', s >= 300);
    }
  }
  setInterval(tick, 500);

  /* an item leaves the queue here before the server's next queue frame says so */
  function dropFromQueue(id) {
    var n = queue.length;
    queue = queue.filter(function (q) { return String(q.conversation) !== id; });
    queueTotal = Math.max(queue.length, queueTotal - (n - queue.length));
  }

  function claim(id) {
    if (claiming[id]) return;
    if (convs[id] && convs[id].state === 'active') { showConv(id); return; }
    claiming[id] = true;
    renderQueue();
    if (!send({ type: 'claim', conversation: id })) { delete claiming[id]; renderQueue(); toast('Bağlantı yok; biraz sonra yeniden deneyin.', 'warn'); return; }
    setTimeout(function () { if (claiming[id]) { delete claiming[id]; renderQueue(); } }, 10000);
  }

  /* ---------- conversations ---------- */
  function openCount() { return order.filter(function (id) { return convs[id].state === 'active'; }).length; }
  function updateLoad() { $('load').textContent = capacity ? openCount() + ' / ' + capacity + ' sohbet' : openCount() + ' sohbet'; }

  function onClaimed(m) {
    var id = String(m.conversation);
    var mine = !!claiming[id];   /* we asked; otherwise one we still hold, sent again after a reconnect */
    delete claiming[id];
    var q = null;
    queue.forEach(function (x) { if (String(x.conversation) === id) q = x; });
    var c = convs[id];
    if (!c) { c = convs[id] = { id: id, entries: [], unread: 0, draft: '', noteDraft: '', typing: false, rating: null }; order.push(id); }
    c.state = 'active';
    c.rating = null;
    c.claimedAt = Date.now();
    c.context = m.context && typeof m.context === 'object' ? m.context : {};
    c.queueItem = q || c.queueItem || null;
    /* the newest page of the transcript; older pages on request ("Önceki mesajlar") */
    c.entries = (Array.isArray(m.history) ? m.history : []).filter(isObj).map(normEntry);
    c.more = !!m.history_more;
    c.loadingOlder = false;
    clearTimeout(c.olderTimer);
    if (mine) c.entries.push({ role: 'sys', text: 'Sohbeti üstlendiniz.', at: new Date().toISOString() });
    else c.entries.push({ role: 'sys', text: 'Bağlantı yenilendi; sohbet sizde.', at: new Date().toISOString() });
    dropFromQueue(id);
    if (offered === id) offered = null;
    renderQueue();
    renderTabs();
    updateLoad();
    if (mine || !active) {
      showConv(id);
      if (mine) $('composer-input').focus();
    } else if (id === active) showConv(id);
  }
  function isObj(h) { return !!h && typeof h === 'object'; }
  function normEntry(h) {
    var role = h.role || h.from || 'bot';
    if (role === 'user' || role === 'customer') role = 'shopper';
    if (role === 'system') role = 'sys';
    var n = Number(h.n);
    return {
      role: role, text: h.too_long ? '' : h.text, at: h.at, intent: h.intent, confidence: h.confidence,
      clarify: h.clarify, handoff: h.handoff, agent: h.agent, canned: h.canned, verified: h.verified,
      n: h.n != null && isFinite(n) ? n : null, tooLong: !!h.too_long
    };
  }

  /* ---------- older pages of a transcript ---------- */
  /* the message number of the oldest entry shown that came from the server */
  function oldestN(c) {
    for (var i = 0; i < c.entries.length; i++) if (c.entries[i].n != null) return c.entries[i].n;
    return null;
  }
  function loadOlder(id) {
    var c = convs[id];
    if (!c || c.loadingOlder || !c.more || c.state !== 'active') return;
    var before = oldestN(c);
    if (before == null) return;
    if (!send({ type: 'history', conversation: id, before: before })) { toast('Bağlantı yok; biraz sonra yeniden deneyin.', 'warn'); return; }
    c.loadingOlder = true;
    c.olderFocus = !!(document.activeElement && document.activeElement.classList && document.activeElement.classList.contains('older'));
    clearTimeout(c.olderTimer);
    c.olderTimer = setTimeout(function () { if (convs[id] === c && c.loadingOlder) olderFailed(id, true); }, 15000);
    if (id === active) renderOlder(c);
  }
  function olderFailed(id, say) {
    var c = convs[id]; if (!c) return;
    c.loadingOlder = false;
    clearTimeout(c.olderTimer);
    if (say) toast('Önceki mesajlar yüklenemedi; yeniden deneyin.', 'warn');
    if (id === active) renderOlder(c);
  }
  function onHistory(m) {
    var id = String(m.conversation);
    var c = convs[id];
    if (!c || !c.loadingOlder) return;   /* not asked for, or the conversation was opened again since */
    c.loadingOlder = false;
    clearTimeout(c.olderTimer);
    var first = oldestN(c);
    /* oldest first, all before the oldest shown (anything else would be a repeat) */
    var older = (Array.isArray(m.entries) ? m.entries : []).filter(isObj).map(normEntry)
      .filter(function (e) { return e.n != null && (first == null || e.n < first); });
    c.more = !!m.more && older.length > 0;
    if (id !== active) { c.entries = older.concat(c.entries); return; }
    /* the reader stays where they were: what was on screen keeps its place */
    var fromBottom = transcript.scrollHeight - transcript.scrollTop;
    c.entries = older.concat(c.entries);
    renderTranscript(true);
    transcript.scrollTop = transcript.scrollHeight - fromBottom;
    /* the focus goes on with the next "Önceki mesajlar", or to the transcript when none is left */
    if (c.olderFocus) (transcript.querySelector('button.older') || transcript).focus({ preventScroll: true });
    c.olderFocus = false;
  }
  /* the top of the transcript: "Önceki mesajlar" while older ones remain */
  function renderOlder(c) {
    var box = transcript.querySelector('.older-row');
    if (!c.more || oldestN(c) == null) { if (box) box.remove(); return; }
    if (!box) { box = el('div', 'older-row'); transcript.insertBefore(box, transcript.firstChild); }
    if (c.state !== 'active') {
      box.textContent = '';
      box.appendChild(el('p', 'older-note', 'Daha eski mesajlar var; sohbet artık sizde olmadığı için gösterilemiyor.'));
      return;
    }
    /* updated in place, so a focused button keeps the focus while its page loads */
    var b = box.querySelector('button.older');
    if (!b) {
      box.textContent = '';
      b = el('button', 'btn btn-sm older');
      b.type = 'button';
      b.title = 'Sohbetin daha eski mesajlarını yükle';
      b.addEventListener('click', function () { if (active) loadOlder(active); });
      box.appendChild(b);
    }
    b.textContent = c.loadingOlder ? 'Yükleniyor…' : 'Önceki mesajlar';
    /* aria-disabled, not disabled: a disabled button would drop the focus */
    b.setAttribute('aria-disabled', c.loadingOlder ? 'true' : 'false');
  }

  function addEntry(id, e, countUnread) {
    var c = convs[id];
    if (!c) return;
    c.entries.push(e);
    if (countUnread && (id !== active || document.hidden)) { c.unread++; renderTabs(); updateTitle(); }
    else renderTabs();
    if (id === active) {
      /* an agent reading older messages is not pulled down by a new one; their own message does */
      var atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 80;
      appendEntry(e);
      if (atBottom || e.local) scrollDown();
    }
  }
  /* our own messages are shown at once; an echo from the server replaces the canned placeholder text */
  function matchLocal(id, role, text) {
    var c = convs[id]; if (!c) return false;
    for (var i = c.entries.length - 1; i >= 0 && i >= c.entries.length - 20; i--) {
      var e = c.entries[i];
      if (e.role === role && e.local && !e.echoed && !e.failed && (e.text === text || e.cannedId)) {
        e.echoed = true;
        if (e.cannedId && text != null) e.text = text;
        if (id === active) renderTranscript();
        return true;
      }
    }
    return false;
  }
  function failPending(why) {
    var best = null;
    order.forEach(function (id) {
      convs[id].entries.forEach(function (e) { if (e.local && !e.echoed && !e.failed && (!best || e.seq < best.e.seq)) best = { id: id, e: e }; });
    });
    if (!best) return false;
    best.e.failed = why || 'gönderilemedi';
    if (best.id === active) renderTranscript();
    return true;
  }
  function onAgentEcho(m) {
    if (m.conversation == null) return;
    var id = String(m.conversation);
    if (matchLocal(id, 'agent', m.text)) return;
    addEntry(id, { role: 'agent', text: m.text, agent: m.agent, at: m.at }, false);
  }

  function endConv(id, how) {
    var c = convs[id]; if (!c) return;
    c.state = how;
    c.typing = false;
    if (typingSent[id]) stopTyping(id);
    c.entries.push({ role: 'sys', text: how === 'closed' ? 'Sohbeti kapattınız. Müşteriye memnuniyet anketi gönderildi.' : 'Sohbet asistana devredildi.', at: new Date().toISOString() });
    renderTabs(); updateLoad(); renderQueue();
    if (id === active) showConv(id);
  }
  function onRating(m) {
    var id = String(m.conversation);
    var c = convs[id];
    var score = Number(m.score);
    if (!c) { toast('#' + id + ' için müşteri puanı: ' + score + '/5', 'info'); return; }
    c.rating = { score: score, comment: m.comment || '' };
    c.entries.push({ role: 'rating', score: score, comment: m.comment || '', at: new Date().toISOString() });
    if (id !== active) c.unread++;
    renderTabs(); updateTitle();
    if (id === active) { showConv(id); }
    if (id !== active) toast('#' + id + ' müşteri puanı: ' + score + '/5', 'info');
  }

  function setShopperTyping(id, on) {
    var c = convs[id]; if (!c) return;
    c.typing = on;
    clearTimeout(c.typingTimer);
    if (on) c.typingTimer = setTimeout(function () { setShopperTyping(id, false); }, 8000);
    if (id === active) $('shopper-typing').hidden = !on;
    var t = document.querySelector('#convs [data-conv="' + id + '"] .tab-typing');
    if (t) t.hidden = !on;
  }

  /* ---------- tabs ---------- */
  function renderTabs() {
    var box = $('convs');
    var hadFocus = document.activeElement && document.activeElement.closest && document.activeElement.closest('#convs');
    box.textContent = '';
    order.forEach(function (id) {
      var c = convs[id];
      var b = el('button', 'tab' + (id === active ? ' on' : '') + (c.state !== 'active' ? ' ended' : ''));
      b.type = 'button';
      b.id = 'tab-' + id;
      b.setAttribute('role', 'tab');
      b.setAttribute('aria-selected', id === active ? 'true' : 'false');
      b.setAttribute('aria-controls', 'conv');
      b.setAttribute('data-conv', id);
      b.tabIndex = id === active || (!active && id === order[0]) ? 0 : -1;
      var q = c.queueItem || {};
      var row = el('span', 'tab-row');
      row.appendChild(el('span', 'tab-title', 'Sohbet #' + id));
      if (q.priority === 'urgent') row.appendChild(el('span', 'pill pill-urgent pill-xs', 'Acil'));
      var unread = el('span', 'unread', String(c.unread));
      unread.hidden = !c.unread;
      unread.setAttribute('aria-label', c.unread + ' okunmamış');
      row.appendChild(unread);
      b.appendChild(row);
      var last = lastText(c);
      var sub = el('span', 'tab-sub');
      var ty = el('span', 'tab-typing', 'yazıyor…'); ty.hidden = !c.typing;
      sub.appendChild(ty);
      sub.appendChild(el('span', 'tab-last', c.state === 'closed' ? (c.rating ? 'Kapatıldı · puan ' + c.rating.score + '/5' : 'Kapatıldı · puan bekleniyor')
        : c.state === 'released' ? 'Asistana devredildi' : last));
      b.appendChild(sub);
      b.addEventListener('click', function () { showConv(id); });
      b.addEventListener('keydown', tabKeys);
      box.appendChild(b);
    });
    $('convs-count').textContent = String(openCount());
    $('convs-empty').hidden = order.length > 0;
    if (hadFocus && active) { var t = $('tab-' + active); if (t) t.focus(); }
  }
  function lastText(c) {
    for (var i = c.entries.length - 1; i >= 0; i--) {
      var e = c.entries[i];
      if (e.role === 'shopper' || e.role === 'agent' || e.role === 'bot') return (e.role === 'agent' ? 'Siz: ' : '') + String(e.text || '').replace(/\s+/g, ' ').slice(0, 60);
    }
    return '';
  }
  function tabKeys(e) {
    var i = order.indexOf(this.getAttribute('data-conv'));
    var n = e.key === 'ArrowDown' ? i + 1 : e.key === 'ArrowUp' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? order.length - 1 : null;
    if (n == null) return;
    e.preventDefault();
    n = (n + order.length) % order.length;
    showConv(order[n]);
    $('tab-' + order[n]).focus();
  }
  function moveTab(d) {
    if (!order.length) return;
    var i = active ? order.indexOf(active) : -1;
    showConv(order[(i + d + order.length) % order.length]);
  }
  function updateTitle() {
    var n = 0; order.forEach(function (id) { n += convs[id].unread; });
    var urgent = queue.filter(function (q) { return q.priority === 'urgent'; }).length;
    document.title = (n ? '(' + n + ') ' : '') + (urgent ? '● ' : '') + TITLE;
  }

  /* ---------- the open conversation ---------- */
  var transcript = $('transcript'), input = $('composer-input');
  function showConv(id) {
    if (active && convs[active] && active !== id) saveDraft();
    active = id && convs[id] ? id : null;
    var c = active && convs[active];
    $('placeholder').hidden = !!c;
    $('conv').hidden = !c;
    $('info').hidden = !c;
    if (!c) { renderTabs(); return; }
    c.unread = 0;
    $('conv').setAttribute('aria-labelledby', 'tab-' + id);
    $('conv-h').textContent = 'Sohbet #' + id;
    var tags = $('conv-tags'); tags.textContent = '';
    var q = c.queueItem || {};
    var ho = c.context.handoff || {};
    var prio = q.priority || ho.priority || c.context.priority;
    if (prio) tags.appendChild(el('span', 'pill ' + (prio === 'urgent' ? 'pill-urgent' : 'pill-normal'), PRIO_TR[prio] || prio));
    if (q.offline || c.context.offline) tags.appendChild(el('span', 'pill pill-offline', 'Çevrimdışı talep'));
    var reason = q.reason || ho.reason || c.context.reason;
    if (reason) tags.appendChild(el('span', 'tag-text', reasonLabel(reason)));
    var stateTxt = c.state === 'closed' ? 'Kapatıldı' : c.state === 'released' ? 'Asistana devredildi' : '';
    if (stateTxt) tags.appendChild(el('span', 'pill pill-ended', stateTxt));
    $('btn-release').hidden = c.state !== 'active';
    $('btn-close').hidden = c.state !== 'active';
    $('btn-dismiss').hidden = c.state === 'active';
    $('composer').hidden = c.state !== 'active';
    var ended = $('conv-ended');
    ended.hidden = c.state === 'active';
    ended.textContent = c.state === 'closed' ? 'Bu sohbet kapatıldı. ' + (c.rating ? 'Müşteri puanı: ' + c.rating.score + '/5.' : 'Müşterinin puanı bekleniyor.')
      : c.state === 'released' ? 'Bu sohbet asistana devredildi. Müşteri yeniden temsilci isterse kuyrukta görünür.' : '';
    $('shopper-typing').hidden = !c.typing;
    renderTranscript();
    renderInfo(c);
    restoreDraft();
    renderTabs();
    updateTitle();
    updateComposer();
  }
  function renderTranscript(keepScroll) {
    var c = convs[active]; if (!c) return;
    var focusOlder = document.activeElement && document.activeElement.classList.contains('older');
    transcript.textContent = '';
    renderOlder(c);
    if (focusOlder && !keepScroll) { var ob = transcript.querySelector('button.older'); if (ob) ob.focus({ preventScroll: true }); }
    var prevDay = '';
    c.entries.forEach(function (e) {
      var day = e.at ? new Date(e.at).toDateString() : '';
      if (day && prevDay && day !== prevDay) transcript.appendChild(el('div', 'day', new Date(e.at).toLocaleDateString('tr-TR', { day: 'numeric', month: 'long', timeZone: 'Europe/Istanbul' })));
      if (day) prevDay = day;
      appendEntry(e);
    });
    if (!keepScroll) scrollDown();
  }
  function appendEntry(e) {
    var wrap;
    if (e.role === 'sys') {
      wrap = el('div', 'ev', e.text);
    } else if (e.role === 'rating') {
      wrap = el('div', 'msg rating');
      var r = el('div', 'rating-card');
      r.appendChild(el('div', 'rating-h', 'Müşteri memnuniyeti'));
      var stars = el('div', 'stars');
      stars.setAttribute('aria-label', e.score + ' / 5 puan');
      for (var i = 1; i <= 5; i++) stars.appendChild(el('span', i <= e.score ? 'star on' : 'star', '★'));
      stars.appendChild(el('span', 'score', e.score + '/5'));
      r.appendChild(stars);
      if (e.comment) r.appendChild(el('p', 'rating-comment', '“' + e.comment + '”'));
      wrap.appendChild(r);
    } else {
      var role = e.role === 'shopper' ? 'shopper' : e.role === 'agent' ? 'agent' : e.role === 'note' ? 'note' : 'bot';
      wrap = el('div', 'msg ' + role);
      var who = el('div', 'who');
      who.appendChild(el('span', 'who-name', role === 'shopper' ? 'Müşteri' : role === 'agent' ? (e.agent && e.agent !== agentName ? e.agent : 'Siz' + (agentName ? ' (' + agentName + ')' : ''))
        : role === 'note' ? 'Dahili not' + (e.agent ? ' · ' + e.agent : '') : 'Asistan'));
      if (role === 'note') who.appendChild(el('span', 'note-hint', 'müşteri görmez'));
      if (role === 'bot' && e.intent) {
        var chip = el('span', 'chip' + (e.confidence != null && Number(e.confidence) < 0.5 && Number(e.confidence) <= 1 ? ' low' : ''), e.intent + (e.confidence != null ? ' · ' + pct(e.confidence) : ''));
        chip.title = 'Botun anladığı niyet ve güven';
        who.appendChild(chip);
        if (e.clarify) who.appendChild(el('span', 'chip', 'netleştirme'));
        if (e.handoff) {
          var hp = typeof e.handoff === 'object' ? e.handoff.priority : e.handoff;
          var hr = typeof e.handoff === 'object' ? reasonLabel(e.handoff.reason) : '';
          who.appendChild(el('span', 'chip chip-warn', 'devir: ' + (PRIO_TR[hp] || hp || '') + (hr ? ' · ' + hr : '')));
        }
        if (e.verified) who.appendChild(el('span', 'chip chip-ok', 'kimlik doğrulandı' + (typeof e.verified === 'string' ? ': #' + e.verified : '')));
      }
      if (e.cannedId) who.appendChild(el('span', 'chip', 'hazır yanıt'));
      var t = el('time', 'when', hhmm(e.at)); if (e.at) t.dateTime = e.at;
      who.appendChild(t);
      if (e.local && e.failed) { wrap.classList.add('failed'); who.appendChild(el('span', 'state state-failed', 'gönderilemedi')); }
      else if (e.local && !e.echoed) who.appendChild(el('span', 'state', 'gönderiliyor…'));
      else if (e.local && role === 'agent') who.appendChild(el('span', 'state state-ok', 'iletildi ✓'));
      wrap.appendChild(who);
      if (e.tooLong) wrap.appendChild(el('div', 'bub too-long', '(Bu mesaj burada gösterilemeyecek kadar uzun.)'));
      else wrap.appendChild(richText(el('div', 'bub'), e.text));
      if (e.failed) wrap.appendChild(el('div', 'fail-why', String(e.failed)));
    }
    transcript.appendChild(wrap);
  }
  function scrollDown() { transcript.scrollTop = transcript.scrollHeight; }

  /* what the bot knew: the verified order, the customer, the hand-off */
  function renderInfo(c) {
    var body = $('info-body'); body.textContent = '';
    var ctx = c.context || {};
    var q = c.queueItem || {};
    var ho = ctx.handoff && typeof ctx.handoff === 'object' ? ctx.handoff : {};

    var s1 = card('Devir');
    kv(s1, 'Öncelik', PRIO_TR[q.priority || ho.priority || ctx.priority] || q.priority || ho.priority || ctx.priority);
    kv(s1, 'Neden', reasonLabel(q.reason || ho.reason || ctx.reason));
    kv(s1, 'Niyet', q.intent || ho.intent || ctx.intent);
    if (q.waiting_s != null) kv(s1, 'Bekledi', dur(Number(q.waiting_s) + (queueAt && c.claimedAt ? (c.claimedAt - queueAt) / 1000 : 0)));
    body.appendChild(s1);

    var cust = ctx.customer || ctx.verified_customer || ctx.identity;
    var s2 = card('Müşteri');
    if (ctx.shopper_online != null) {
      var on = el('p', 'presence' + (ctx.shopper_online ? ' on' : ''), ctx.shopper_online ? 'Sohbet penceresi açık' : 'Şu anda bağlı değil; yanıtınızı döndüğünde görür');
      s2.appendChild(on);
    }
    var oc = ctx.order && typeof ctx.order === 'object' ? ctx.order : null;
    if (cust && typeof cust === 'object') { kv(s2, 'Ad', cust.name); kv(s2, 'E-posta', cust.email || cust.customer); kv(s2, 'Telefon', cust.phone); }
    else if (cust) kv(s2, 'Kimlik', String(cust));
    else if (oc && typeof oc.customer === 'string' && oc.customer) kv(s2, 'Ad', oc.customer);
    if (oc) kv(s2, 'Doğrulama', 'Sipariş #' + (oc.id || '?') + ' ile doğrulandı');
    if (ctx.contact) kv(s2, 'İletişim', typeof ctx.contact === 'object' ? [ctx.contact.name, ctx.contact.phone, ctx.contact.email].filter(Boolean).join(' · ') : ctx.contact);
    if (!s2.querySelector('dt')) s2.appendChild(el('p', 'muted small', 'Müşteri kimliğini doğrulamadı.'));
    body.appendChild(s2);

    /* an offline request: what the bot collected after hours */
    var rq = ctx.request && typeof ctx.request === 'object' ? ctx.request : null;
    if (rq) {
      var sr = card('Çevrimdışı talep');
      sr.classList.add('request-card');
      kv(sr, 'Ad', rq.name);
      kv(sr, 'İletişim', rq.contact);
      kv(sr, 'Sipariş no', rq.order);
      kv(sr, 'Mesaj', rq.message);
      body.appendChild(sr);
    }

    var orders = [];
    var o = ctx.order || ctx.verified_order;
    if (o && typeof o === 'object') orders.push(o);
    if (Array.isArray(ctx.orders)) ctx.orders.forEach(function (x) { if (x && typeof x === 'object') orders.push(x); });
    if (!orders.length && (o != null && typeof o !== 'object')) orders.push({ id: o });
    var s3 = card(orders.length > 1 ? 'Doğrulanmış siparişler' : 'Doğrulanmış sipariş');
    s3.classList.add('order-card');
    if (!orders.length) s3.appendChild(el('p', 'muted small', 'Bot bu sohbette bir siparişi doğrulamadı.'));
    orders.forEach(function (o) {
      var head = el('div', 'order-head');
      head.appendChild(el('span', 'order-id', '#' + (o.id || o.order || o.order_id || '?')));
      if (o.status) { var st = el('span', 'status status-' + String(o.status).replace(/[^a-z_]/g, ''), STATUS_TR[o.status] || o.status); head.appendChild(st); }
      s3.appendChild(head);
      var sh = o.shipment && typeof o.shipment === 'object' ? o.shipment : o.tracking && typeof o.tracking === 'object' ? o.tracking : o;
      var carrier = sh.carrier_name || CARRIER_TR[sh.carrier] || sh.carrier;
      var dl = el('dl', 'kv');
      s3.appendChild(dl);
      kv(dl, 'Kargo', carrier);
      var tn = sh.tracking_no || (typeof sh.tracking === 'string' ? sh.tracking : '') || o.tracking_no;
      if (!tn && o.status && /^(received|preparing)$/.test(o.status)) kv(dl, 'Takip no', 'henüz kargoya verilmedi');
      if (tn) {
        var url = sh.tracking_url || o.tracking_url;
        var dd = kv(dl, 'Takip no', url ? '' : tn, true);
        if (url && /^https?:\/\//.test(url)) { var a = el('a', null, tn); a.href = url; a.target = '_blank'; a.rel = 'noopener noreferrer'; dd.appendChild(a); }
      }
      var pay = o.payment && typeof o.payment === 'object' ? o.payment : null;
      var total = (pay && pay.total) || o.total;
      if (total) kv(dl, 'Tutar', trMoney(total) + ' ' + ((pay && pay.currency) || o.currency || 'TL'));
      if (o.created_at) kv(dl, 'Sipariş tarihi', fmtDate(o.created_at));
      if (sh.shipped_at) kv(dl, 'Kargoya verildi', fmtDate(sh.shipped_at));
      if (sh.delivered_at) kv(dl, 'Teslim', fmtDate(sh.delivered_at));
      var evs = Array.isArray(sh.events) ? sh.events : [];
      if (evs.length) {
        var last = evs[evs.length - 1];
        kv(dl, 'Son hareket', [fmtDate(last.at), last.location, last.description].filter(Boolean).join(' · '));
      }
      if (Array.isArray(o.items) && o.items.length) {
        var ul = el('ul', 'items');
        o.items.forEach(function (it) { ul.appendChild(el('li', null, (it.qty ? it.qty + ' × ' : '') + (it.name || it.sku || ''))); });
        s3.appendChild(ul);
      }
    });
    body.appendChild(s3);

    /* anything else the server sent, shown plainly */
    var known = { order: 1, verified_order: 1, orders: 1, customer: 1, verified_customer: 1, identity: 1, handoff: 1, priority: 1, reason: 1, intent: 1, verified: 1, contact: 1, offline: 1, request: 1, shopper_online: 1 };
    var s4 = card('Diğer bilgiler');
    Object.keys(ctx).forEach(function (k) {
      if (known[k]) return;
      var v = ctx[k];
      if (v == null || v === '') return;
      kv(s4, k, typeof v === 'object' ? JSON.stringify(v) : String(v));
    });
    if (s4.querySelector('dt')) body.appendChild(s4);

    if (c.rating) {
      var s5 = card('Müşteri puanı');
      s5.classList.add('rating-box');
      var stars = el('div', 'stars'); stars.setAttribute('aria-label', c.rating.score + ' / 5 puan');
      for (var i = 1; i <= 5; i++) stars.appendChild(el('span', i <= c.rating.score ? 'star on' : 'star', '★'));
      stars.appendChild(el('span', 'score', c.rating.score + '/5'));
      s5.appendChild(stars);
      if (c.rating.comment) s5.appendChild(el('p', 'rating-comment', '“' + c.rating.comment + '”'));
      body.insertBefore(s5, body.firstChild);
    }
  }
  function card(title) { var s = el('section', 'card'); s.appendChild(el('h3', null, title)); return s; }
  function kv(parent, k, v, force) {
    if ((v == null || v === '') && !force) return null;
    var dl = parent.tagName === 'DL' ? parent : parent.querySelector('dl.kv');
    if (!dl) { dl = el('dl', 'kv'); parent.appendChild(dl); }
    dl.appendChild(el('dt', null, k));
    var dd = el('dd', null, v);
    dl.appendChild(dd);
    return dd;
  }
  function fmtDate(s) {
    var d = new Date(s); if (isNaN(d)) return String(s);
    try { return d.toLocaleString('tr-TR', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Istanbul' }); } catch (e) { return String(s); }
  }

  /* ---------- composer ---------- */
  function setMode(m) {
    if (active && convs[active]) saveDraft();
    mode = m;
    $('mode-reply').setAttribute('aria-checked', m === 'reply' ? 'true' : 'false');
    $('mode-note').setAttribute('aria-checked', m === 'note' ? 'true' : 'false');
    $('mode-reply').tabIndex = m === 'reply' ? 0 : -1;
    $('mode-note').tabIndex = m === 'note' ? 0 : -1;
    $('composer').classList.toggle('is-note', m === 'note');
    $('mode-hint').textContent = m === 'note' ? 'Yalnızca temsilciler görür' : 'Müşteri görür';
    $('composer-label').textContent = m === 'note' ? 'Dahili not' : 'Müşteriye yanıt';
    input.placeholder = m === 'note' ? 'Dahili not yazın… (müşteri görmez)' : 'Yanıtınızı yazın… (hazır yanıtlar için /)';
    $('composer-send').textContent = m === 'note' ? 'Not ekle' : 'Gönder';
    if (m === 'note' && active) stopTyping(active);
    if (active && convs[active]) restoreDraft();
    closeCanned();
  }
  $('mode-reply').addEventListener('click', function () { setMode('reply'); input.focus(); });
  $('mode-note').addEventListener('click', function () { setMode('note'); input.focus(); });
  $('composer').querySelector('.mode').addEventListener('keydown', function (e) {
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault(); setMode(mode === 'note' ? 'reply' : 'note'); $(mode === 'note' ? 'mode-note' : 'mode-reply').focus();
    }
  });
  function saveDraft() { var c = convs[active]; if (!c) return; if (mode === 'note') c.noteDraft = input.value; else c.draft = input.value; }
  function restoreDraft() { var c = convs[active]; if (!c) return; input.value = mode === 'note' ? c.noteDraft : c.draft; autosize(); }
  function updateComposer() {
    var c = active && convs[active];
    var ok = !!(c && c.state === 'active' && authed);
    $('composer-send').disabled = !ok || !input.value.trim();
    input.disabled = !ok;
    $('btn-release').disabled = !ok;
    $('btn-close').disabled = !ok;
  }
  function autosize() { input.style.height = 'auto'; input.style.height = Math.min(180, input.scrollHeight + 2) + 'px'; updateComposer(); }

  /* typing: `typing` true while typing, false after 3 s idle, on send, on blur or when switching */
  var typingSent = {}, typingIdle = null;
  function startTyping(id) {
    if (mode !== 'reply') return;
    if (!typingSent[id]) { if (send({ type: 'typing', conversation: id, state: true })) typingSent[id] = true; }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(function () { stopTyping(id); }, 3000);
  }
  function stopTyping(id) {
    clearTimeout(typingIdle);
    if (typingSent[id]) { send({ type: 'typing', conversation: id, state: false }); delete typingSent[id]; }
  }

  input.addEventListener('input', function () {
    autosize();
    if (active && input.value.trim() && !cannedOpen()) startTyping(active);
    else if (active && !input.value.trim()) stopTyping(active);
    updateCanned();
  });
  input.addEventListener('blur', function () { if (active) stopTyping(active); setTimeout(function () { if (document.activeElement !== input) closeCanned(); }, 150); });
  input.addEventListener('keydown', function (e) {
    if (cannedOpen()) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') { e.preventDefault(); moveCanned(e.key === 'ArrowDown' ? 1 : -1); return; }
      if (e.key === 'Enter' && !e.isComposing) { e.preventDefault(); pickCanned(e.shiftKey ? 'insert' : 'send'); return; }
      if (e.key === 'Tab' && cannedList.length) { e.preventDefault(); pickCanned('insert'); return; }
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); closeCanned(); return; }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  $('composer').addEventListener('submit', function (e) { e.preventDefault(); submit(); });

  function submit() {
    var c = active && convs[active];
    if (!c || c.state !== 'active') return;
    var text = input.value.replace(/^\s+|\s+$/g, '');
    if (!text) return;
    if (text.length > MAX_TEXT) { toast('Mesaj en fazla ' + MAX_TEXT + ' karakter olabilir.', 'warn'); return; }
    var frame = mode === 'note' ? { type: 'note', conversation: c.id, text: text } : { type: 'message', conversation: c.id, text: text };
    if (!ws || ws.readyState !== 1) { toast('Bağlantı yok; mesaj gönderilemedi.', 'warn'); return; }
    if (mode === 'reply') stopTyping(c.id);
    send(frame);
    addEntry(c.id, { role: mode === 'note' ? 'note' : 'agent', text: text, agent: agentName, at: new Date().toISOString(), local: true, seq: ++localSeq }, false);
    input.value = '';
    saveDraft();
    autosize();
    input.focus();
  }

  /* ---------- canned answers: "/" opens a filterable list ---------- */
  var pop = $('canned-pop'), cannedList = [], cannedSel = 0;
  function cannedOpen() { return !pop.hidden; }
  function slashQuery() {
    var m = /^\/(\S*)$/.exec(input.value) || /(?:^|\s)\/(\S*)$/.exec(input.value.slice(0, input.selectionEnd));
    return m ? m[1] : null;
  }
  function fold(s) { return String(s || '').toLocaleLowerCase('tr-TR').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ı/g, 'i'); }
  function updateCanned() {
    var q = slashQuery();
    if (q == null || !canned.length) { closeCanned(); return; }
    var f = fold(q);
    cannedList = canned.filter(function (c) { return !f || fold(c.id).indexOf(f) >= 0 || fold(c.title).indexOf(f) >= 0 || fold(c.text).indexOf(f) >= 0; });
    cannedSel = Math.min(cannedSel, Math.max(0, cannedList.length - 1));
    renderCanned();
  }
  function renderCanned() {
    pop.textContent = '';
    pop.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    var head = el('div', 'canned-head');
    head.appendChild(el('span', null, 'Hazır yanıtlar'));
    head.appendChild(el('span', 'canned-keys', mode === 'note' ? '↑↓ seç · Enter ekle · Esc kapat' : '↑↓ seç · Enter gönder · Tab düzenle · Esc kapat'));
    pop.appendChild(head);
    if (!cannedList.length) { pop.appendChild(el('div', 'canned-none', 'Eşleşen hazır yanıt yok.')); input.removeAttribute('aria-activedescendant'); return; }
    cannedList.forEach(function (c, i) {
      var o = el('div', 'canned-item' + (i === cannedSel ? ' sel' : ''));
      o.id = 'canned-' + i;
      o.setAttribute('role', 'option');
      o.setAttribute('aria-selected', i === cannedSel ? 'true' : 'false');
      o.setAttribute('data-canned', c.id);
      var t = el('div', 'canned-title');
      t.appendChild(el('span', null, c.title || c.id));
      t.appendChild(el('code', null, '/' + c.id));
      o.appendChild(t);
      o.appendChild(el('div', 'canned-text', c.text));
      o.addEventListener('mousedown', function (e) { e.preventDefault(); cannedSel = i; pickCanned(mode === 'note' ? 'insert' : 'send'); });
      pop.appendChild(o);
    });
    input.setAttribute('aria-activedescendant', 'canned-' + cannedSel);
    var sel = pop.querySelector('.sel'); if (sel && sel.scrollIntoView) sel.scrollIntoView({ block: 'nearest' });
  }
  function moveCanned(d) { if (!cannedList.length) return; cannedSel = (cannedSel + d + cannedList.length) % cannedList.length; renderCanned(); }
  function closeCanned() { pop.hidden = true; input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant'); cannedSel = 0; }
  function pickCanned(how) {
    var item = cannedList[cannedSel];
    if (!item) return;
    closeCanned();
    var c = active && convs[active];
    /* the typed "/query" is replaced by the answer */
    var before = input.value.slice(0, input.selectionEnd).replace(/\/\S*$/, '');
    var after = input.value.slice(input.selectionEnd);
    if (how === 'send' && mode === 'reply' && !before.trim() && !after.trim() && c && c.state === 'active') {
      /* sent by id: the server renders the conversation's variables ({order} …) */
      if (!ws || ws.readyState !== 1) { toast('Bağlantı yok; mesaj gönderilemedi.', 'warn'); return; }
      stopTyping(c.id);
      send({ type: 'message', conversation: c.id, canned: item.id });
      addEntry(c.id, { role: 'agent', text: item.text, agent: agentName, at: new Date().toISOString(), local: true, seq: ++localSeq, cannedId: item.id }, false);
      input.value = ''; saveDraft(); autosize();
      return;
    }
    input.value = before + item.text + after;
    var pos = (before + item.text).length;
    input.setSelectionRange(pos, pos);
    autosize();
    input.focus();
  }

  /* ---------- release / close ---------- */
  $('btn-release').addEventListener('click', function () {
    var id = active; if (!id) return;
    confirmDialog('Sohbet asistana devredilsin mi?', 'Sohbet #' + id + ' otomatik asistana geri verilir; müşteri bunu görür. Müşteri yeniden temsilci isterse sohbet kuyruğa döner.', 'Asistana devret', function () {
      stopTyping(id);
      if (!send({ type: 'release', conversation: id })) toast('Bağlantı yok; biraz sonra yeniden deneyin.', 'warn');
    });
  });
  $('btn-close').addEventListener('click', function () {
    var id = active; if (!id) return;
    confirmDialog('Sohbet kapatılsın mı?', 'Sohbet #' + id + ' sonlandırılır ve müşteriye 1-5 memnuniyet anketi gönderilir. Bu işlem geri alınamaz.', 'Sohbeti kapat', function () {
      stopTyping(id);
      if (!send({ type: 'close', conversation: id })) toast('Bağlantı yok; biraz sonra yeniden deneyin.', 'warn');
    });
  });
  $('btn-dismiss').addEventListener('click', function () {
    var id = active; if (!id) return;
    var i = order.indexOf(id);
    order.splice(i, 1); delete convs[id];
    showConv(order[Math.min(i, order.length - 1)] || null);
    updateTitle();
    var t = active ? $('tab-' + active) : document.querySelector('#queue .claim');
    if (t) t.focus();
  });

  var dlg = $('confirm'), dlgCb = null, dlgReturn = null;
  function confirmDialog(title, text, ok, cb) {
    $('confirm-h').textContent = title;
    $('confirm-text').textContent = text;
    $('confirm-ok').textContent = ok;
    dlgCb = cb; dlgReturn = document.activeElement;
    dlg.returnValue = '';
    if (dlg.showModal) { dlg.showModal(); $('confirm-cancel').focus(); }
    else if (window.confirm(title + '\n\n' + text)) { var f = dlgCb; dlgCb = null; f(); }
  }
  dlg.addEventListener('close', function () {
    var f = dlgCb; dlgCb = null;
    if (dlgReturn && dlgReturn.focus) dlgReturn.focus();
    if (dlg.returnValue === 'ok' && f) f();
  });

  /* ---------- toasts ---------- */
  function toast(text, kind) {
    var t = el('div', 'toast ' + (kind || 'info'), text);
    $('toasts').appendChild(t);
    setTimeout(function () { t.classList.add('out'); setTimeout(function () { t.remove(); }, 400); }, 5000);
  }

  /* ---------- global keys ---------- */
  document.addEventListener('keydown', function (e) {
    if (appEl.hidden || (dlg.open)) return;
    if (e.altKey && !e.ctrlKey && !e.metaKey) {
      if (e.key === 'ArrowDown') { e.preventDefault(); moveTab(1); if (active) $('tab-' + active).focus(); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); moveTab(-1); if (active) $('tab-' + active).focus(); }
      else if ((e.key === 'n' || e.key === 'N' || e.code === 'KeyN') && active) { e.preventDefault(); setMode(mode === 'note' ? 'reply' : 'note'); input.focus(); }
    }
  });
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && active && convs[active] && convs[active].unread) { convs[active].unread = 0; renderTabs(); updateTitle(); }
  });

  /* ---------- boot ---------- */
  setMode('reply');
  if (token()) { loginEl.hidden = true; appEl.hidden = false; setConn('off'); start(); }
  else showLogin('');

  /* for tests and debugging: read-only state */
  window.destekAgent = {
    state: function () { return { authed: authed, agent: agentName, queue: queue.slice(), open: order.slice(), active: active }; }
  };
})();
