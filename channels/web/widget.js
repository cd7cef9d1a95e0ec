/* destek chat widget, the loader: what a shop embeds (<script src="widget.js" defer>).
   It draws only the launcher and loads the rest (widget-app.js) when the shopper first
   opens the chat, or at once for a returning shopper whose conversation it resumes.
   It stores nothing in the browser. Usage: docs/WIDGET.md. */
(function () {
  'use strict';
  var w = window, d = document;
  if (w.destek && w.destek.version) return; /* loaded twice */

  var me = d.currentScript || d.querySelector('script[src*="widget.js"]');
  var ds = (me && me.dataset) || {};
  var src;
  try { src = new URL(me.src, location.href); } catch (e) { src = new URL(location.href); }
  /* the server writes the rest's versioned name here (cached for a year); another
     server leaves the mark, and the plain name is fetched */
  var APP = '{{v:widget-app.js}}';
  if (APP.charAt(0) === '{') APP = 'widget-app.js';
  var SERVER = ds.server || ((src.protocol === 'https:' ? 'wss://' : 'ws://') + src.host + '/ws/chat');
  var COLOR = /^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(ds.color || '') ? ds.color : '#0b6b5d';
  var LEFT = ds.position === 'left';
  var NS = 'destek:' + (ds.key || SERVER) + ':';

  var h = COLOR.slice(1);
  if (h.length === 3) h = h.replace(/./g, '$&$&');
  var rgb = [0, 2, 4].map(function (i) { return parseInt(h.substr(i, 2), 16); });
  var ON = (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) / 255 > 0.62 ? '#111' : '#fff';
  var CSS = ':host{all:initial;--vx:0px;--vy:0px;--vw:100vw;--vh:100vh;--c:' + COLOR + ';--on:' + ON +
    ';--tint:rgba(' + rgb + ',.09);--ring:rgba(' + rgb + ',.28)}' +
    '*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}' +
    'button{font:inherit;cursor:pointer}:focus-visible{outline:3px solid #1a73e8;outline-offset:2px}' +
    /* placed in the visual viewport (--vx.. set by place()): a page that overflows,
       a pinch zoom or an on-screen keyboard cannot push it off the screen */
    '.launch{position:fixed;top:calc(var(--vy) + var(--vh) - 80px);left:' +
    (LEFT ? 'calc(var(--vx) + 20px)' : 'calc(var(--vx) + var(--vw) - 80px)') +
    ';z-index:2147483000;width:60px;height:60px;border-radius:50%;border:0;background:var(--c);color:var(--on);' +
    'box-shadow:0 6px 20px rgba(0,0,0,.22);display:flex;align-items:center;justify-content:center;transition:transform .15s}' +
    '.launch:hover{transform:scale(1.06)}.launch svg{width:28px;height:28px}' +
    '.launch .i2,.launch.op .i1{display:none}.launch.op .i2{display:block}' +
    '.badge{position:absolute;top:-3px;' + (LEFT ? 'left' : 'right') + ':-3px;min-width:22px;height:22px;padding:0 6px;' +
    'border-radius:11px;background:#d93025;color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center;border:2px solid #fff}' +
    '[hidden]{display:none!important}:host([data-full]) .launch.op{display:none}' +
    '@media (prefers-reduced-motion:reduce){.launch{transition:none}}';
  var SVG = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" ';

  /* a custom element name: the shop's `div {...}` rules do not match the host */
  var host = d.createElement('destek-chat');
  host.id = 'destek-widget';
  host.setAttribute('data-destek', '');
  var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
  /* a constructed stylesheet: a strict CSP (style-src 'self') blocks a <style> element */
  var sheet = null;
  try { if (root !== host && root.adoptedStyleSheets) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); root.adoptedStyleSheets = [sheet]; } } catch (e) { sheet = null; }
  root.innerHTML = (sheet ? '' : '<style>' + CSS + '</style>') +
    '<button class="launch" type="button" aria-label="Canlı destek" aria-expanded="false">' +
    SVG + 'class="i1" stroke-width="2"><path d="M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.6A8 8 0 1 1 21 12z"/></svg>' +
    SVG + 'class="i2" stroke-width="2.4"><path d="M6 9l6 6 6-6"/></svg>' +
    '<span class="badge" hidden aria-hidden="true"></span></button>';
  var launcher = root.querySelector('.launch');

  /* where it sits: the visual viewport (what is on the screen) rather than the layout
     viewport that position:fixed uses; on a phone (480 px or less) the panel is all of it */
  var full = false;
  var boot = {
    ds: ds, src: src, server: SERVER, ns: NS, color: COLOR, on: ON, rgb: rgb, left: LEFT,
    host: host, root: root, launcher: launcher, q: [],
    full: function () { return full; },
    onPlace: null, /* the rest's hook: (fullChanged) */
    place: place, forget: forget
  };
  function place() {
    var vv = w.visualViewport, x = 0, y = 0, vw, vh;
    if (vv && vv.width > 0 && vv.height > 0) { x = vv.offsetLeft; y = vv.offsetTop; vw = vv.width; vh = vv.height; }
    else { vw = d.documentElement.clientWidth || w.innerWidth; vh = w.innerHeight; }
    var s = host.style;
    s.setProperty('--vx', x + 'px'); s.setProperty('--vy', y + 'px');
    s.setProperty('--vw', vw + 'px'); s.setProperty('--vh', vh + 'px');
    var f = vw <= 480, changed = f !== full;
    if (changed) { full = f; if (f) host.setAttribute('data-full', ''); else host.removeAttribute('data-full'); }
    if (boot.onPlace) boot.onPlace(changed);
  }
  if (w.visualViewport) {
    w.visualViewport.addEventListener('resize', place);
    w.visualViewport.addEventListener('scroll', place);
  }
  w.addEventListener('resize', place);
  w.addEventListener('scroll', place, { passive: true });
  w.addEventListener('orientationchange', place);

  /* what the rest keeps (docs/WIDGET.md "What the browser keeps"), this version's keys and
     older ones: read here, to resume; removed by reset() */
  function stored(a, k) { try { return w[a].getItem(NS + k) != null; } catch (e) { return false; } }
  function forget() {
    [['localStorage', 'session'], ['localStorage', 'log'], ['localStorage', 'pending'],
      ['sessionStorage', 'pending'], ['sessionStorage', 'open']].forEach(function (k) {
      try { w[k[0]].removeItem(NS + k[1]); } catch (e) {}
    });
  }

  /* the rest of the widget, fetched once; a failed fetch is tried again on the next use */
  var loading = false;
  function load() {
    if (loading) return;
    loading = true;
    launcher.setAttribute('aria-busy', 'true');
    var s = d.createElement('script');
    s.src = new URL(APP, src).href;
    s.async = true;
    if (me && me.nonce) s.nonce = me.nonce; /* a CSP with nonces */
    s.onerror = function () { loading = false; launcher.removeAttribute('aria-busy'); s.remove(); };
    (d.head || d.documentElement).appendChild(s);
  }

  /* window.destek until the rest is there: calls wait in boot.q, and the rest replays them */
  var queued = w.destek && w.destek.q;
  var api = w.destek = {
    version: '1.2', _boot: boot,
    open: function () { boot.q.push(['open']); load(); },
    close: function () { if (loading) boot.q.push(['close']); },
    toggle: function () { api.open(); },
    identify: function (id) { boot.q.push(['identify', [id]]); },
    reset: function () {
      forget();
      boot.q = boot.q.filter(function (c) { return c[0] !== 'identify'; });
    },
    send: function (text) { boot.q.push(['send', [text]]); load(); },
    isOpen: function () { return false; }
  };
  if (Array.isArray(queued)) queued.forEach(function (c) { if (c && api[c[0]]) api[c[0]].apply(api, c[1] || []); });

  /* every listener goes through window.destek, which the rest replaces */
  launcher.addEventListener('click', function () { w.destek.toggle(); });
  /* fetched as soon as the shopper heads for the launcher: open is then at once */
  ['pointerenter', 'touchstart', 'focus'].forEach(function (e) { launcher.addEventListener(e, load, { passive: true }); });
  /* any element of the page with data-destek-open opens the chat (no inline script needed) */
  d.addEventListener('click', function (e) {
    var t = e.target && e.target.closest && e.target.closest('[data-destek-open]');
    if (t) { e.preventDefault(); w.destek.open(); }
  });

  function mount() { d.body.appendChild(host); place(); }
  if (d.body) mount(); else d.addEventListener('DOMContentLoaded', mount);
  /* open now (data-open, or the panel was open before a reload), or resume a known
     conversation (its unread replies, unsent messages) once the page is idle */
  if (ds.open === 'true' || (function () { try { return sessionStorage.getItem(NS + 'open') === '1'; } catch (e) { return false; } })()) api.open();
  else if (stored('localStorage', 'session') || stored('sessionStorage', 'pending') ||
    stored('localStorage', 'pending') || stored('localStorage', 'log')) {
    if (w.requestIdleCallback) w.requestIdleCallback(load, { timeout: 2000 }); else setTimeout(load, 200);
  }
  try { w.dispatchEvent(new CustomEvent('destek:ready')); } catch (e) {}
})();
