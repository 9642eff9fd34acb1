// Baton website tag. Built by `go generate ./tag` into dist/t.js (esbuild).
// Snippet:
//   <script async src="https://<baton host>/t.js" data-site="www"></script>
//   <script>window.baton=window.baton||function(){(baton.q=baton.q||[]).push(arguments)}</script>
//
// Every event is written to a bounded queue in localStorage before it is
// sent and removed when the collector answers, so an event survives a
// failed send or a page that unloads first; the server stores each
// messageId once, so sending twice is harmless. 4xx answers are never retried.
((w, d, nav) => {
  var script = d.currentScript;
  if (!script || w.__baton) return;
  w.__baton = 1;
  var attr = (n) => { return script.getAttribute('data-' + n); };
  var endpoint = script.src.replace(/\/t\.js([?#].*)?$/, '');
  var site = attr('site') || '';
  var needConsent = attr('consent') == 'required';
  var files = new RegExp('\\.(' + (attr('downloads') || 'pdf|docx?|xlsx?|pptx?|zip|csv|txt|rtf|key|odt|ods|odp|gz|dmg|exe|msi') + ')$', 'i');
  var QUEUE = 'bt_q', AID = 'bt_aid', CONSENT = 'bt_consent', OPTOUT = 'bt_optout';
  var store = {};
  try { store = w.localStorage; } catch (e) { }
  var get = (k) => { try { return store.getItem(k); } catch (e) { } };
  var set = (k, v) => { try { v == null ? store.removeItem(k) : store.setItem(k, v); } catch (e) { } };
  var uuid = () => {
    return crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2);
  };
  var aid = get(AID); // created with the first event sent: nothing is stored before consent
  var off = () => {
    return get(OPTOUT) || (needConsent && !get(CONSENT)) || (nav.globalPrivacyControl && attr('gpc') != 'ignore');
  };
  var queue = () => { try { return JSON.parse(get(QUEUE)) || []; } catch (e) { return []; } };
  var save = (q) => { set(QUEUE, q.length ? JSON.stringify(q.slice(-100)) : null); };
  var drop = (ids) => { save(queue().filter((e) => { return ids.indexOf(e.messageId) < 0; })); };
  var sending = {};

  // send posts what is queued; unloading uses sendBeacon, which gives no
  // answer, so those events stay queued and the next page resends them.
  var send = (unloading) => {
    var q = queue().filter((e) => { return !sending[e.messageId]; });
    if (!q.length || off()) return;
    var body = JSON.stringify({ batch: q, sentAt: new Date().toISOString() });
    if (unloading && nav.sendBeacon) return nav.sendBeacon(endpoint + '/e', new Blob([body], { type: 'text/plain' }));
    var ids = q.map((e) => { sending[e.messageId] = 1; return e.messageId; });
    fetch(endpoint + '/e', { method: 'POST', body: body, keepalive: body.length < 6e4, credentials: 'include', headers: { 'Content-Type': 'text/plain' } })
      .then((r) => { if (r.status < 500) drop(ids); })
      .catch(() => { })
      .then(() => { ids.forEach((i) => { delete sending[i]; }); });
  };

  var track = (type, props, extra) => {
    if (off()) return;
    if (!aid) set(AID, aid = uuid());
    var e = { type: type, messageId: uuid(), anonymousId: aid, site: site, timestamp: new Date().toISOString(), properties: props || {}, context: {} };
    if (nav.webdriver) e.context.webdriver = true;
    if (needConsent) e.context.consent = 'granted';
    for (var k in extra) e[k] = extra[k];
    var q = queue();
    q.push(e);
    save(q);
    send();
  };

  var lastURL, referrer = d.referrer;
  var page = () => {
    if (location.href == lastURL) return;
    track('page_view', { url: location.href, title: d.title, referrer: lastURL || referrer });
    lastURL = location.href;
  };
  ['pushState', 'replaceState'].forEach((m) => {
    var orig = history[m];
    history[m] = function () { var r = orig.apply(this, arguments); setTimeout(page); return r; }; // keeps `this`
  });
  w.addEventListener('popstate', page);
  w.addEventListener('pageshow', (e) => { if (e.persisted) { lastURL = 0; page(); } });
  w.addEventListener('pagehide', () => { send(1); });

  var click = (e) => {
    if (e.type == 'auxclick' && e.button != 1) return;
    var a = e.target.closest && e.target.closest('a[href]');
    if (!a || /^(mailto|tel|javascript):/i.test(a.href)) return;
    if (a.hasAttribute('data-baton-download') || files.test(a.pathname)) track('download', { url: a.href, text: (a.textContent || '').trim().slice(0, 100) });
    else if (a.host && a.host != location.host && /^https?:$/.test(a.protocol)) track('outbound', { url: a.href });
  };
  d.addEventListener('click', click, true);
  d.addEventListener('auxclick', click, true);

  var EMAIL = /e-?mail|メール/i;
  var SECRET = /pass|token|csrf|secret|card|cvc|cvv|ccnum|暗証/i;
  var label = (el) => {
    var l = el.labels && el.labels[0];
    return (l && l.textContent) || '';
  };
  d.addEventListener('submit', (e) => {
    try {
      var f = e.target, fields = {}, email;
      if (f.hasAttribute('data-baton-ignore')) return;
      [].forEach.call(f.elements, (el) => {
        var n = el.name || el.id, t = el.type;
        if (!n || el.disabled || el.hasAttribute('data-baton-ignore') || /^(password|hidden|file|submit|button|reset|image)$/.test(t) ||
          /^cc-/.test(el.autocomplete) || SECRET.test(n) || (/^(checkbox|radio)$/.test(t) && !el.checked)) return;
        var v = String(el.value).slice(0, 500);
        if (t == 'email' || EMAIL.test(n + ' ' + el.placeholder + ' ' + label(el))) email = email || v;
        fields[n] = v;
      });
      if (!email) return;
      fields.email = email;
      track('form_submit', { url: location.href, title: d.title, form: { id: f.id, name: f.getAttribute('name') || '', action: f.action }, fields: fields });
    } catch (err) { }
  }, true);

  var api = (cmd, a, b) => {
    if (cmd == 'page') { lastURL = 0; page(); }
    else if (cmd == 'track') track('custom', b, { event: a });
    else if (cmd == 'identify') track('identify', {}, { traits: a });
    else if (cmd == 'consent') {
      if (a) { set(OPTOUT); set(CONSENT, '1'); lastURL = 0; page(); send(); }
      else {
        [QUEUE, AID, CONSENT].forEach((k) => { set(k); });
        aid = 0;
        set(OPTOUT, '1');
        fetch(endpoint + '/optout', { method: 'POST', credentials: 'include' }).catch(() => { });
      }
    }
  };
  var pending = (w.baton && w.baton.q) || [];
  w.baton = function () { api.apply(0, arguments); };
  send();
  page();
  pending.forEach((args) => { api.apply(0, args); });
})(window, document, navigator);
