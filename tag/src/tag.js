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
  // A data-* attribute, else the query parameter of that name in the tag's
  // URL (t.js?site=www), for loaders that cannot set attributes (GTM).
  var attr = (n) => { return script.getAttribute('data-' + n) || new URL(script.src).searchParams.get(n); };
  var endpoint = script.src.replace(/\/t\.js([?#].*)?$/, '');
  var site = attr('site') || '';
  var needConsent = attr('consent') == 'required';
  var files = new RegExp('\\.(' + (attr('downloads') || 'pdf|docx?|xlsx?|pptx?|zip|csv|txt|rtf|key|od[tsp]|gz|dmg|exe|msi') + ')$', 'i');
  // localStorage keys: bt_q (the queue), bt_aid (visitor id), bt_consent,
  // bt_optout, bt_strip (query parameters clean() drops).
  var get = (k) => { try { return localStorage[k]; } catch (e) { } };
  var set = (k, v) => { try { v == null ? delete localStorage[k] : localStorage[k] = v; } catch (e) { } };
  // 128 random bits (getRandomValues, unlike randomUUID, works on http pages too).
  var uuid = () => { return crypto.getRandomValues(new Uint32Array(4)).join('-'); };
  var aid = get('bt_aid'); // created with the first event sent: nothing is stored before consent
  var denied, updated; // Google consent mode: analytics_storage denied; an update seen
  var off = () => {
    return get('bt_optout') || denied || (needConsent && !get('bt_consent')) || (nav.globalPrivacyControl && attr('gpc') != 'ignore');
  };
  var forget = (keys) => { keys.map((k) => set(k)); aid = 0; };
  var queue = () => { try { return JSON.parse(get('bt_q')) || []; } catch (e) { return []; } };
  var save = (q) => { set('bt_q', q.length ? JSON.stringify(q.slice(-100)) : null); };
  var sending = {};

  // send posts what is queued; unloading uses sendBeacon, which gives no
  // answer, so those events stay queued and the next page resends them.
  var send = (unloading) => {
    var q = queue().filter((e) => { return !sending[e.messageId]; });
    if (!q.length || off()) return;
    var body = JSON.stringify({ batch: q, sentAt: new Date().toISOString() });
    // A string body goes as text/plain: no CORS preflight.
    if (unloading) return nav.sendBeacon(endpoint + '/e', body);
    var ids = q.map((e) => { sending[e.messageId] = 1; return e.messageId; });
    fetch(endpoint + '/e', { method: 'POST', body: body, keepalive: body.length < 6e4, credentials: 'include' })
      .then((r) => { if (r.status < 500) save(queue().filter((e) => { return !ids.includes(e.messageId); })); }, () => { })
      .then(() => { ids.map((i) => delete sending[i]); });
  };

  var track = (type, props, extra) => {
    if (off()) return;
    if (!aid) set('bt_aid', aid = uuid());
    var e = {
      type: type, messageId: uuid(), anonymousId: aid, site: site, timestamp: new Date().toISOString(), properties: props || {},
      context: { webdriver: nav.webdriver || undefined, consent: needConsent || updated ? 'granted' : undefined }, // undefined: left out
    };
    Object.assign(e, extra);
    var q = queue();
    q.push(e);
    save(q);
    send();
  };

  var EMAIL = /e-?mail|メール/i;
  var SECRET = /pass|token|csrf|secret|card|cvc|cvv|ccnum|暗証/i;
  // clean drops from a URL's query the parameters the tag would not send as
  // form fields (secret-like names; the names of refused fields of GET forms
  // submitted before, in bt_strip) and those whose value looks like an email
  // address. It is used for the page URL and the referrer.
  var clean = (u) => {
    if (u) {
      u = new URL(u);
      [...u.searchParams].map(([k, v]) => (SECRET.test(k) || (get('bt_strip') || '').split(' ').includes(k) || /\S@\S+\.\S/.test(v)) && u.searchParams.delete(k));
      return u.href;
    }
  };

  // page records a page view of a new URL; while collection is off it
  // records nothing, and the page is recorded when collection starts.
  var lastURL;
  var page = () => {
    if (off() || location.href == lastURL) return;
    track('page_view', { url: clean(location.href), title: d.title, referrer: clean(lastURL || d.referrer) });
    lastURL = location.href;
  };
  ['pushState', 'replaceState'].forEach((m) => {
    var orig = history[m];
    history[m] = function (...a) { setTimeout(page); return orig.apply(this, a); }; // keeps `this`
  });
  w.addEventListener('popstate', page);
  w.addEventListener('pageshow', (e) => { if (e.persisted) { lastURL = 0; page(); } });
  w.addEventListener('pagehide', () => { send(1); });

  var click = (e) => {
    if (e.button > 1) return; // auxclick: middle button only
    var a = e.target.closest && e.target.closest('a[href]');
    if (!a || /^(mailto|tel|javascript):/i.test(a.href)) return;
    if (a.hasAttribute('data-baton-download') || files.test(a.pathname)) track('download', { url: a.href, text: a.textContent.trim().slice(0, 100) });
    else if (a.host != location.host && /^https?:$/.test(a.protocol)) track('outbound', { url: a.href });
  };
  d.addEventListener('click', click, true);
  d.addEventListener('auxclick', click, true);

  d.addEventListener('submit', (e) => {
    try {
      var f = e.target, fields = {}, email, ignore = f.hasAttribute('data-baton-ignore'), strip = get('bt_strip') || '';
      [...f.elements].map((el) => {
        var n = el.name || el.id, t = el.type;
        if (!n || el.disabled || (/^(checkbox|radio)$/.test(t) && !el.checked)) return; // not submitted
        if (ignore || el.hasAttribute('data-baton-ignore') || /^(password|hidden|file|submit|button|reset|image)$/.test(t) ||
          /^cc-/.test(el.autocomplete) || SECRET.test(n)) {
          // Refused. A GET form puts it in the next page's URL: clean() drops it there.
          if (f.method == 'get') strip += ' ' + el.name;
          return;
        }
        var v = (el.value + '').slice(0, 500);
        if (t == 'email' || EMAIL.test([n, el.placeholder, ((el.labels || [])[0] || 0).textContent])) email = email || v;
        fields[n] = v;
      });
      if (email && !ignore) {
        fields.email = email;
        track('form_submit', { url: clean(location.href), title: d.title, form: { id: f.id, name: f.getAttribute('name') || '', action: f.action }, fields: fields });
      }
      if (!off()) set('bt_strip', strip.slice(-2e3));
    } catch (err) { }
  }, true);

  var api = (cmd, a, b) => {
    if (cmd == 'page') { lastURL = 0; page(); }
    else if (cmd == 'track') track('custom', b, { event: a });
    else if (cmd == 'identify') track('identify', {}, { traits: a });
    else if (cmd == 'consent') {
      if (a) { set('bt_optout'); set('bt_consent', 1); page(); }
      else {
        forget(['bt_q', 'bt_aid', 'bt_consent', 'bt_strip']);
        set('bt_optout', 1);
        fetch(endpoint + '/optout', { method: 'POST', credentials: 'include' }).catch(() => { });
      }
    }
  };

  // Google consent mode v2: gtag('consent', 'default' | 'update', {...})
  // pushes its arguments to dataLayer. While analytics_storage is 'denied'
  // nothing is collected. A default never overrides a denied default nor an
  // update; an update to 'denied' also removes the tag's id and queue.
  // gtag returns whether a was such a command.
  var gtag = (a) => {
    var v = a && a[0] == 'consent' && (a[2] || 0).analytics_storage;
    if (v) {
      if (a[1] == 'update') (updated = 1, denied = v == 'denied') && forget(['bt_q', 'bt_aid']);
      else if (!updated) denied = denied || v == 'denied';
      return 1;
    }
  };
  var dl = w.dataLayer = w.dataLayer || [], push = dl.push; // Tag Manager's wrapper, or any other, is chained
  dl.map(gtag);
  dl.push = function (...a) {
    if (a.filter(gtag)[0]) page();
    return push.apply(this, a);
  };

  var pending = (w.baton || 0).q || [];
  w.baton = api;
  send();
  page();
  pending.forEach((args) => { api(...args); });
})(window, document, navigator);
