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
  var agentName = '', capacity = 0, role = 'agent';   /* role: "supervisor" sees Raporlar and Öğret */
  var queue = [], queueAt = 0, queueTotal = 0, offered = null;   /* queueTotal: how many wait in all ("total") */
  var canned = [];
  var convs = {}, order = [], active = null;   /* conversation id -> state */
  var mode = 'reply', localSeq = 0;   /* localSeq orders our unanswered messages and requests */
  /* the middle column: "conv" (the active conversation), "search" (results) or "reader" (read-only) */
  var pane = 'conv';

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
    alertsReset();
    renderQueue(); renderTabs(); showConv(null);
    supReset();
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
    supDisconnected();
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
      supDisconnected();
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
        role = m.role === 'supervisor' ? 'supervisor' : 'agent';
        loginEl.hidden = true; appEl.hidden = false;
        $('me').textContent = agentName;
        setConn('on');
        updateLoad();
        supAuthed();   /* the navigation and the page in the address, for a supervisor */
        focusQueue = !active && view === 'chats';
        /* the status chosen last time: away stays away after a reload or a reconnect */
        if (storedStatus() === 'away') send({ type: 'status', state: 'away' });
        else $('status').value = 'available';
        break;
      case 'canned':
        canned = Array.isArray(m.items) ? m.items : [];
        break;
      case 'intent_names':   /* the KB's intent titles, for every agent */
        (Array.isArray(m.items) ? m.items : []).forEach(function (x) {
          if (isObj(x) && typeof x.id === 'string' && x.id) intentTitles[x.id] = x.title ? String(x.title) : x.id;
        });
        break;
      case 'queue':
        queue = Array.isArray(m.items) ? m.items : [];
        /* the frame carries the head of the queue (at most 100) and how many wait in all */
        queueTotal = typeof m.total === 'number' && isFinite(m.total) ? Math.max(m.total, queue.length) : queue.length;
        queueAt = Date.now();
        if (offered && !queue.some(function (q) { return String(q.conversation) === offered; })) offered = null;
        queueArrivals();   /* what is new since the last frame: announced, and an alert */
        renderQueue();
        break;
      case 'offer':
        var oid = String(m.conversation);
        if (claiming[oid] || (convs[oid] && convs[oid].state === 'active')) break;
        if (offered !== oid) {
          toast('Size bir sohbet önerildi: #' + oid + '. Kuyrukta vurgulandı.', 'info');
          alertOffer(oid);
        }
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
        var sid = String(m.conversation), unseen = !!convs[sid] && !onScreen(sid);
        addEntry(sid, { role: 'shopper', text: m.text, at: m.at || new Date().toISOString() }, true);
        setShopperTyping(sid, false);
        if (convs[sid]) alertMessage(sid, m.text, unseen);
        break;
      case 'shopper_attachment':   /* the shopper attached a photo */
        var fid = String(m.conversation), fatt = attOf(m.attachment), funseen = !!convs[fid] && !onScreen(fid);
        if (!fatt || !convs[fid] || hasN(convs[fid], m.n)) break;
        addEntry(fid, { role: 'shopper', text: '', attachment: fatt, n: typeof m.n === 'number' ? m.n : null, at: m.at || new Date().toISOString() }, true);
        if (fid === active) renderInfo(convs[fid]);
        alertMessage(fid, attLabel(fatt), funseen);
        break;
      case 'shopper_typing':
        setShopperTyping(String(m.conversation), !!m.state);
        break;
      case 'status':        /* our own status, as the server keeps it */
        $('status').value = m.state === 'away' ? 'away' : 'available';
        document.body.classList.toggle('away', m.state === 'away');
        break;
      case 'agents':
        onAgents(m);
        break;
      case 'transferred':
        endConv(String(m.conversation), 'transferred', m.to);
        break;
      case 'presence':      /* the shopper opened or left the chat, on whichever node */
        var pc = convs[String(m.conversation)];
        if (pc) {
          pc.context = pc.context || {};
          pc.context.shopper_online = !!m.shopper_online;
          if (active === String(m.conversation)) renderInfo(pc);
        }
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
      case 'report':
        onReport(m);
        break;
      case 'review':
        onReviewList(m);
        break;
      case 'review_assigned':
      case 'review_dismissed':
        onReviewDone(m);
        break;
      case 'intents':
        onIntents(m);
        break;
      case 'search_results':
        onSearchResults(m);
        break;
      case 'transcript':
        onTranscript(m);
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
    /* an error naming no conversation answers the oldest request still waiting for one: a search,
       a reading or a supervisor's request (supPending), unless a message of ours sent before it
       is still unanswered (the server answers the frames in order; a conversation's errors name it) */
    if (!cid && supPending.length && !localBefore(supPending[0].seq)) { onSupError(m); return; }
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
    if (code === 'not_available' || code === 'no_room') {
      toast(code === 'no_room' ? 'Bu temsilcinin yeni sohbete yeri yok; başka birini seçin.' : 'Bu temsilci şu anda müsait değil; başka birini seçin.', 'warn');
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
      if (q.intent) { var qc = el('span', 'chip', intentName(q.intent)); qc.title = q.intent; meta.appendChild(qc); }
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
    delete queueUnseen[id];
    queueTotal = Math.max(queue.length, queueTotal - (n - queue.length));
  }

  function claim(id) {
    if (claiming[id]) return;
    if (convs[id] && convs[id].state === 'active') { openConv(id); return; }
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
    var going = c.entries.filter(function (e) { return e.upload; });   /* uploads under way or failed */
    c.entries = (Array.isArray(m.history) ? m.history : []).filter(isObj).map(normEntry).concat(going);
    c.more = !!m.history_more;
    c.loadingOlder = false;
    clearTimeout(c.olderTimer);
    var from = typeof m.from === 'string' && m.from ? m.from : '';
    if (mine) c.entries.push({ role: 'sys', text: 'Sohbeti üstlendiniz.', at: new Date().toISOString() });
    else if (from) {
      c.entries.push({ role: 'sys', text: from + ' bu sohbeti size aktardı.', at: new Date().toISOString() });
      toast(from + ' bir sohbeti size aktardı (#' + id + ').', 'info');
    } else c.entries.push({ role: 'sys', text: 'Bağlantı yenilendi; sohbet sizde.', at: new Date().toISOString() });
    dropFromQueue(id);
    if (offered === id) offered = null;
    unnotify(id);   /* its queue notification is out of date */
    renderQueue();
    renderTabs();
    updateLoad();
    if (mine || !active) {
      if (mine) openConv(id); else showConv(id);
      if (mine) $('composer-input').focus();
    } else if (id === active) showConv(id);
    /* handed over by a colleague: news (a claim of our own, or one sent again after a reconnect, is not) */
    if (from && !mine) alertTransfer(id, from);
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
      step: h.step === true, n: h.n != null && isFinite(n) ? n : null, tooLong: !!h.too_long,
      attachment: attOf(h.attachment)
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
    /* a page of a conversation read-only (asked for by the reader, in order) */
    if (supTake('view_history', id)) { readerHistory(m); return; }
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
    if (countUnread && (id !== active || document.hidden || view !== 'chats' || pane !== 'conv')) { c.unread++; renderTabs(); updateTitle(); }
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

  function endConv(id, how, to) {
    var c = convs[id]; if (!c) return;
    c.state = how;
    c.typing = false;
    if (typingSent[id]) stopTyping(id);
    c.entries.push({ role: 'sys', text: how === 'closed' ? 'Sohbeti kapattınız. Müşteriye memnuniyet anketi gönderildi.'
      : how === 'transferred' ? 'Sohbeti aktardınız; müşteriyle artık ' + (to || 'diğer temsilci') + ' ilgileniyor.'
      : 'Sohbet asistana devredildi.', at: new Date().toISOString() });
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
    if (id !== active || view !== 'chats' || pane !== 'conv') c.unread++;
    renderTabs(); updateTitle();
    if (id === active) { showConv(id); if (view === 'chats' && pane === 'conv') announce('Müşteri puanı: ' + score + '/5' + (m.comment ? '. ' + m.comment : '')); }
    if (id !== active || view !== 'chats') toast('#' + id + ' müşteri puanı: ' + score + '/5', 'info');
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
      b.addEventListener('click', function () { openConv(id); });
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
      if (e.role === 'shopper' || e.role === 'agent' || e.role === 'bot') return (e.role === 'agent' ? 'Siz: ' : '') + (e.attachment || e.upload ? attLabel(e.attachment || { type: e.upload.file.type }) : String(e.text || '').replace(/\s+/g, ' ').slice(0, 60));
    }
    return '';
  }
  function tabKeys(e) {
    var i = order.indexOf(this.getAttribute('data-conv'));
    var n = e.key === 'ArrowDown' ? i + 1 : e.key === 'ArrowUp' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? order.length - 1 : null;
    if (n == null) return;
    e.preventDefault();
    n = (n + order.length) % order.length;
    openConv(order[n]);
    $('tab-' + order[n]).focus();
  }
  function moveTab(d) {
    if (!order.length) return;
    var i = active ? order.indexOf(active) : -1;
    openConv(order[(i + d + order.length) % order.length]);
  }
  function updateTitle() {
    var n = 0; order.forEach(function (id) { n += convs[id].unread; });
    var nq = Object.keys(queueUnseen).length;   /* waiting conversations that came while nobody looked */
    var urgent = queue.filter(function (q) { return q.priority === 'urgent'; }).length;
    document.title = (n + nq ? '(' + (n + nq) + ') ' : '') + (urgent ? '● ' : '') + TITLE;
    /* on another page, "Sohbetler" in the navigation carries the unread count */
    var nu = $('nav-unread');
    nu.hidden = !n; nu.textContent = n ? String(n) : '';
    nu.setAttribute('aria-label', n + ' okunmamış mesaj');
  }

  /* ---------- the open conversation ---------- */
  var transcript = $('transcript'), input = $('composer-input');
  function showConv(id) {
    if (active && convs[active] && active !== id) saveDraft();
    active = id && convs[id] ? id : null;
    var c = active && convs[active];
    /* while a search or a read-only transcript fills the middle, the conversation waits behind it */
    $('placeholder').hidden = !!c || pane !== 'conv';
    $('conv').hidden = !c || pane !== 'conv';
    $('info').hidden = !c || pane !== 'conv';
    if (!c) { renderTabs(); return; }
    if (pane === 'conv') { c.unread = 0; if (onScreen(active)) unnotify(active); }
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
    var stateTxt = c.state === 'closed' ? 'Kapatıldı' : c.state === 'released' ? 'Asistana devredildi' : c.state === 'transferred' ? 'Aktarıldı' : '';
    if (stateTxt) tags.appendChild(el('span', 'pill pill-ended', stateTxt));
    $('btn-release').hidden = c.state !== 'active';
    $('btn-transfer').hidden = c.state !== 'active';
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
    fillEntries(transcript, c.entries);
    if (!keepScroll) scrollDown();
  }
  /* the entries into a transcript box, with a line at each new day */
  function fillEntries(box, entries) {
    var prevDay = '';
    entries.forEach(function (e) {
      var day = e.at ? new Date(e.at).toDateString() : '';
      if (day && prevDay && day !== prevDay) box.appendChild(el('div', 'day', new Date(e.at).toLocaleDateString('tr-TR', { day: 'numeric', month: 'long', timeZone: 'Europe/Istanbul' })));
      if (day) prevDay = day;
      appendEntry(e, box);
    });
  }
  function appendEntry(e, box) {
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
        /* a reply to a step of the dialogue (an order number, an e-mail) was not a
           classification: its confidence says nothing, so none is shown */
        var chip = e.step ? el('span', 'chip step', intentName(e.intent) + ' · diyalog adımı')
          : el('span', 'chip' + (e.confidence != null && Number(e.confidence) < 0.5 && Number(e.confidence) <= 1 ? ' low' : ''), intentName(e.intent) + (e.confidence != null ? ' · ' + pct(e.confidence) : ''));
        chip.title = e.step ? 'Botun sorduğu bilgiye yanıt (' + e.intent + '); sınıflandırma değil' : 'Botun anladığı niyet ve güven (' + e.intent + ')';
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
      if (e.upload) { who.appendChild(el('span', 'state' + (e.upload.state === 'failed' ? ' state-failed' : ''), e.upload.state === 'failed' ? 'gönderilemedi' : 'gönderiliyor…')); wrap.setAttribute('data-up', e.upload.key); wrap.appendChild(fillUpload(el('div', 'bub'), e.upload)); }
      else if (e.attachment) wrap.appendChild(fillMedia(el('div', 'bub'), e.attachment, photoAlt(e)));
      else if (e.tooLong) wrap.appendChild(el('div', 'bub too-long', '(Bu mesaj burada gösterilemeyecek kadar uzun.)'));
      else wrap.appendChild(richText(el('div', 'bub'), e.text));
      if (e.failed) wrap.appendChild(el('div', 'fail-why', String(e.failed)));
    }
    (box || transcript).appendChild(wrap);
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
    var nid = q.intent || ho.intent || ctx.intent;
    kv(s1, 'Niyet', nid ? intentName(nid) : nid);
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

    /* the photos and files of the transcript loaded so far */
    var atts = c.entries.filter(function (e) { return e.attachment; });
    if (atts.length) {
      var sA = card('Fotoğraflar ve dosyalar (' + atts.length + ')');
      sA.classList.add('att-card');
      var ul = el('ul', 'att-list');
      atts.forEach(function (e) {
        var li = el('li'), a = e.attachment, who = e.role === 'shopper' ? 'Müşteri' : e.agent && e.agent !== agentName ? e.agent : 'Siz';
        if (isImage(a)) {
          li.appendChild(thumbButton(a, photoAlt(e) + ', ' + hhmm(e.at)));
        } else {
          var d = fileLink(a, true);
          d.className = 'att-doc';
          li.appendChild(d);
        }
        li.appendChild(el('span', 'att-cap', who + ' · ' + hhmm(e.at)));
        ul.appendChild(li);
      });
      sA.appendChild(ul);
      body.appendChild(sA);
    }

    /* anything else the server sent, shown plainly */
    /* the customer's other conversations, each opened read-only */
    var sE = card('Müşterinin önceki sohbetleri');
    sE.classList.add('earlier-card');
    var earlier = Array.isArray(ctx.earlier) ? ctx.earlier.filter(isConvRow) : [];
    if (earlier.length) sE.appendChild(convList(earlier, 'conv'));
    else sE.appendChild(el('p', 'muted small', 'Bu müşterinin başka sohbeti bulunamadı.'));
    body.appendChild(sE);

    var known = { order: 1, verified_order: 1, orders: 1, customer: 1, verified_customer: 1, identity: 1, handoff: 1, priority: 1, reason: 1, intent: 1, verified: 1, contact: 1, offline: 1, request: 1, shopper_online: 1, earlier: 1, canned: 1 };
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
    updateComposer();
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
    $('composer-attach').disabled = !ok || mode === 'note';   /* a file always goes to the shopper */
    $('btn-release').disabled = !ok;
    $('btn-transfer').disabled = !ok;
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

  /* ---------- photos and files (docs/PROTOCOL.md "Photos and files") ----------
     The agent sends an image or a PDF to a conversation it holds: POST /upload?conversation=ID
     with its token, under a key of its own (X-Client-Id), so a retry after a lost answer is
     stored once. Photos and files are read with GET /attachments/ID (each agent's reading is
     in the access log) once per page and kept in memory as data: URLs (the CSP allows
     img-src data:). */
  var MAX_FILE = 10 * 1024 * 1024;
  var HTTP = (function () {
    /* the WebSocket's server, and its path prefix when a proxy puts it under one */
    try { var u = new URL(SERVER, location.href); return (u.protocol === 'wss:' ? 'https:' : 'http:') + '//' + u.host + ((/^(.*)\/ws\/agent\/?$/.exec(u.pathname) || [])[1] || ''); } catch (e) { return ''; }
  })();
  var UP_TEXT = {
    not_allowed: 'Yalnızca fotoğraf (JPEG, PNG, WebP, HEIC) ya da PDF gönderebilirsiniz.',
    too_large: 'Dosya çok büyük: en fazla 10 MB gönderebilirsiniz.',
    unsupported_type: 'Bu dosya türü gönderilemez: yalnızca fotoğraf (JPEG, PNG, WebP, HEIC) ya da PDF.',
    bad_image: 'Fotoğraf açılamadı; dosya yarım ya da bozuk görünüyor.',
    bad_pdf: 'PDF dosyası eksik ya da bozuk görünüyor.',
    too_many_pixels: 'Fotoğrafın çözünürlüğü çok yüksek (en fazla 50 milyon piksel).',
    heic_unsupported: 'Sunucu HEIC fotoğraflarını açamıyor; JPEG olarak gönderin.',
    not_yours: 'Bu sohbet artık sizde değil; dosya gönderilemedi.',
    rate_limited: 'Kısa sürede çok fazla dosya gönderildi; bir dakika sonra yeniden deneyin.',
    unauthorized: 'Oturumunuz geçersiz; yeniden giriş yapıp tekrar deneyin.',
    unavailable: 'Dosya şu an kaydedilemedi; birazdan yeniden deneyin.',
    network: 'Dosya gönderilemedi: sunucuya ulaşılamadı. Bağlantınızı kontrol edip yeniden deneyin.',
    other: 'Dosya gönderilemedi; yeniden deneyin.'
  };
  /* a refusal the same bytes would meet again: no retry offered */
  var UP_FINAL = { not_allowed: 1, too_large: 1, unsupported_type: 1, bad_image: 1, bad_pdf: 1, too_many_pixels: 1, heic_unsupported: 1, not_yours: 1 };
  var media = {};   /* attachment id -> {url} or {wait: [callbacks]} */
  var ICON_DOC = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" aria-hidden="true"><path d="M6 2h8l5 5v15H6z"/><path d="M14 2v5h5"/><path d="M9 13h7M9 17h5" stroke-linecap="round"/></svg>';
  var attachBtn = $('composer-attach'), filePick = $('composer-file');

  function attOf(a) {
    return a && typeof a === 'object' && typeof a.id === 'number' ? { id: a.id, type: String(a.type || ''), size: Number(a.size) || 0, width: Number(a.width) || 0, height: Number(a.height) || 0 } : null;
  }
  function isImage(a) { return /^image\//.test(a.type || ''); }
  function photoAlt(e) {
    return e.role === 'shopper' ? 'Müşterinin gönderdiği fotoğraf'
      : e.agent && e.agent !== agentName ? e.agent + ' tarafından gönderilen fotoğraf' : 'Gönderdiğiniz fotoğraf';
  }
  function attLabel(a) { return isImage(a || {}) ? 'Fotoğraf' : 'Dosya (PDF)'; }
  function hasN(c, n) { return typeof n === 'number' && c.entries.some(function (e) { return e.n === n; }); }
  function sizeText(n) {
    n = Number(n) || 0;
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return Math.max(1, Math.round(n / 1024)) + ' KB';
    return (n / 1048576).toFixed(1).replace('.', ',') + ' MB';
  }

  attachBtn.addEventListener('click', function () { if (!attachBtn.disabled) filePick.click(); });
  filePick.addEventListener('change', function () {
    var files = Array.prototype.slice.call(filePick.files || []);
    filePick.value = '';
    var c = active && convs[active];
    if (c) files.slice(0, 10).forEach(function (f) { attachFile(c, f); });
    input.focus();
  });
  function attachFile(c, file) {
    if (!c || c.state !== 'active') return;
    var okType = /^image\//i.test(file.type || '') || file.type === 'application/pdf' || /\.(pdf|jpe?g|png|webp|hei[cf])$/i.test(file.name || '');
    if (!okType) { toast(UP_TEXT.not_allowed, 'warn'); return; }
    if (file.size > MAX_FILE) { toast(UP_TEXT.too_large, 'warn'); return; }
    if (!file.size) { toast(UP_TEXT.other, 'warn'); return; }
    var u = { key: 'a-' + Date.now() + '-' + Math.random().toString(36).slice(2, 10), conv: c.id, file: file, name: file.name || 'dosya', size: file.size, state: 'send', sent: 0 };
    addEntry(c.id, { role: 'agent', text: '', agent: agentName, at: new Date().toISOString(), upload: u }, false);
    if (c.id === active) scrollDown();
    startUpload(u);
  }
  function uploadEntry(u) {
    var c = convs[u.conv]; if (!c) return null;
    for (var i = 0; i < c.entries.length; i++) if (c.entries[i].upload === u) return c.entries[i];
    return null;
  }
  function startUpload(u) {
    u.state = 'send'; u.sent = 0; u.code = u.text = '';
    paintUpload(u, true);
    var x = new XMLHttpRequest();
    x.open('POST', HTTP + '/upload?conversation=' + encodeURIComponent(u.conv));
    x.setRequestHeader('Authorization', 'Bearer ' + token());
    x.setRequestHeader('X-Client-Id', u.key);
    x.timeout = 300000; /* 10 MB on a slow uplink */
    x.upload.onprogress = function (e) { if (e.lengthComputable && e.total) { u.sent = e.loaded / e.total; paintUpload(u, false); } };
    x.onload = function () {
      var j = null; try { j = JSON.parse(x.responseText); } catch (e) {}
      if (x.status === 200 && j && attOf(j.attachment)) uploaded(u, j);
      else uploadFailed(u, (j && j.error) || (x.status === 413 ? 'too_large' : x.status === 429 ? 'rate_limited' : x.status === 503 ? 'unavailable' : 'other'), j && j.message);
    };
    x.onerror = x.ontimeout = function () { uploadFailed(u, 'network'); };
    x.send(u.file);
  }
  function uploaded(u, j) {
    var c = convs[u.conv], e = uploadEntry(u);
    if (!c) return;
    if (hasN(c, j.n)) { if (e) c.entries.splice(c.entries.indexOf(e), 1); }
    else {
      if (!e) { e = { role: 'agent', agent: agentName }; c.entries.push(e); }
      e.upload = null; e.text = ''; e.attachment = attOf(j.attachment);
      e.n = typeof j.n === 'number' ? j.n : null; e.at = j.at || e.at;
    }
    if (u.conv === active) { var atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 120; renderTranscript(true); if (atBottom) scrollDown(); renderInfo(c); }
    renderTabs();
  }
  function uploadFailed(u, code, message) {
    u.state = 'failed'; u.code = code;
    u.text = UP_TEXT[code] || (message ? String(message) : UP_TEXT.other);
    paintUpload(u, true);
    toast('Dosya gönderilemedi: ' + u.text, 'warn');
  }
  /* an upload's entry, redrawn as its state changes (its progress only, while it runs) */
  function paintUpload(u, whole) {
    if (u.conv !== active) return;
    var w = transcript.querySelector('[data-up="' + u.key + '"]');
    if (!w) return;
    var b = w.querySelector('.bub');
    if (!whole && b) {
      var pr = b.querySelector('progress'), us = b.querySelector('.us');
      if (pr) pr.value = Math.round(u.sent * 100);
      if (us) us.textContent = upState(u);
      return;
    }
    var had = document.activeElement && w.contains(document.activeElement);
    var e = uploadEntry(u);
    if (!e) return;
    var tmp = document.createElement('div');
    appendEntry(e, tmp);
    var nw = tmp.firstChild;
    w.parentNode.replaceChild(nw, w);
    if (had) { var f = nw.querySelector('button'); (f || input).focus(); }
  }
  function upState(u) {
    return u.sent >= 1 ? 'Gönderildi, sunucuda işleniyor…' : u.sent > 0 ? 'Gönderiliyor… %' + Math.round(u.sent * 100) : 'Gönderiliyor…';
  }
  function fillUpload(b, u) {
    b.className = 'bub media up';
    b.appendChild(el('div', 'fn', u.name + ' · ' + sizeText(u.size)));
    if (u.state !== 'failed') {
      /* indeterminate until the browser reports how much has gone */
      var pr = el('progress'); pr.max = 100; if (u.sent > 0) pr.value = Math.round(u.sent * 100);
      pr.setAttribute('aria-label', 'Dosya gönderiliyor: ' + u.name);
      b.appendChild(pr);
      b.appendChild(el('div', 'us', upState(u)));
      return b;
    }
    b.appendChild(el('div', 'ue', u.text));
    var ua = el('div', 'ua');
    if (!UP_FINAL[u.code]) {
      var again = el('button', 'btn btn-sm retry', 'Yeniden dene'); again.type = 'button';
      again.setAttribute('aria-label', 'Yeniden dene: ' + u.name);
      again.addEventListener('click', function () { var c = convs[u.conv]; if (c && c.state === 'active') startUpload(u); else toast(UP_TEXT.not_yours, 'warn'); });
      ua.appendChild(again);
    }
    var drop = el('button', 'btn btn-sm', 'Kaldır'); drop.type = 'button';
    drop.setAttribute('aria-label', 'Kaldır: ' + u.name);
    drop.addEventListener('click', function () {
      var c = convs[u.conv], e = uploadEntry(u);
      if (c && e) c.entries.splice(c.entries.indexOf(e), 1);
      if (u.conv === active) renderTranscript(true);
      renderTabs();
      input.focus();
    });
    ua.appendChild(drop);
    b.appendChild(ua);
    return b;
  }
  /* a stored photo (a thumbnail that opens it at full size) or file (a download link) */
  function fillMedia(b, a, alt) {
    b.className = 'bub media';
    b.setAttribute('data-att', String(a.id));
    b.appendChild(isImage(a) ? thumbButton(a, alt) : fileLink(a));
    return b;
  }
  function thumbButton(a, alt) {
    var btn = el('button', 'thumb'); btn.type = 'button';
    btn.setAttribute('aria-label', alt + ': büyük aç');
    var ph = el('span', 'ph', 'Fotoğraf yükleniyor…');
    btn.appendChild(ph);
    loadMedia(a.id, function (url) {
      if (!url) { ph.textContent = 'Fotoğraf yüklenemedi.'; return; }
      var img = el('img'); img.alt = alt; img.src = url;
      if (a.width && a.height) { img.width = Math.min(a.width, 280); img.height = Math.round(img.width * a.height / a.width); }
      if (ph.parentNode) ph.parentNode.replaceChild(img, ph);
    });
    btn.addEventListener('click', function () { openLightbox(a, alt, btn); });
    return btn;
  }
  /* short: a tile of the case record (the type and size under the icon, the name in its label) */
  function fileLink(a, short) {
    var name = 'destek-' + a.id + '.pdf', kind = a.type === 'application/pdf' ? 'PDF' : 'Dosya';
    var l = el('a', 'file'); l.href = '#';
    l.innerHTML = ICON_DOC;
    var t = el('span');
    if (short) { t.textContent = kind + ' · ' + sizeText(a.size); t.appendChild(el('span', 'sr', ' ' + name + ' indir')); l.title = name; }
    else { t.appendChild(el('b', null, name)); t.appendChild(el('small', null, kind + ' · ' + sizeText(a.size) + ' · indir')); }
    l.appendChild(t);
    l.addEventListener('click', function (ev) { ev.preventDefault(); downloadFile(a, name); });
    return l;
  }
  function attFetch(id) {
    return fetch(HTTP + '/attachments/' + id, { headers: { Authorization: 'Bearer ' + token() }, cache: 'no-store', credentials: 'omit' })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.blob(); });
  }
  function loadMedia(id, cb) {
    var m = media[id];
    if (m && m.url) { cb(m.url); return; }
    if (m && m.wait) { m.wait.push(cb); return; }
    m = media[id] = { wait: [cb] };
    var done = function (url) {
      var w = m.wait; m.wait = null;
      if (url) m.url = url; else delete media[id];   /* asked again the next time it is shown */
      w.forEach(function (f) { try { f(url); } catch (e) {} });
    };
    attFetch(id).then(function (bl) {
      var fr = new FileReader();
      fr.onload = function () { done(String(fr.result)); };
      fr.onerror = function () { done(null); };
      fr.readAsDataURL(bl);
    }).catch(function () { done(null); });
  }
  function downloadFile(a, name) {
    attFetch(a.id).then(function (bl) {
      var url = URL.createObjectURL(bl), t = el('a');
      t.href = url; t.download = name; t.hidden = true;
      document.body.appendChild(t); t.click(); t.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    }).catch(function () { toast('Dosya indirilemedi; yeniden deneyin.', 'warn'); });
  }
  var lightbox = $('lightbox'), lbOpener = null;
  function openLightbox(a, alt, opener) {
    loadMedia(a.id, function (url) {
      if (!url) { toast('Fotoğraf açılamadı; yeniden deneyin.', 'warn'); return; }
      var img = $('lightbox-img'); img.src = url; img.alt = alt;
      $('lightbox-h').textContent = alt + (a.width ? ' · ' + a.width + '×' + a.height + ' px' : '') + ' · ' + sizeText(a.size);
      lbOpener = opener;
      if (!lightbox.open) lightbox.showModal();
      $('lightbox-close').focus();
    });
  }
  lightbox.addEventListener('close', function () {
    $('lightbox-img').removeAttribute('src');
    if (lbOpener && document.contains(lbOpener)) lbOpener.focus();
    lbOpener = null;
  });
  lightbox.addEventListener('click', function (e) { if (e.target === lightbox) lightbox.close(); });   /* the backdrop */

  /* ---------- canned answers: "/" opens a filterable list ---------- */
  var pop = $('canned-pop'), cannedList = [], cannedSel = 0, cannedSaid = -1;
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
    var opening = pop.hidden;
    pop.hidden = false;
    /* a textarea cannot carry aria-expanded (axe: aria-allowed-attr): how many answers the
       list shows is announced instead, when it opens and when filtering changes it */
    if (opening || cannedSaid !== cannedList.length) {
      cannedSaid = cannedList.length;
      announce(!cannedList.length ? 'Eşleşen hazır yanıt yok.' : opening ? 'Hazır yanıtlar açıldı: ' + cannedList.length + ' yanıt. Yukarı ve aşağı oklarla seçin.'
        : cannedList.length + ' hazır yanıt eşleşiyor.');
    }
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
      o.appendChild(cannedPreview(c));
      o.addEventListener('mousedown', function (e) { e.preventDefault(); cannedSel = i; pickCanned(mode === 'note' ? 'insert' : 'send'); });
      pop.appendChild(o);
    });
    input.setAttribute('aria-activedescendant', 'canned-' + cannedSel);
    var sel = pop.querySelector('.sel'); if (sel && sel.scrollIntoView) sel.scrollIntoView({ block: 'nearest' });
  }
  /* a canned answer as it would go out in the conversation shown: the server's
     preview for it (the order filled in once verified), what it cannot fill as
     a readable label ("sipariş no"), never a raw {{placeholder}} */
  var VAR_LABELS = { siparis_no: 'sipariş no', kargo_firmasi: 'kargo firması', takip_no: 'takip no',
    takip_linki: 'takip linki', musteri_adi: 'müşteri adı', ad: 'müşteri adı', toplam: 'sipariş tutarı',
    durum: 'sipariş durumu', urun: 'ürün', iade_kodu: 'iade kodu', teslim_tarihi: 'teslim tarihi',
    kargo_tarihi: 'kargoya verildiği tarih', talep_no: 'talep no' };
  function varLabel(name) {
    var n = String(name).split("'")[0].trim();
    return VAR_LABELS[n] || n.replace(/^.*\./, '').replace(/_/g, ' ');
  }
  function cannedPreview(c) {
    var cv = active && convs[active], ctx = cv && cv.context && isObj(cv.context.canned) ? cv.context.canned : null;
    var text = String((ctx && typeof ctx[c.id] === 'string' && ctx[c.id]) || c.preview || c.text || '');
    var box = el('div', 'canned-text'), re = /\{\{\s*([^}]+?)\s*\}\}/g, at = 0, mm;
    while ((mm = re.exec(text))) {
      if (mm.index > at) box.appendChild(document.createTextNode(text.slice(at, mm.index)));
      var v = el('span', 'canned-var', varLabel(mm[1]));
      v.title = 'Sohbette bu bilgi yok; gönderince eksik kalırsa sunucu reddeder';
      box.appendChild(v);
      at = re.lastIndex;
    }
    if (at < text.length) box.appendChild(document.createTextNode(text.slice(at)));
    return box;
  }
  function moveCanned(d) { if (!cannedList.length) return; cannedSel = (cannedSel + d + cannedList.length) % cannedList.length; renderCanned(); }
  function closeCanned() { pop.hidden = true; cannedSaid = -1; input.removeAttribute('aria-activedescendant'); cannedSel = 0; }
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

  /* ---------- status and transfer ---------- */
  var STATUS_KEY = 'destek-agent-status';
  function storedStatus() { try { return localStorage.getItem(STATUS_KEY); } catch (e) { return null; } }
  $('status').addEventListener('change', function () {
    var st = this.value === 'away' ? 'away' : 'available';
    try { localStorage.setItem(STATUS_KEY, st); } catch (e) { /* private mode: for this page only */ }
    if (!send({ type: 'status', state: st })) toast('Bağlantı yok; durumunuz bağlanınca gönderilecek.', 'warn');
    else toast(st === 'away' ? 'Uzaktasınız: size yeni sohbet önerilmeyecek; açık sohbetleriniz sizde kalır.' : 'Müsaitsiniz: yeni sohbetler size önerilecek.', 'info');
  });
  var transferFor = null, transferDlg = $('transfer');
  $('btn-transfer').addEventListener('click', function () {
    if (!active) return;
    transferFor = active;
    if (!send({ type: 'agents' })) { transferFor = null; toast('Bağlantı yok; biraz sonra yeniden deneyin.', 'warn'); }
  });
  function onAgents(m) {
    var id = transferFor;
    if (!id) return;
    var items = (Array.isArray(m.items) ? m.items : []).filter(isObj);
    if (!items.length) { transferFor = null; toast('Şu anda sohbeti aktarabileceğiniz müsait bir temsilci yok.', 'warn'); return; }
    var list = $('transfer-list'); list.textContent = '';
    items.forEach(function (a) {
      var lab = el('label', a.room ? '' : 'full');
      var r = document.createElement('input');
      r.type = 'radio'; r.name = 'transfer-to'; r.value = String(a.id); r.disabled = !a.room;
      r.addEventListener('change', function () { $('transfer-ok').disabled = false; });
      lab.appendChild(r);
      lab.appendChild(document.createTextNode(String(a.name) + (a.room ? '' : ' (yeri yok)')));
      list.appendChild(lab);
    });
    $('transfer-ok').disabled = true;
    transferDlg.returnValue = '';
    if (transferDlg.showModal) { transferDlg.showModal(); var first = list.querySelector('input:not([disabled])'); (first || $('transfer-cancel')).focus(); }
  }
  transferDlg.addEventListener('close', function () {
    var id = transferFor; transferFor = null;
    var chosen = transferDlg.querySelector('input[name="transfer-to"]:checked');
    if (transferDlg.returnValue !== 'ok' || !id || !chosen) return;
    stopTyping(id);
    if (!send({ type: 'transfer', conversation: id, to: chosen.value })) toast('Bağlantı yok; biraz sonra yeniden deneyin.', 'warn');
  });

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

  /* ---------- alerts: sound, desktop notifications, the tab title, announcements ---------- */
  /* A new conversation in the queue (or one offered to this agent, or handed over by a colleague)
     and a shopper's message in a conversation that is not on screen (another one is open, the
     console shows another page, or the tab is hidden) play a short chime and show a desktop
     notification; clicking it brings the console forward on that conversation. Nothing alerts
     for the agent's own messages, for transcripts sent again (a claim, a reconnect, a reload:
     `claimed` and the first queue frame after log-in are not news), or for the conversation on
     screen. The agent chooses both in "Bildirimler" (localStorage `destek-agent-notify`); the
     browser's permission is asked only from that control's checkbox, a user gesture. The chime
     is Web Audio (no file, nothing for the CSP to allow); browsers let audio start only after a
     gesture, so the audio context is made or resumed on the first key press or click. */
  var NOTIFY_KEY = 'destek-agent-notify';
  var HAS_NOTIF = typeof window.Notification === 'function';
  var prefs = loadPrefs();
  var seenQueue = null;   /* ids in the last queue frame; null until the first one after log-in */
  var atLogin = {};       /* id -> true: waiting since log-in (or a reconnect); its offer is sent again, not news */
  var queueUnseen = {};   /* id -> true: came while the console was not looked at (the title counts them) */
  var notes = {};         /* key ("q12", "c12") -> the Notification shown */
  var alerted = {};       /* "q12" -> when it was last alerted: a queue frame and an offer of the same item alert once */
  var actx = null, lastChime = 0;

  function loadPrefs() {
    var p = null;
    try { p = JSON.parse(localStorage.getItem(NOTIFY_KEY) || 'null'); } catch (e) { p = null; }
    p = isObj(p) ? p : {};
    return {
      sound: p.sound !== false,
      /* not chosen yet: on when this browser already allows this site's notifications */
      desktop: typeof p.desktop === 'boolean' ? p.desktop : HAS_NOTIF && Notification.permission === 'granted'
    };
  }
  function savePrefs() {
    try { localStorage.setItem(NOTIFY_KEY, JSON.stringify({ desktop: prefs.desktop, sound: prefs.sound })); } catch (e) { /* private mode: this page only */ }
  }
  function desktopOn() { return prefs.desktop && HAS_NOTIF && Notification.permission === 'granted'; }

  /* the conversation is in front of the agent: open, on the Sohbetler page, the tab visible */
  function onScreen(id) {
    return id != null && id === active && view === 'chats' && pane === 'conv' && document.visibilityState === 'visible';
  }
  function looking() { return view === 'chats' && document.visibilityState === 'visible'; }

  /* ----- the chime ----- */
  function audioUnlock() {
    if (!prefs.sound) return;
    var AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return;
    try {
      if (!actx) actx = new AC();
      if (actx.state === 'suspended') actx.resume();
    } catch (e) { actx = null; }
  }
  document.addEventListener('pointerdown', audioUnlock, true);
  document.addEventListener('keydown', audioUnlock, true);
  /* kind: "queue" two rising notes (three when urgent), "message" one; at most one chime a second */
  function chime(kind) {
    if (!prefs.sound || !actx || actx.state !== 'running') return false;
    var now = Date.now();
    if (now - lastChime < 1000) return false;
    lastChime = now;
    var freqs = kind === 'urgent' ? [660, 880, 1175] : kind === 'queue' ? [660, 880] : [880];
    try {
      var t0 = actx.currentTime + 0.02;
      freqs.forEach(function (f, i) {
        var o = actx.createOscillator(), g = actx.createGain(), t = t0 + i * 0.13;
        o.type = 'sine';
        o.frequency.value = f;
        g.gain.setValueAtTime(0.0001, t);
        g.gain.exponentialRampToValueAtTime(0.2, t + 0.015);
        g.gain.exponentialRampToValueAtTime(0.0001, t + 0.24);
        o.connect(g); g.connect(actx.destination);
        o.start(t); o.stop(t + 0.26);
      });
    } catch (e) { return false; }
    return true;
  }

  /* ----- desktop notifications ----- */
  /* Through the console's service worker (/agent-sw.js) where one is registered: Chrome on
     Android shows a page's notifications only so. A click reaches the worker, which brings
     this tab forward and posts the notification's tag back; the tag says where it leads
     ("q12": the queue item, "c12": the conversation). Elsewhere (no service worker: an
     insecure origin, workers blocked) `new Notification`, with its own click handler. */
  var swReg = null, swClient = '';
  function swStart() {
    var sw = navigator.serviceWorker;
    if (!sw || !window.isSecureContext) return;
    try {
      sw.register('/agent-sw.js', { scope: '/agent' }).then(function (reg) {
        if (!reg) return;   /* workers blocked (a test, a policy) */
        swReg = reg;
        /* the worker tells this tab its client id: a click comes back to this very tab */
        var ask = function (w) {
          if (!w || typeof MessageChannel !== 'function') return;
          var ch = new MessageChannel();
          ch.port1.onmessage = function (e) { swClient = typeof e.data === 'string' ? e.data : ''; };
          w.postMessage('destek-client', [ch.port2]);
        };
        if (reg.active) ask(reg.active);
        else {
          var w = reg.installing || reg.waiting;
          if (w) w.addEventListener('statechange', function () { if (w.state === 'activated') ask(reg.active || w); });
        }
      }, function () { swReg = null; });
      sw.addEventListener('message', function (e) {
        var d = e.data;
        if (!d || d.type !== 'destek-notificationclick' || typeof d.tag !== 'string') return;
        var key = d.tag.replace(/^destek-/, ''), id = key.slice(1);
        try { window.focus(); } catch (x) {}
        delete notes[key];
        if (key.charAt(0) === 'q') goQueue(id); else if (key.charAt(0) === 'c') goConv(id);
      });
    } catch (e) { swReg = null; }
  }
  swStart();
  function clip(t, n) { t = String(t == null ? '' : t).replace(/\s+/g, ' ').trim(); return t.length > n ? t.slice(0, n - 1) + '…' : t; }
  function notify(key, title, body, go) {
    if (!desktopOn()) return;
    var n;
    /* a worker shows it only once active; until then (the first moments of a load) the page does */
    if (swReg && swReg.active) {
      notes[key] = { sw: true };
      swReg.showNotification(title, {
        body: body, tag: 'destek-' + key, lang: 'tr', silent: true,
        data: { client: swClient, url: location.href.split('#')[0] }
      }).catch(function () { if (notes[key] && notes[key].sw) delete notes[key]; });
      return;
    }
    /* one notification per conversation: the same tag replaces the one before */
    try { n = new Notification(title, { body: body, tag: 'destek-' + key, lang: 'tr', silent: true }); }
    catch (e) { return; }   /* e.g. Chrome on Android: only a service worker may show one */
    var old = notes[key];
    if (old && old !== n) { old.onclick = null; }
    notes[key] = n;
    /* the browser's default for a click is to bring this tab forward: kept */
    n.onclick = function () {
      try { window.focus(); } catch (x) {}
      n.close();
      go();
    };
    n.onclose = function () { if (notes[key] === n) delete notes[key]; };
  }
  function unnotify(id) {
    ['c' + id, 'q' + id].forEach(function (k) {
      var n = notes[k];
      if (n && !n.sw) { n.onclick = null; try { n.close(); } catch (e) {} }
      delete notes[k];
      /* the worker's, this page's or an earlier load's of this console */
      if (swReg && swReg.active && swReg.getNotifications) {
        try {
          swReg.getNotifications({ tag: 'destek-' + k }).then(function (all) {
            all.forEach(function (x) { try { x.close(); } catch (e) {} });
          }, function () {});
        } catch (e) { /* ignore */ }
      }
    });
  }

  /* ----- what the screen reader hears ----- */
  var liveEl = $('live');
  function announce(text) {
    var p = el('p', null, text);
    liveEl.appendChild(p);
    while (liveEl.childNodes.length > 3) liveEl.removeChild(liveEl.firstChild);
    setTimeout(function () { if (p.parentNode) p.remove(); }, 15000);
  }

  /* ----- where a click on a notification leads ----- */
  function toChats() {
    if (view === 'chats') return;
    if (role === 'supervisor') { try { history.pushState(null, '', '#sohbetler'); } catch (e) {} }
    setView('chats');
  }
  function goConv(id) {
    if (!convs[id]) return;
    toChats();
    openConv(id);
    var f = convs[id].state === 'active' && !input.disabled ? input : $('tab-' + id);
    if (f) f.focus();
  }
  function goQueue(id) {
    toChats();
    if (pane !== 'conv') setPane('conv');
    var b = document.querySelector('#queue li[data-conv="' + id + '"] .claim') || document.querySelector('#queue .claim');
    if (b) { b.focus(); if (b.scrollIntoView) b.scrollIntoView({ block: 'nearest' }); }
  }

  /* ----- the events ----- */
  function queueLine(q) {
    return (q.preview ? '“' + clip(q.preview, 140) + '”' : 'Müşteri henüz bir şey yazmadı.') + (q.reason ? '\n' + reasonLabel(q.reason) : '');
  }
  /* a queue frame: the items that were not in the last one are news. Only the head of a long
     queue comes in a frame, so an item moving up into it is news only if it has just started
     waiting. The first frame after log-in is what was already waiting: not news. */
  function queueArrivals() {
    var now = {}, fresh = [];
    queue.forEach(function (q) { now[String(q.conversation)] = q; });
    var partial = queueTotal > queue.length;
    if (seenQueue) queue.forEach(function (q) {
      var id = String(q.conversation);
      if (seenQueue[id] || claiming[id] || (convs[id] && convs[id].state === 'active')) return;
      if (partial && Number(q.waiting_s) > 60) return;
      fresh.push(q);
    });
    /* what left the queue leaves the title and the notification centre */
    Object.keys(queueUnseen).forEach(function (id) { if (!now[id]) delete queueUnseen[id]; });
    Object.keys(notes).forEach(function (k) { if (k.charAt(0) === 'q' && !now[k.slice(1)]) unnotify(k.slice(1)); });
    if (!seenQueue) Object.keys(now).forEach(function (id) { atLogin[id] = true; });
    Object.keys(atLogin).forEach(function (id) { if (!now[id]) delete atLogin[id]; });
    seenQueue = {};
    Object.keys(now).forEach(function (id) { seenQueue[id] = true; });
    if (!fresh.length) return;
    fresh.forEach(function (q) {
      announce((q.offline ? 'Yeni çevrimdışı talep' : q.priority === 'urgent' ? 'Kuyrukta acil sohbet' : 'Kuyrukta yeni sohbet') +
        ': #' + q.conversation + (q.preview ? ', ' + clip(q.preview, 100) : ''));
      if (!looking()) queueUnseen[String(q.conversation)] = true;
    });
    updateTitle();
    /* away or full: nothing could be taken, so no alert (the list and the title still say it) */
    if (document.body.classList.contains('away') || (capacity > 0 && openCount() >= capacity)) return;
    var urgent = fresh.some(function (q) { return q.priority === 'urgent'; });
    var first = fresh[0], fid = String(first.conversation);
    var recent = fresh.filter(function (q) { return Date.now() - (alerted['q' + q.conversation] || 0) < 10000; }).length === fresh.length;
    fresh.forEach(function (q) { alerted['q' + q.conversation] = Date.now(); });
    if (recent) return;   /* the offer of the same conversation came first */
    chime(urgent ? 'urgent' : 'queue');
    if (fresh.length === 1) {
      notify('q' + fid, (first.offline ? 'Yeni çevrimdışı talep' : urgent ? 'Kuyrukta acil sohbet' : 'Kuyrukta yeni sohbet') + ' · #' + fid,
        queueLine(first), function () { goQueue(fid); });
    } else {
      notify('q' + fid, 'Kuyrukta ' + fresh.length + ' yeni sohbet' + (urgent ? ' (aralarında acil olan var)' : ''), queueLine(first), function () { goQueue(fid); });
    }
  }
  function alertOffer(id) {
    /* an offer that comes with the log-in (a reload, a reconnect) repeats what the agent sees */
    if (!seenQueue || atLogin[id]) return;
    var q = null;
    queue.forEach(function (x) { if (String(x.conversation) === id) q = x; });
    var again = Date.now() - (alerted['q' + id] || 0) < 10000;   /* its queue alert just sounded */
    alerted['q' + id] = Date.now();
    if (!again) chime(q && q.priority === 'urgent' ? 'urgent' : 'queue');
    /* the same tag: an alert for the item just now is replaced by the offer, silently */
    notify('q' + id, 'Size bir sohbet önerildi · #' + id, q ? queueLine(q) : 'Üstlenmek için kuyruğa bakın.', function () { goQueue(id); });
  }
  function alertMessage(id, text, unseen) {
    if (id === active && view === 'chats' && pane === 'conv') announce('Müşteri: ' + clip(text, 300));
    else announce('Sohbet #' + id + ': müşteriden yeni mesaj');
    if (!unseen) return;
    chime('message');
    notify('c' + id, 'Müşteriden yeni mesaj · Sohbet #' + id, '“' + clip(text, 160) + '”', function () { goConv(id); });
  }
  function alertTransfer(id, from) {
    announce(from + ' bir sohbeti size aktardı: #' + id);
    if (onScreen(id)) return;
    chime('queue');
    notify('c' + id, 'Size bir sohbet aktarıldı · #' + id, from + ' bu sohbeti size aktardı.', function () { goConv(id); });
  }
  /* the agent looks at the console again: waiting ones stop counting in the title */
  function consoleSeen() {
    if (!looking()) return;
    if (Object.keys(queueUnseen).length) { queueUnseen = {}; updateTitle(); }
    if (onScreen(active)) unnotify(active);
  }
  function alertsReset() {
    seenQueue = null; atLogin = {}; queueUnseen = {}; alerted = {};
    Object.keys(notes).forEach(function (k) { unnotify(k.slice(1)); });
  }

  /* ----- the control: "Bildirimler" in the top bar ----- */
  var notifBtn = $('notif-btn'), notifPanel = $('notif-panel'), cbDesk = $('notif-desktop'), cbSound = $('notif-sound');
  function renderNotif(msg) {
    cbDesk.checked = desktopOn();
    cbDesk.disabled = !HAS_NOTIF;
    cbSound.checked = prefs.sound;
    var note = msg || (!HAS_NOTIF ? 'Bu tarayıcı masaüstü bildirimlerini desteklemiyor.'
      : Notification.permission === 'denied' ? 'Tarayıcı bu site için bildirimleri engelliyor. Adres çubuğundaki site ayarlarından izin verip yeniden deneyin.'
      : desktopOn() ? 'Açık: bildirime tıklayınca ilgili sohbet açılır.' : 'Kapalı. Açtığınızda tarayıcı izin isteyebilir.');
    $('notif-desktop-note').textContent = note;
    var on = desktopOn() || prefs.sound;
    notifBtn.setAttribute('data-on', on ? 'true' : 'false');
    notifBtn.title = 'Bildirimler: ' + (desktopOn() ? 'masaüstü açık' : 'masaüstü kapalı') + ', ' + (prefs.sound ? 'ses açık' : 'ses kapalı');
  }
  function setNotifOpen(open, refocus) {
    notifPanel.hidden = !open;
    notifBtn.setAttribute('aria-expanded', open ? 'true' : 'false');
    /* on a phone the panel spans the screen, under the button's row of the (wrapped) top bar */
    notifPanel.style.top = open && window.matchMedia && matchMedia('(max-width: 760px)').matches
      ? Math.round(notifBtn.getBoundingClientRect().bottom + 8) + 'px' : '';
    if (open) renderNotif();
    else if (refocus) notifBtn.focus();
  }
  notifBtn.addEventListener('click', function () { setNotifOpen(notifPanel.hidden); });
  notifPanel.addEventListener('keydown', function (e) { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); setNotifOpen(false, true); } });
  document.addEventListener('click', function (e) {
    if (!notifPanel.hidden && !e.target.closest('.notif')) setNotifOpen(false);
  });
  cbDesk.addEventListener('change', function () {
    if (!cbDesk.checked) { prefs.desktop = false; savePrefs(); renderNotif(); return; }
    if (Notification.permission === 'granted') { prefs.desktop = true; savePrefs(); renderNotif(); return; }
    if (Notification.permission === 'denied') { prefs.desktop = false; savePrefs(); renderNotif(); return; }
    /* asked here, in the click: a browser ignores (or holds against the site) a request made without one */
    var done = false;
    var answer = function (p) {
      if (done) return;
      done = true;
      prefs.desktop = p === 'granted';
      savePrefs();
      renderNotif(p === 'granted' ? '' : p === 'denied' ? '' : 'İzin verilmedi; istediğinizde yeniden açabilirsiniz.');
    };
    cbDesk.checked = false;
    $('notif-desktop-note').textContent = 'Tarayıcının izin sorusunu yanıtlayın…';
    try {
      var r = Notification.requestPermission(answer);
      if (r && typeof r.then === 'function') r.then(answer, function () { answer('default'); });
    } catch (e) { answer('default'); }
  });
  cbSound.addEventListener('change', function () {
    prefs.sound = cbSound.checked;
    savePrefs();
    renderNotif();
    if (prefs.sound) { audioUnlock(); lastChime = 0; setTimeout(function () { chime('message'); }, 50); }   /* a sample, in the gesture's wake */
  });
  renderNotif();

  /* ---------- toasts ---------- */
  function toast(text, kind, detail) {
    var t = el('div', 'toast ' + (kind || 'info'), text);
    if (detail) t.appendChild(el('span', 'toast-detail', detail));
    $('toasts').appendChild(t);
    setTimeout(function () { t.classList.add('out'); setTimeout(function () { t.remove(); }, 400); }, 5000);
  }

  /* ---------- supervisor: the pages Raporlar and Öğret ---------- */
  /* Only for `authed.role` "supervisor": the navigation, a period's figures (`report`) and the
     messages the bot did not understand (`review_list`, `review_assign`, `review_dismiss`, with
     `intents` for the picker). An agent sees none of it and the console never sends these frames
     for one. The server answers frames in order; its errors for these name no conversation. */
  var view = 'chats';
  var VIEWS = { chats: 'view-chats', reports: 'view-reports', review: 'view-review' };
  var HASHES = { '#sohbetler': 'chats', '#raporlar': 'reports', '#ogret': 'review' };
  var supPending = [];   /* supervisor requests in flight, oldest first: { kind, id, timer } */
  var SUP_TIMEOUT = 20000;
  var rep = { period: '7', want: null, data: null, stale: true, busy: false };
  var rv = { items: null, total: 0, busy: {}, choice: {}, stale: true };
  var intents = null, intentTitles = {};   /* [{ id, title }] for the picker; id -> title */

  function isSup() { return role === 'supervisor' && authed; }

  function setView(v, byUser) {
    if (!VIEWS[v] || (v !== 'chats' && role !== 'supervisor')) v = 'chats';
    var changed = v !== view;
    view = v;
    Object.keys(VIEWS).forEach(function (k) { $(VIEWS[k]).hidden = k !== v; });
    var links = document.querySelectorAll('#views .view-link');
    for (var i = 0; i < links.length; i++) {
      if (links[i].getAttribute('data-view') === v) links[i].setAttribute('aria-current', 'page');
      else links[i].removeAttribute('aria-current');
    }
    document.querySelector('.skip').hidden = v !== 'chats';
    if (v === 'chats') {
      if (active && convs[active] && convs[active].unread) { convs[active].unread = 0; renderTabs(); }
      consoleSeen();
      updateTitle();
    }
    if (v === 'reports') { if (rep.stale && !rep.busy) loadReport(); else renderCharts(); }
    if (v === 'review' && rv.stale && !supWaiting('review_list')) loadReview();
    if (changed && byUser) {
      var f = v === 'reports' ? $('reports-h') : v === 'review' ? $('review-h')
        : (active && $('tab-' + active)) || document.querySelector('#queue .claim') || $('queue-h');
      if (f === $('queue-h')) f.tabIndex = -1;
      if (f) f.focus();
    }
  }
  window.addEventListener('hashchange', function () {
    var v = HASHES[location.hash];
    if (v && !appEl.hidden) setView(v, true);
  });

  function supAuthed() {
    var sup = role === 'supervisor';
    $('views').hidden = !sup;
    $('role').hidden = !sup;
    if (!sup) { setView('chats'); return; }
    /* after a reconnect the pages are read again; the knowledge base may have changed too */
    rep.stale = true; rv.stale = true;
    requestIntents();
    setView(HASHES[location.hash] || view, false);
  }
  function supDisconnected() {
    supPending.forEach(function (p) { clearTimeout(p.timer); });
    supPending = [];
    rep.busy = false; setRepBusy(false);
    if (Object.keys(rv.busy).length) { rv.busy = {}; if (rv.items) renderReview(); }
    searchDisconnected();
  }
  function supReset() {
    supDisconnected();
    role = 'agent';
    rep.data = null; rep.want = null; rep.stale = true;
    rv.items = null; rv.total = 0; rv.choice = {}; rv.stale = true;
    intents = null; intentTitles = {};
    $('views').hidden = true; $('role').hidden = true;
    $('rep-content').hidden = true; $('rep-status').hidden = false; $('rep-status').textContent = 'Rapor yükleniyor…';
    $('rep-csv').disabled = true;
    $('rv-list').textContent = ''; $('rv-status').hidden = false; $('rv-status').textContent = 'Liste yükleniyor…';
    updateReviewCount();
    searchReset();
    setView('chats');
  }

  function supSend(kind, frame, id) {
    if (!send(frame)) { toast('Bağlantı yok; biraz sonra yeniden deneyin.', 'warn'); return false; }
    var p = { kind: kind, id: id, seq: ++localSeq };
    p.timer = setTimeout(function () {
      var i = supPending.indexOf(p);
      if (i >= 0) { supPending.splice(i, 1); supFailed(p, null); }
    }, SUP_TIMEOUT);
    supPending.push(p);
    return true;
  }
  function supWaiting(kind) { return supPending.some(function (p) { return p.kind === kind; }); }
  /* the oldest request of this kind (and id) that an answer settles */
  function supTake(kind, id) {
    for (var i = 0; i < supPending.length; i++) {
      var p = supPending[i];
      if (p.kind === kind && (id == null || p.id === id)) { supPending.splice(i, 1); clearTimeout(p.timer); return p; }
    }
    return null;
  }
  function onSupError(m) {
    var p = supPending.shift();
    clearTimeout(p.timer);
    supFailed(p, m);
  }
  function supFailed(p, m) {
    var code = m ? String(m.code || '') : 'timeout';
    var detail = m && m.message ? 'Sunucu: ' + m.message : '';
    var why = code === 'forbidden' ? 'Bu işlem yalnızca yöneticilere açık.'
      : code === 'unavailable' ? 'Sunucu şu anda bunu yapamadı; biraz sonra yeniden deneyin.'
      : code === 'timeout' ? 'Sunucu yanıt vermedi; biraz sonra yeniden deneyin.'
      : code === 'rate_limited' ? 'Çok sık istek gönderildi; birkaç saniye bekleyip yeniden deneyin.'
      : '';
    if (p.kind === 'report') reportFailed(code, why, detail);
    else if (p.kind === 'review_list') {
      toast('Öğretilecek mesajlar alınamadı. ' + why, 'warn', detail);
      if (!rv.items) $('rv-status').textContent = 'Liste alınamadı. Yenile ile yeniden deneyin.';
    } else if (p.kind === 'review_assign' || p.kind === 'review_dismiss') reviewActionFailed(p, code, why, detail);
    else if (p.kind === 'search') searchFailed(code, why, detail);
    else if (p.kind === 'view') viewFailed(p, code, why, detail);
    else if (p.kind === 'view_history') readerOlderFailed(p, why, detail);
    else if (p.kind === 'intents') toast('Niyet listesi alınamadı; Yenile ile yeniden deneyin. ' + why, 'warn', detail);
  }

  /* ----- numbers, dates and durations as Turkish readers write them ----- */
  /* 1234.5 -> "1.234,5" (at most `digits` decimals, no trailing zeros) */
  function trDec(n, digits) {
    var f = Number(n).toFixed(digits == null ? 1 : digits).split('.');
    var frac = f[1] ? f[1].replace(/0+$/, '') : '';
    return f[0].replace(/\B(?=(\d{3})+(?!\d))/g, '.') + (frac ? ',' + frac : '');
  }
  function hasNum(v) { return v != null && v !== '' && isFinite(Number(v)); }
  /* a share 0..1 -> "%12,5" */
  function trPct(r) { return hasNum(r) ? '%' + trDec(Number(r) * 100, 1) : '—'; }
  /* seconds -> "2 dk 10 sn", "1 sa 5 dk", "2 gün 3 sa" */
  function trDur(s) {
    if (!hasNum(s)) return '—';
    s = Math.max(0, Math.round(Number(s)));
    if (s < 60) return s + ' sn';
    if (s < 3600) return Math.floor(s / 60) + ' dk' + (s % 60 ? ' ' + (s % 60) + ' sn' : '');
    var m = Math.round(s / 60);
    if (m < 1440) return Math.floor(m / 60) + ' sa' + (m % 60 ? ' ' + (m % 60) + ' dk' : '');
    var h = Math.round(m / 60);
    return Math.floor(h / 24) + ' gün' + (h % 24 ? ' ' + (h % 24) + ' sa' : '');
  }
  /* an axis tick, short: "30 sn", "5 dk", "1,5 sa" */
  function durTick(s) { return s < 60 ? s + ' sn' : s < 3600 ? trDec(s / 60, 1) + ' dk' : trDec(s / 3600, 1) + ' sa'; }

  function ymdUTC(s) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(s || ''));
    if (!m) return NaN;
    var t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
    return new Date(t).toISOString().slice(0, 10) === s ? t : NaN;   /* 2025-02-30 is not a day */
  }
  function addDays(s, n) { return new Date(ymdUTC(s) + n * 86400000).toISOString().slice(0, 10); }
  function dayCount(from, to) { return Math.round((ymdUTC(to) - ymdUTC(from)) / 86400000) + 1; }
  function fmtOr(opts, fallback) {
    try { return new Intl.DateTimeFormat('tr-TR', opts); } catch (e) { return { format: fallback }; }
  }
  var iso = function (d) { return d.toISOString().slice(0, 10); };
  var dayShort = fmtOr({ day: 'numeric', month: 'short', timeZone: 'UTC' }, iso);
  var dayMed = fmtOr({ day: 'numeric', month: 'long', timeZone: 'UTC' }, iso);
  var dayLong = fmtOr({ day: 'numeric', month: 'long', year: 'numeric', weekday: 'long', timeZone: 'UTC' }, iso);
  var dayYear = fmtOr({ day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }, iso);
  function dayText(fmt, s) { var t = ymdUTC(s); return isNaN(t) ? String(s) : fmt.format(new Date(t)); }
  /* today in the shop's zone (the report's dates are the shop's) */
  function shopToday() {
    try {
      var parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Istanbul', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date());
      var p = {}; parts.forEach(function (x) { p[x.type] = x.value; });
      return p.year + '-' + p.month + '-' + p.day;
    } catch (e) { return iso(new Date(Date.now() + 3 * 3600000)); }
  }
  function periodText(from, to) {
    var n = dayCount(from, to);
    var a = from.slice(0, 4) === to.slice(0, 4) ? dayText(dayMed, from) : dayText(dayYear, from);
    return (n === 1 ? dayText(dayYear, from) : a + ' – ' + dayText(dayYear, to)) + ' · ' + trNum(n) + ' gün';
  }

  /* ----- Raporlar ----- */
  var MAX_DAYS = 92;
  function currentPeriod() {
    var t = shopToday();
    if (rep.period === '7') return { from: addDays(t, -6), to: t };
    if (rep.period === '30') return { from: addDays(t, -29), to: t };
    return { from: $('rep-from').value, to: $('rep-to').value };
  }
  function checkPeriod(p) {
    if (isNaN(ymdUTC(p.from)) || isNaN(ymdUTC(p.to))) return 'Başlangıç ve bitiş için birer tarih seçin.';
    if (p.to < p.from) return 'Başlangıç tarihi bitişten sonra olamaz.';
    if (dayCount(p.from, p.to) > MAX_DAYS) return 'Bir rapor en fazla ' + MAX_DAYS + ' günü kapsar; daha kısa bir dönem seçin.';
    return '';
  }
  function setRepBusy(on) {
    $('rep-body').setAttribute('aria-busy', on ? 'true' : 'false');
    $('rep-content').classList.toggle('is-loading', on);
    if (on && !rep.data) { $('rep-status').hidden = false; $('rep-status').textContent = 'Rapor yükleniyor…'; }
  }
  function loadReport() {
    if (!isSup()) return;
    var p = currentPeriod();
    var err = checkPeriod(p);
    $('rep-error').textContent = err;
    $('rep-from').setAttribute('aria-invalid', err ? 'true' : 'false');
    $('rep-to').setAttribute('aria-invalid', err ? 'true' : 'false');
    if (err) return;
    rep.want = p;
    if (!supSend('report', { type: 'report', from: p.from, to: p.to })) return;
    rep.busy = true;
    setRepBusy(true);
  }
  function onReport(m) {
    var p = supTake('report');
    if (!p && !rep.want) return;
    /* an answer for a period since changed: the newer one follows */
    if (rep.want && (m.from !== rep.want.from || m.to !== rep.want.to)) return;
    rep.busy = supWaiting('report');
    rep.data = m; rep.stale = false;
    setRepBusy(rep.busy);
    renderReport();
  }
  function reportFailed(code, why, detail) {
    rep.busy = supWaiting('report');
    setRepBusy(rep.busy);
    var msg = code === 'bad_request' ? 'Dönem geçersiz: başlangıç bitişten önce olmalı ve dönem en fazla ' + MAX_DAYS + ' gün olabilir.'
      : 'Rapor alınamadı. ' + (why || '');
    $('rep-error').textContent = msg;
    if (!rep.data) $('rep-status').textContent = 'Rapor alınamadı.';
    toast(msg, 'warn', detail);
  }

  function num(v) { return hasNum(v) ? Number(v) : 0; }
  function kpi(key, label, value, sub, hint) {
    var d = el('div', 'kpi');
    d.setAttribute('data-kpi', key);
    var dt = el('dt', 'kpi-label', label);
    d.appendChild(dt);
    d.appendChild(el('dd', 'kpi-value', value));
    if (sub) d.appendChild(el('dd', 'kpi-sub', sub));
    if (hint) d.title = hint;
    return d;
  }
  function renderReport() {
    var d = rep.data; if (!d) return;
    $('rep-status').hidden = true;
    $('rep-content').hidden = false;
    $('rep-error').textContent = '';
    var days = Array.isArray(d.days) ? d.days.filter(isObj) : [];
    var n = isNaN(ymdUTC(d.from)) || isNaN(ymdUTC(d.to)) ? 0 : dayCount(d.from, d.to);
    $('rep-period-text').textContent = n ? periodText(d.from, d.to) : '';
    var conv = num(d.conversations), prio = isObj(d.handoffs_by_priority) ? d.handoffs_by_priority : {};

    var k = $('rep-kpis'); k.textContent = '';
    k.appendChild(kpi('conversations', 'Sohbet', trNum(conv), n > 1 ? 'günde ortalama ' + trDec(conv / n, 1) : '',
      'Bu dönemde başlayan sohbetler'));
    k.appendChild(kpi('bot_resolved', 'Botun çözdüğü', conv ? trPct(d.bot_resolved_rate) : '—', trNum(d.bot_resolved) + ' sohbet',
      'Hiç temsilciye aktarılmadan biten sohbetlerin payı'));
    k.appendChild(kpi('handoffs', 'Temsilciye aktarılan', trNum(d.handoffs),
      trNum(prio.urgent) + ' acil · ' + trNum(d.offline_requests) + ' mesai dışı talep', 'Bu sohbetlerdeki aktarımlar'));
    k.appendChild(kpi('first_response', 'İlk yanıt süresi', trDur(d.first_response_s),
      hasNum(d.first_response_s) ? 'ortanca · ' + trNum(d.answered_handoffs) + ' yanıtlanan aktarım' : 'yanıtlanan aktarım yok',
      'Devirden temsilcinin ilk mesajına kadar geçen sürenin ortancası'));
    k.appendChild(kpi('csat', 'Memnuniyet', trPct(d.csat),
      trNum(d.csat_responses) + ' puan' + (hasNum(d.csat_response_rate) ? ' · yanıt oranı ' + trPct(d.csat_response_rate) : ''),
      '1-5 puanlar içinde 4 ve 5 verenlerin payı'));
    k.appendChild(kpi('fallback', 'Anlaşılmayan mesaj oranı', trPct(d.fallback_rate), 'botun yanıtlarında',
      'Botun yanıtlarından anlamadığını söylediklerinin payı'));
    var kp = k.querySelector('[data-kpi="fallback"] .kpi-value');
    if (hasNum(d.fallback_rate) && Number(d.fallback_rate) >= 0.2) kp.classList.add('bad');

    $('rep-more').textContent = 'Üstlenilene kadar bekleme (ortanca): ' + trDur(d.waiting_s) +
      ' · Aktarımın sonuna kadar (ortanca): ' + trDur(d.resolution_s) +
      (conv ? '' : ' · Bu dönemde sohbet yok.');

    renderCharts();

    /* hand-offs by reason: a short table, the largest first */
    var byReason = isObj(d.handoffs_by_reason) ? d.handoffs_by_reason : {};
    var reasons = Object.keys(byReason).map(function (r) { return { r: r, n: num(byReason[r]) }; })
      .filter(function (x) { return x.n > 0; }).sort(function (a, b) { return b.n - a.n || (a.r < b.r ? -1 : 1); });
    var sum = reasons.reduce(function (s, x) { return s + x.n; }, 0);
    $('rep-prio').textContent = 'Acil: ' + trNum(prio.urgent) + ' · Normal: ' + trNum(prio.normal) + ' · Mesai dışı talep: ' + trNum(d.offline_requests);
    var rb = $('rep-reasons'); rb.textContent = '';
    if (!reasons.length) rb.appendChild(el('p', 'muted small', 'Bu dönemde temsilciye aktarılan sohbet yok.'));
    else rb.appendChild(dataTable('Devir nedenleri', ['Neden', 'Devir', 'Pay'], reasons.map(function (x) {
      return [reasonLabel(x.r), trNum(x.n), { share: sum ? x.n / sum : 0 }];
    }), 'reasons'));

    renderTopIntents();
    $('rep-csv').disabled = !days.length;
  }
  function renderTopIntents() {
    var d = rep.data; if (!d) return;
    var top = (Array.isArray(d.top_intents) ? d.top_intents : []).filter(isObj);
    var ib = $('rep-intents'); ib.textContent = '';
    if (!top.length) { ib.appendChild(el('p', 'muted small', 'Bu dönemde botun yanıtı yok.')); return; }
    var most = top.reduce(function (s, x) { return Math.max(s, num(x.n)); }, 0);
    ib.appendChild(dataTable('Botun en sık yanıtladığı niyetler', ['Niyet', 'Yanıt', ''], top.map(function (x) {
      return [intentLabel(x.intent), trNum(x.n), { share: most ? num(x.n) / most : 0, plain: true }];
    }), 'intents'));
  }

  /* a table: rows of cells (text, or { share } drawn as a bar with its percentage) */
  function dataTable(caption, head, rows, key, hideCaption) {
    var t = el('table', 'dtable');
    if (key) t.setAttribute('data-table', key);
    var cap = el('caption', hideCaption === false ? null : 'sr', caption);
    t.appendChild(cap);
    var thead = el('thead'), tr = el('tr');
    head.forEach(function (h, i) {
      var th = el('th', i ? 'num' : null, h); th.scope = 'col';
      if (!h) { th.appendChild(el('span', 'sr', 'Oran')); }
      tr.appendChild(th);
    });
    thead.appendChild(tr); t.appendChild(thead);
    var tb = el('tbody');
    rows.forEach(function (r) {
      var row = el('tr');
      r.forEach(function (c, i) {
        var cell = el(i ? 'td' : 'th', i ? 'num' : null);
        if (!i) cell.scope = 'row';
        if (c && typeof c === 'object' && 'share' in c) {
          cell.className = 'num share';
          var inner = el('span', 'share-in');
          var bar = el('span', 'share-bar'); bar.setAttribute('aria-hidden', 'true');
          var fill = el('span', 'share-fill'); fill.style.width = Math.round(Math.max(0, Math.min(1, c.share)) * 100) + '%';
          bar.appendChild(fill); inner.appendChild(bar);
          if (!c.plain) inner.appendChild(el('span', 'share-n', trPct(c.share)));
          cell.appendChild(inner);
        } else cell.textContent = c == null ? '' : String(c);
        row.appendChild(cell);
      });
      tb.appendChild(row);
    });
    t.appendChild(tb);
    return t;
  }

  /* ----- charts: hand-drawn SVG, sized to their box, each with a summary and a table ----- */
  var SVGNS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text != null) e.textContent = String(text);
    return e;
  }
  function niceStep(raw, kind) {
    var c = kind === 'dur' ? [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 432000]
      : [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000, 100000, 200000, 500000, 1000000];
    for (var i = 0; i < c.length; i++) if (c[i] >= raw) return c[i];
    return Math.ceil(raw);
  }
  /* o: { labels: [short], names: [long], series: [{ name, cls, values }], stacked, kind: num|dur|pct, fmt, summary, width, minLabel } */
  function barChart(o) {
    var W = Math.max(240, Math.floor(o.width)), H = o.height || 180;
    var padL = o.kind === 'num' ? 34 : 46, padR = 6, padT = 10, padB = 24;
    var pw = W - padL - padR, ph = H - padT - padB, n = o.labels.length;
    var totals = o.labels.map(function (_, i) {
      var vals = o.series.map(function (s) { return hasNum(s.values[i]) ? Number(s.values[i]) : 0; });
      return o.stacked ? vals.reduce(function (a, b) { return a + b; }, 0) : Math.max.apply(null, vals);
    });
    var top = Math.max.apply(null, totals.concat([0]));
    var step, max;
    if (o.kind === 'pct') { step = 0.25; max = 1; }
    else { step = niceStep(Math.max(top, o.kind === 'dur' ? 60 : 4) / 4, o.kind); max = step * Math.max(1, Math.ceil(top / step)); }
    var s = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img', 'aria-label': o.summary, 'class': 'chart-svg', focusable: 'false' });
    var y = function (v) { return padT + ph - (v / max) * ph; };
    var grid = svg('g', { 'class': 'grid', 'aria-hidden': 'true' });
    for (var t = 0; t <= max + 1e-9; t += step) {
      var yy = Math.round(y(t)) + 0.5;
      grid.appendChild(svg('line', { x1: padL, x2: W - padR, y1: yy, y2: yy, 'class': t ? 'gl' : 'gl base' }));
      grid.appendChild(svg('text', { x: padL - 6, y: yy + 4, 'class': 'tick', 'text-anchor': 'end' },
        o.kind === 'dur' ? durTick(t) : o.kind === 'pct' ? '%' + Math.round(t * 100) : trNum(t)));
    }
    s.appendChild(grid);
    var slot = pw / Math.max(1, n), bw = Math.max(1, Math.min(34, slot * 0.72));
    var every = Math.max(1, Math.ceil((o.minLabel || 38) / slot));
    var bars = svg('g', { 'class': 'bars' });
    for (var i = 0; i < n; i++) {
      var x = padL + i * slot + (slot - bw) / 2, base = 0;
      o.series.forEach(function (se) {
        var v = se.values[i];
        if (!hasNum(v)) return;
        v = Number(v);
        var y0 = y(base), y1 = y(o.stacked ? base + v : v);
        var r = svg('rect', { x: x.toFixed(1), y: y1.toFixed(1), width: bw.toFixed(1), height: Math.max(0, y0 - y1).toFixed(1),
          'class': 'bar ' + se.cls, 'data-i': i, 'data-value': v });
        r.appendChild(svg('title', null, o.names[i] + ' · ' + se.name + ': ' + o.fmt(v)));
        bars.appendChild(r);
        if (o.stacked) base += v;
      });
      if (i % every === 0) {
        s.appendChild(svg('text', { x: (padL + i * slot + slot / 2).toFixed(1), y: H - 7, 'class': 'tick', 'text-anchor': 'middle', 'aria-hidden': 'true' }, o.labels[i]));
      }
    }
    s.appendChild(bars);
    return s;
  }
  function figure(key, title, legend, build, table) {
    var f = el('figure', 'chart');
    f.setAttribute('data-chart', key);
    var cap = el('figcaption', 'chart-cap');
    cap.appendChild(el('h3', null, title));
    if (legend && legend.length) {
      var ul = el('ul', 'legend'); ul.setAttribute('aria-hidden', 'true');
      legend.forEach(function (l) { var li = el('li'); li.appendChild(el('span', 'sw ' + l.cls)); li.appendChild(document.createTextNode(l.name)); ul.appendChild(li); });
      cap.appendChild(ul);
    }
    f.appendChild(cap);
    var box = el('div', 'chart-box');
    f.appendChild(box);
    var det = el('details', 'chart-table');
    det.appendChild(el('summary', null, 'Tablo olarak göster'));
    var tw = el('div', 'table-wrap');
    tw.appendChild(table);
    det.appendChild(tw);
    f.appendChild(det);
    $('rep-charts').appendChild(f);
    /* drawn once every figure is in the grid, at the width its box then has */
    f.draw = function () { box.appendChild(build(box.clientWidth || 300)); };
    return f;
  }
  var chartsWidth = 0;
  function renderCharts() {
    var d = rep.data, wrap = $('rep-charts');
    if (!d || view !== 'reports') return;
    var openTables = {};
    var dets = wrap.querySelectorAll('figure');
    for (var q = 0; q < dets.length; q++) if (dets[q].querySelector('details').open) openTables[dets[q].getAttribute('data-chart')] = true;
    wrap.textContent = '';
    chartsWidth = wrap.clientWidth;
    var days = (Array.isArray(d.days) ? d.days : []).filter(isObj);
    var period = isNaN(ymdUTC(d.from)) || isNaN(ymdUTC(d.to)) ? 'seçilen dönem' : periodText(d.from, d.to);
    var short = days.map(function (x) { return dayText(dayShort, x.date); });
    var longN = days.map(function (x) { return dayText(dayLong, x.date); });
    var medN = days.map(function (x) { return dayText(dayMed, x.date); });
    var bot = days.map(function (x) { return num(x.bot_resolved); });
    var human = days.map(function (x) { return Math.max(0, num(x.conversations) - num(x.bot_resolved)); });

    /* 1. conversations per day: the bot's against those handed over */
    var total = days.reduce(function (s, x) { return s + num(x.conversations); }, 0);
    var busiest = null;
    days.forEach(function (x, i) { if (num(x.conversations) > 0 && (!busiest || num(x.conversations) > num(days[busiest.i].conversations))) busiest = { i: i }; });
    var sum1 = 'Günlük sohbetler, ' + period + ': toplam ' + trNum(total) + ' sohbet; botun çözdüğü ' +
      trNum(bot.reduce(function (a, b) { return a + b; }, 0)) + ', temsilciye aktarılan ' + trNum(human.reduce(function (a, b) { return a + b; }, 0)) + '.' +
      (busiest ? ' En yoğun gün ' + medN[busiest.i] + ', ' + trNum(days[busiest.i].conversations) + ' sohbet.' : '');
    figure('daily', 'Günlük sohbetler', [{ name: 'Botun çözdüğü', cls: 's-bot' }, { name: 'Temsilciye aktarılan', cls: 's-human' }],
      function (w) {
        return barChart({ labels: short, names: longN, width: w, stacked: true, kind: 'num', fmt: trNum, summary: sum1,
          series: [{ name: 'Botun çözdüğü', cls: 's-bot', values: bot }, { name: 'Temsilciye aktarılan', cls: 's-human', values: human }] });
      },
      dataTable('Günlük sohbetler', ['Gün', 'Sohbet', 'Botun çözdüğü', 'Temsilciye aktarılan', 'Devir'], days.map(function (x, i) {
        return [medN[i], trNum(x.conversations), trNum(x.bot_resolved), trNum(human[i]), trNum(x.handoffs)];
      })));

    /* 2. first response per day (median) */
    var fr = days.map(function (x) { return hasNum(x.first_response_s) ? Number(x.first_response_s) : null; });
    var frDays = fr.map(function (v, i) { return v == null ? null : { v: v, i: i }; }).filter(Boolean);
    var sum2 = 'Günlük ilk yanıt süresi (ortanca), ' + period + ': ' + (frDays.length
      ? 'en kısa ' + trDur(Math.min.apply(null, frDays.map(function (x) { return x.v; }))) + ', en uzun ' +
        trDur(Math.max.apply(null, frDays.map(function (x) { return x.v; }))) + '; dönemin ortancası ' + trDur(d.first_response_s) + '.' +
        (frDays.length < days.length ? ' ' + trNum(days.length - frDays.length) + ' günde yanıtlanan aktarım yok.' : '')
      : 'bu dönemde temsilcinin yanıtladığı aktarım yok.');
    figure('first_response', 'İlk yanıt süresi (günlük ortanca)', null,
      function (w) { return barChart({ labels: short, names: longN, width: w, kind: 'dur', fmt: trDur, summary: sum2, series: [{ name: 'İlk yanıt', cls: 's-time', values: fr }] }); },
      dataTable('İlk yanıt süresi', ['Gün', 'İlk yanıt (ortanca)'], days.map(function (x, i) { return [medN[i], trDur(fr[i])]; })));

    /* 3. CSAT per day */
    var cs = days.map(function (x) { return hasNum(x.csat) ? Number(x.csat) : null; });
    var csDays = cs.filter(function (v) { return v != null; }).length;
    var sum3 = 'Günlük memnuniyet, ' + period + ': ' + (csDays
      ? 'dönem geneli ' + trPct(d.csat) + ', ' + trNum(d.csat_responses) + ' puan; ' + trNum(csDays) + ' günde puan var.'
      : 'bu dönemde puan yok.');
    figure('csat', 'Memnuniyet (günlük, 4-5 puan payı)', null,
      function (w) { return barChart({ labels: short, names: longN, width: w, kind: 'pct', fmt: trPct, summary: sum3, series: [{ name: 'Memnuniyet', cls: 's-csat', values: cs }] }); },
      dataTable('Memnuniyet', ['Gün', 'Memnuniyet', 'Puan'], days.map(function (x, i) { return [medN[i], trPct(cs[i]), trNum(x.csat_responses)]; })));

    /* 4. conversations by hour of the shop's day */
    var hours = (Array.isArray(d.conversations_by_hour) ? d.conversations_by_hour : []).slice(0, 24).map(num);
    while (hours.length < 24) hours.push(0);
    var hh = function (h) { return ('0' + h).slice(-2); };
    var hName = hours.map(function (_, h) { return hh(h) + ':00–' + hh((h + 1) % 24) + ':00'; });
    var peak = hours.indexOf(Math.max.apply(null, hours));
    var sum4 = 'Saatlere göre sohbetler, ' + period + ': ' + (hours.some(function (v) { return v > 0; })
      ? 'en yoğun saat ' + hName[peak] + ', ' + trNum(hours[peak]) + ' sohbet.' : 'sohbet yok.');
    figure('hours', 'Günün saatlerine göre sohbetler', null,
      function (w) { return barChart({ labels: hours.map(function (_, h) { return hh(h); }), names: hName, width: w, kind: 'num', fmt: trNum, minLabel: 22, summary: sum4,
        series: [{ name: 'Sohbet', cls: 's-hour', values: hours }] }); },
      dataTable('Saatlere göre sohbetler', ['Saat', 'Sohbet'], hours.map(function (v, h) { return [hName[h], trNum(v)]; })));

    var figs = wrap.querySelectorAll('figure');
    for (var j = 0; j < figs.length; j++) {
      figs[j].draw();
      if (openTables[figs[j].getAttribute('data-chart')]) figs[j].querySelector('details').open = true;
    }
  }
  /* the charts follow their box's width (a phone turned, a window resized) */
  if (window.ResizeObserver) {
    var resizeRaf = 0;
    new ResizeObserver(function () {
      cancelAnimationFrame(resizeRaf);
      resizeRaf = requestAnimationFrame(function () {
        var w = $('rep-charts').clientWidth;
        if (rep.data && view === 'reports' && Math.abs(w - chartsWidth) > 4) renderCharts();
      });
    }).observe($('rep-charts'));
  }

  /* CSV of the days: UTF-8 with a BOM (Excel then reads Turkish letters), ";" between cells and
     a decimal comma, as Excel in Turkish expects; the columns in Turkish */
  function csvCell(v) {
    var s = v == null ? '' : String(v);
    return /[";\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function reportCsv(d) {
    var rows = [['Tarih', 'Sohbet', 'Botun çözdüğü', 'Temsilciye aktarılan sohbet', 'Devir', 'İlk yanıt süresi (sn)', 'Memnuniyet (%)', 'Puan sayısı']];
    (Array.isArray(d.days) ? d.days : []).filter(isObj).forEach(function (x) {
      rows.push([x.date, num(x.conversations), num(x.bot_resolved), Math.max(0, num(x.conversations) - num(x.bot_resolved)), num(x.handoffs),
        hasNum(x.first_response_s) ? Math.round(Number(x.first_response_s)) : '',
        hasNum(x.csat) ? trDec(Number(x.csat) * 100, 1).replace(/\./g, '') : '', num(x.csat_responses)]);
    });
    return '\uFEFF' + rows.map(function (r) { return r.map(csvCell).join(';'); }).join('\r\n') + '\r\n';
  }
  $('rep-csv').addEventListener('click', function () {
    var d = rep.data;
    if (!d || !Array.isArray(d.days) || !d.days.length) return;
    var url = URL.createObjectURL(new Blob([reportCsv(d)], { type: 'text/csv;charset=utf-8' }));
    var a = el('a');
    a.href = url; a.download = 'destek-rapor-' + d.from + '_' + d.to + '.csv';
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
  });

  var periodRadios = document.querySelectorAll('input[name="rep-period"]');
  for (var pr = 0; pr < periodRadios.length; pr++) periodRadios[pr].addEventListener('change', function () {
    rep.period = this.value;
    var custom = rep.period === 'custom';
    $('rep-custom').hidden = !custom;
    if (!custom) { loadReport(); return; }
    /* the custom dates start from the period shown */
    var t = shopToday(), shown = rep.want || currentPeriodFor('7');
    $('rep-from').max = t; $('rep-to').max = t;
    if (!$('rep-from').value) $('rep-from').value = shown.from;
    if (!$('rep-to').value) $('rep-to').value = shown.to;
    $('rep-from').focus();
  });
  function currentPeriodFor(p) { var keep = rep.period; rep.period = p; var r = currentPeriod(); rep.period = keep; return r; }
  $('rep-form').addEventListener('submit', function (e) { e.preventDefault(); if (rep.period === 'custom') loadReport(); });

  /* ----- Öğret: the messages the bot did not understand ----- */
  function requestIntents() { if (isSup() && !supWaiting('intents')) supSend('intents', { type: 'intents' }); }
  function onIntents(m) {
    supTake('intents');
    intents = (Array.isArray(m.items) ? m.items : []).filter(function (x) { return isObj(x) && typeof x.id === 'string' && x.id; });
    intentTitles = {};
    intents.forEach(function (x) { intentTitles[x.id] = x.title ? String(x.title) : x.id; });
    intents.sort(function (a, b) { return intentTitles[a.id].localeCompare(intentTitles[b.id], 'tr'); });
    if (rv.items) renderReview();
    if (rep.data) renderTopIntents();
  }
  /* what an agent reads for an intent: its title ("Canlı destek"), the id only
     when the knowledge base gave none */
  function intentName(id) {
    if (id == null || id === '') return '—';
    if (id === 'fallback') return 'Anlaşılamadı';
    return intentTitles[id] || String(id);
  }
  function intentLabel(id) {
    if (id == null || id === '') return '—';
    if (id === 'fallback') return 'Anlaşılamadı (fallback)';
    return intentTitles[id] && intentTitles[id] !== id ? intentTitles[id] + ' (' + id + ')' : String(id);
  }
  function loadReview() {
    if (!isSup()) return;
    if (!rv.items) { $('rv-status').hidden = false; $('rv-status').textContent = 'Liste yükleniyor…'; }
    $('rv-refresh').disabled = true;
    if (supSend('review_list', { type: 'review_list' })) {
      if (!intents) requestIntents();
    } else $('rv-refresh').disabled = false;
  }
  $('rv-refresh').addEventListener('click', function () { requestIntents(); loadReview(); });
  function onReviewList(m) {
    supTake('review_list');
    $('rv-refresh').disabled = false;
    rv.items = (Array.isArray(m.items) ? m.items : []).filter(function (x) { return isObj(x) && hasNum(x.id); });
    rv.total = hasNum(m.total) ? Math.max(Number(m.total), rv.items.length) : rv.items.length;
    rv.stale = false;
    renderReview();
  }
  function updateReviewCount() {
    var n = rv.items ? rv.total : 0;
    var nb = $('nav-review');
    nb.hidden = !n; nb.textContent = n ? trNum(n) : '';
    nb.setAttribute('aria-label', trNum(n) + ' mesaj bekliyor');
    $('rv-count').textContent = rv.items ? trNum(n) : '';
  }
  function shortText(t) { t = String(t == null ? '' : t).replace(/\s+/g, ' '); return t.length > 60 ? t.slice(0, 58) + '…' : t; }
  function renderReview() {
    var ul = $('rv-list');
    /* the focus stays where it was, or goes to the item that took a removed one's place */
    var ae = document.activeElement, fItem = ae && ae.closest && ae.closest('#rv-list li'), fWhat = null, fIndex = -1;
    if (fItem) { fWhat = ae.classList.contains('rv-assign') ? 'assign' : ae.classList.contains('rv-dismiss') ? 'dismiss' : 'select'; fIndex = [].indexOf.call(ul.children, fItem); }
    var fId = fItem ? fItem.getAttribute('data-review') : null, refocused = false;
    ul.textContent = '';
    var items = rv.items || [];
    $('rv-status').hidden = !!items.length;
    if (!items.length) $('rv-status').textContent = 'İncelenecek mesaj yok: bot son zamanlardaki mesajların hepsini anladı ya da hepsi işlendi.';
    var more = $('rv-more');
    more.hidden = rv.total <= items.length;
    more.textContent = 'İlk ' + trNum(items.length) + ' gösteriliyor, toplam ' + trNum(rv.total) + ' mesaj. İşledikçe Yenile ile sıradakiler gelir.';
    items.forEach(function (it) {
      var id = String(it.id);
      var busy = rv.busy[id];
      var li = el('li', 'rv-item' + (busy ? ' busy' : ''));
      li.setAttribute('data-review', id);
      li.appendChild(el('p', 'rv-text', it.text));
      var meta = el('div', 'rv-meta');
      meta.appendChild(el('span', 'rv-times', trNum(it.count || 1) + ' kez'));
      if (it.last_seen) { var t = el('time', 'rv-seen', 'Son: ' + fmtDate(it.last_seen)); t.dateTime = String(it.last_seen); meta.appendChild(t); }
      if (it.conversation != null) {
        /* the conversation it came from, one click away (read-only, audited) */
        var cb = el('button', 'rv-conv linkish', 'Sohbet #' + it.conversation);
        cb.type = 'button';
        cb.setAttribute('aria-label', 'Sohbet #' + it.conversation + ' salt okunur açılsın');
        cb.addEventListener('click', function () { openReader({ conversation: it.conversation }, 'review'); });
        meta.appendChild(cb);
      }
      li.appendChild(meta);
      var botLine = el('p', 'rv-bot');
      botLine.appendChild(document.createTextNode('Botun yanıtı: '));
      botLine.appendChild(el('span', 'chip' + (it.intent === 'fallback' ? ' low' : ''), intentLabel(it.intent)));
      li.appendChild(botLine);
      var row = el('div', 'rv-actions');
      var selId = 'rv-sel-' + id;
      var lab = el('label', 'rv-label', 'Doğru niyet'); lab.htmlFor = selId;
      row.appendChild(lab);
      var sel = el('select', 'rv-select'); sel.id = selId;
      var ph = el('option', null, intents ? 'Niyet seçin…' : 'Niyetler yükleniyor…'); ph.value = '';
      sel.appendChild(ph);
      (intents || []).forEach(function (x) {
        if (x.id === 'fallback') return;   /* "Kapsam dışı" is the way to leave it unanswered */
        var o = el('option', null, intentTitles[x.id] + (intentTitles[x.id] !== x.id ? ' (' + x.id + ')' : '')); o.value = x.id;
        sel.appendChild(o);
      });
      sel.value = rv.choice[id] || '';
      sel.disabled = !intents;
      sel.addEventListener('change', function () { rv.choice[id] = sel.value; sel.removeAttribute('aria-invalid'); });
      row.appendChild(sel);
      var btns = el('div', 'rv-btns');
      var ab = el('button', 'btn btn-sm btn-primary rv-assign', busy === 'assign' ? 'Öğretiliyor…' : 'Öğret'); ab.type = 'button';
      ab.setAttribute('aria-label', 'Öğret: ' + shortText(it.text));
      var db = el('button', 'btn btn-sm rv-dismiss', busy === 'dismiss' ? 'Kaldırılıyor…' : 'Kapsam dışı'); db.type = 'button';
      db.setAttribute('aria-label', 'Kapsam dışı: ' + shortText(it.text));
      /* aria-disabled, not disabled, while waiting: the focus stays on the button */
      [ab, db].forEach(function (b) { b.setAttribute('aria-disabled', busy ? 'true' : 'false'); });
      ab.addEventListener('click', function () { assignItem(it, sel); });
      db.addEventListener('click', function () { dismissItem(it); });
      btns.appendChild(ab); btns.appendChild(db);
      row.appendChild(btns);
      li.appendChild(row);
      ul.appendChild(li);
      if (fId === id) { (fWhat === 'assign' ? ab : fWhat === 'dismiss' ? db : sel).focus(); refocused = true; }
    });
    if (fId && !refocused) {
      /* the focused item left the list: the next one's picker (or its "Kapsam dışı"), else the heading */
      var next = ul.children[Math.min(fIndex, ul.children.length - 1)];
      if (next) next.querySelector(fWhat === 'dismiss' ? '.rv-dismiss' : '.rv-select').focus();
      else $('review-h').focus();
    }
    updateReviewCount();
  }
  function assignItem(it, sel) {
    var id = String(it.id);
    if (rv.busy[id]) return;
    var intent = sel.value || rv.choice[id];
    if (!intent) {
      sel.setAttribute('aria-invalid', 'true');
      toast('Önce bu mesajın doğru niyetini seçin.', 'warn');
      sel.focus();
      return;
    }
    if (!supSend('review_assign', { type: 'review_assign', id: Number(it.id), intent: intent }, Number(it.id))) return;
    rv.busy[id] = 'assign';
    renderReview();
  }
  function dismissItem(it) {
    var id = String(it.id);
    if (rv.busy[id]) return;
    if (!supSend('review_dismiss', { type: 'review_dismiss', id: Number(it.id) }, Number(it.id))) return;
    rv.busy[id] = 'dismiss';
    renderReview();
  }
  function onReviewDone(m) {
    var assigned = m.type === 'review_assigned', id = Number(m.id);
    supTake(assigned ? 'review_assign' : 'review_dismiss', id);
    var items = rv.items || [], idx = -1;
    items.forEach(function (x, i) { if (Number(x.id) === id) idx = i; });
    var it = idx >= 0 ? items[idx] : null;
    delete rv.busy[String(id)]; delete rv.choice[String(id)];
    if (idx >= 0) { items.splice(idx, 1); rv.total = Math.max(items.length, rv.total - 1); }
    var text = it ? '“' + shortText(it.text) + '” ' : 'Mesaj ';
    toast(assigned ? text + 'öğretildi: ' + intentLabel(m.intent) + '. Bot bundan sonra bu niyetle yanıtlar.'
      : text + 'kapsam dışı olarak işaretlendi.', 'ok');
    renderReview();
  }
  function reviewActionFailed(p, code, why, detail) {
    var id = String(p.id);
    delete rv.busy[id];
    var assign = p.kind === 'review_assign';
    if (code === 'not_found') {
      /* already handled elsewhere (another supervisor, the command line): it leaves the list */
      if (rv.items) rv.items = rv.items.filter(function (x) { return String(x.id) !== id; });
      rv.total = Math.max(0, rv.total - 1);
      toast('Bu mesaj artık listede değil; başka biri işlemiş olabilir.', 'warn', detail);
    } else if (code === 'refused') {
      toast('Öğretilemedi: bilgi tabanı bu değişikliği kabul etmedi (mesaj seçilen niyetle yanıtlanamıyor ya da niyet yok). Başka bir niyet seçin.', 'warn', detail);
    } else {
      toast((assign ? 'Öğretilemedi. ' : 'Kapsam dışı olarak işaretlenemedi. ') + (why || 'Sunucu isteği reddetti.'), 'warn', detail);
    }
    if (rv.items) renderReview();
  }

  /* ---------- search and reading (every agent) ---------- */
  /* `search` finds conversations by an order number, an e-mail or phone, or a shopper's words;
     `view` opens one read-only (a `transcript`), older pages with `history` as for a held one.
     These requests go in supPending with the supervisor's: the server answers frames in order and
     their errors name no conversation, so an error goes to the oldest request waiting. */
  var srch = { q: null, items: null, busy: false };
  var rd = null;   /* the conversation read: { id, row, loaded, entries, more, loadingOlder, earlier, back } */
  var STATE_TR = { open: 'açık', closed: 'kapalı' };

  /* a message of ours sent before `seq` and not yet answered (its error would come first) */
  function localBefore(seq) {
    return order.some(function (id) {
      return convs[id].entries.some(function (e) { return e.local && !e.echoed && !e.failed && e.seq < seq; });
    });
  }
  function isConvRow(x) { return isObj(x) && x.conversation != null && String(x.conversation) !== ''; }
  var longDate = fmtOr({ day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Istanbul' },
    function (d) { return d.toISOString().slice(0, 16).replace('T', ' '); });
  function dateTr(s) { var d = new Date(s); return s && !isNaN(d) ? longDate.format(d) : String(s || ''); }
  function stateTr(s) { return STATE_TR[s] || String(s || ''); }
  function statePill(s) { return el('span', 'pill ' + (s === 'open' ? 'pill-open' : 'pill-ended'), stateTr(s)); }

  /* a list of conversations (results, earlier ones): each a button that opens it read-only */
  function convList(rows, from) {
    var ul = el('ul', 'conv-list');
    rows.forEach(function (r) {
      var id = String(r.conversation);
      var li = el('li');
      var b = el('button', 'ci'); b.type = 'button';
      b.setAttribute('data-conv', id);
      var top = el('span', 'ci-top');
      top.appendChild(el('span', 'ci-id', 'Sohbet #' + id));
      top.appendChild(statePill(r.state));
      b.appendChild(top);
      var meta = el('span', 'ci-meta');
      var t = el('time', null, dateTr(r.created_at)); if (r.created_at) t.dateTime = String(r.created_at);
      meta.appendChild(t);
      if (r.order) meta.appendChild(el('span', 'ci-order', 'Sipariş #' + r.order));
      b.appendChild(meta);
      b.setAttribute('aria-label', 'Sohbet #' + id + ', ' + dateTr(r.created_at) + ', ' + stateTr(r.state) +
        (r.order ? ', sipariş #' + r.order : '') + ': salt okunur aç');
      b.addEventListener('click', function () { openReader(r, from); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    return ul;
  }

  function setPane(p) {
    pane = p;
    $('search').hidden = p !== 'search';
    $('reader').hidden = p !== 'reader';
    showConv(active);   /* the conversation (or the placeholder) back, or behind the pane */
  }
  function openConv(id) { pane = 'conv'; $('search').hidden = true; $('reader').hidden = true; showConv(id); }

  $('search-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var q = $('search-q').value.replace(/^\s+|\s+$/g, '');
    if (q.length < 2) { toast('Aramak için en az 2 karakter yazın.', 'warn'); $('search-q').focus(); return; }
    if (q.length > 200) { toast('Arama en fazla 200 karakter olabilir.', 'warn'); $('search-q').focus(); return; }
    if (!supSend('search', { type: 'search', q: q })) return;
    srch.q = q; srch.items = null; srch.busy = true;
    if (view !== 'chats') setView('chats');
    renderSearch();
    setPane('search');
  });
  $('search-close').addEventListener('click', function () {
    setPane('conv');
    (active && $('tab-' + active) || $('search-q')).focus();
  });
  function onSearchResults(m) {
    supTake('search');
    if (srch.q == null || m.q !== srch.q) return;   /* an answer to an earlier search: a newer one follows */
    srch.busy = supWaiting('search');
    srch.items = (Array.isArray(m.items) ? m.items : []).filter(isConvRow);
    renderSearch();
  }
  function searchFailed(code, why, detail) {
    srch.busy = supWaiting('search');
    toast('Arama yapılamadı. ' + (code === 'bad_request' ? 'Arama 2 ile 200 karakter arasında olmalı.' : why || 'Sunucu isteği reddetti.'), 'warn', detail);
    renderSearch(true);
  }
  function renderSearch(failed) {
    $('search-sub').textContent = srch.q != null ? 'Aranan: “' + srch.q + '”' : '';
    var items = srch.items, st = $('search-status'), box = $('search-results');
    box.textContent = '';
    st.textContent = srch.busy ? 'Aranıyor…' : failed && !items ? 'Arama yapılamadı; yeniden deneyin.'
      : !items ? '' : !items.length ? 'Sonuç yok' : items.length >= 20 ? 'En yeni 20 sonuç gösteriliyor; daha dar bir arama deneyin.'
      : trNum(items.length) + ' sonuç, en yenisi üstte';
    st.classList.toggle('no-results', !!items && !items.length && !srch.busy);
    if (items && items.length && !srch.busy) { var list = convList(items, 'search'); while (list.firstChild) box.appendChild(list.firstChild); }
  }

  /* ----- a conversation read-only ----- */
  function openReader(row, from) {
    var id = String(row.conversation);
    if (!supSend('view', { type: 'view', conversation: id }, id)) return;
    /* opened from the reader's own list: the way back stays where the reading started */
    var back = from === 'reader' ? (rd ? rd.back : 'search') : from;
    rd = { id: id, row: row, loaded: false, entries: [], more: false, loadingOlder: false, earlier: [], back: back };
    if (view !== 'chats') setView('chats');
    renderReader();
    setPane('reader');
    $('reader').scrollTop = 0;   /* a phone scrolls the pane as a whole: from its top */
    $('reader-h').focus({ preventScroll: true });
  }
  function onTranscript(m) {
    var id = String(m.conversation);
    supTake('view', id);
    if (!rd || rd.id !== id || rd.loaded) return;   /* not the one being read (any more) */
    rd.loaded = true;
    rd.entries = (Array.isArray(m.history) ? m.history : []).filter(isObj).map(normEntry);
    rd.more = !!m.history_more;
    rd.earlier = (Array.isArray(m.earlier) ? m.earlier : []).filter(function (x) { return isConvRow(x) && String(x.conversation) !== id; });
    renderReader();
    var log = $('reader-log'); log.scrollTop = log.scrollHeight;
  }
  function viewFailed(p, code, why, detail) {
    toast((code === 'not_found' ? 'Sohbet #' + p.id + ' bulunamadı.' : 'Sohbet #' + p.id + ' açılamadı. ' + (why || 'Sunucu isteği reddetti.')), 'warn', detail);
    if (rd && rd.id === p.id && !rd.loaded && pane === 'reader') { var back = rd.back; rd = null; setPane(back === 'search' && srch.q != null ? 'search' : 'conv'); }
  }
  function renderReader(keepScroll) {
    if (!rd) return;
    var r = rd.row || {};
    $('reader-h').textContent = 'Sohbet #' + rd.id;
    var tags = $('reader-tags'); tags.textContent = '';
    tags.appendChild(el('span', 'pill pill-ro', 'Salt okunur'));
    if (r.state) tags.appendChild(statePill(r.state));
    if (r.created_at) tags.appendChild(el('span', 'tag-text', dateTr(r.created_at)));
    if (r.order) tags.appendChild(el('span', 'tag-text', 'Sipariş #' + r.order));
    var backB = $('reader-back');
    backB.textContent = rd.back === 'conv' ? '← Sohbete dön' : rd.back === 'review' ? '← Öğret sayfasına dön' : '← Sonuçlara dön';
    var log = $('reader-log');
    var focusOlder = document.activeElement && document.activeElement.classList.contains('older') && log.contains(document.activeElement);
    log.textContent = '';
    if (!rd.loaded) log.appendChild(el('div', 'ev', 'Yükleniyor…'));
    else if (!rd.entries.length) log.appendChild(el('div', 'ev', 'Bu sohbette mesaj yok.'));
    if (rd.more && oldestN(rd) != null) {
      var box = el('div', 'older-row');
      var b = el('button', 'btn btn-sm older', rd.loadingOlder ? 'Yükleniyor…' : 'Önceki mesajlar');
      b.type = 'button'; b.title = 'Sohbetin daha eski mesajlarını yükle';
      b.setAttribute('aria-disabled', rd.loadingOlder ? 'true' : 'false');
      b.addEventListener('click', readerOlder);
      box.appendChild(b);
      log.appendChild(box);
      if (focusOlder) b.focus({ preventScroll: true });
    } else if (focusOlder) log.focus({ preventScroll: true });
    fillEntries(log, rd.entries);
    if (!keepScroll) log.scrollTop = log.scrollHeight;
    var ul = $('reader-earlier'); ul.textContent = '';
    var list = convList(rd.earlier, 'reader');
    while (list.firstChild) ul.appendChild(list.firstChild);
    $('reader-earlier-empty').hidden = !rd.loaded || rd.earlier.length > 0;
  }
  function readerOlder() {
    if (!rd || rd.loadingOlder || !rd.more) return;
    var before = oldestN(rd);
    if (before == null) return;
    if (!supSend('view_history', { type: 'history', conversation: rd.id, before: before }, rd.id)) return;
    rd.loadingOlder = true;
    var b = $('reader-log').querySelector('button.older');
    if (b) { b.textContent = 'Yükleniyor…'; b.setAttribute('aria-disabled', 'true'); }
  }
  function readerHistory(m) {
    var id = String(m.conversation);
    if (!rd || rd.id !== id || !rd.loadingOlder) return;
    rd.loadingOlder = false;
    var first = oldestN(rd);
    var older = (Array.isArray(m.entries) ? m.entries : []).filter(isObj).map(normEntry)
      .filter(function (e) { return e.n != null && (first == null || e.n < first); });
    rd.more = !!m.more && older.length > 0;
    var log = $('reader-log'), fromBottom = log.scrollHeight - log.scrollTop;
    rd.entries = older.concat(rd.entries);
    renderReader(true);
    log.scrollTop = log.scrollHeight - fromBottom;
  }
  function readerOlderFailed(p, why) {
    if (rd && rd.id === p.id) { rd.loadingOlder = false; renderReader(true); }
    toast('Önceki mesajlar yüklenemedi. ' + (why || 'Yeniden deneyin.'), 'warn');
  }
  $('reader-back').addEventListener('click', function () {
    var back = rd ? rd.back : 'search';
    if (back === 'review') { setPane('conv'); setView('review'); return; }
    if (back === 'search' && srch.q != null) { setPane('search'); $('search-h').focus(); }
    else { setPane('conv'); (active && $('tab-' + active) || $('search-q')).focus(); }
  });
  function searchDisconnected() {
    srch.busy = false;
    if (rd) { rd.loadingOlder = false; }
    if (pane === 'search') renderSearch();
    if (pane === 'reader') renderReader(true);
  }
  function searchReset() {
    srch = { q: null, items: null, busy: false };
    rd = null;
    $('search-q').value = '';
    $('search-results').textContent = ''; $('search-status').textContent = '';
    setPane('conv');
  }

  /* ---------- global keys ---------- */
  document.addEventListener('keydown', function (e) {
    if (appEl.hidden || (dlg.open)) return;
    if (e.altKey && !e.ctrlKey && !e.metaKey && view === 'chats') {
      if (e.key === 'ArrowDown') { e.preventDefault(); moveTab(1); if (active) $('tab-' + active).focus(); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); moveTab(-1); if (active) $('tab-' + active).focus(); }
      else if ((e.key === 'n' || e.key === 'N' || e.code === 'KeyN') && active && pane === 'conv') { e.preventDefault(); setMode(mode === 'note' ? 'reply' : 'note'); input.focus(); }
    }
  });
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && view === 'chats' && active && convs[active] && convs[active].unread) { convs[active].unread = 0; renderTabs(); updateTitle(); }
    if (!document.hidden) consoleSeen();
  });

  /* ---------- boot ---------- */
  setMode('reply');
  if (token()) { loginEl.hidden = true; appEl.hidden = false; setConn('off'); start(); }
  else showLogin('');

  /* for tests and debugging: read-only state */
  window.destekAgent = {
    state: function () { return { authed: authed, agent: agentName, role: role, view: view, queue: queue.slice(), open: order.slice(), active: active, notifier: swReg && swReg.active ? 'worker' : 'page' }; }
  };
})();
