// Baton website tag. Built by `go generate ./tag` into dist/t.js (esbuild).
// Snippet:
//   <script async src="https://<baton host>/t.js" data-site="www"></script>
//   <script>window.baton=window.baton||function(){(baton.q=baton.q||[]).push(arguments)}</script>
//
// Every event is written to a bounded queue in localStorage before it is
// sent and removed when the collector answers, so an event survives a
// failed send or a page that unloads first; the server stores each
// messageId once, so sending twice is harmless. 4xx answers are never retried.
//
// Written for its gzipped size (the budget is in tag_test.go): one storage
// helper, the collector's URLs resolved against the tag's own.
((w, d, nav, script) => {
  if (!script || w.__baton) return;
  w.__baton = 1;
  var src = new URL(script.src);
  // A data-* attribute, else the query parameter of that name in the tag's
  // URL (t.js?site=www), for loaders that cannot set attributes (GTM).
  var attr = (n) => script.dataset[n] || src.searchParams.get(n);
  var site = attr('site');
  var needConsent = attr('consent') == 'required';
  var files = RegExp('\\.(' + (attr('downloads') || 'pdf|(doc|xls|ppt)x?|zip|csv|txt|rtf|key|od[tsp]|gz|dmg|exe|msi') + ')$', 'i');
  // localStorage: store(k) reads, store(k, v) writes, store(k, 0 or '')
  // removes. Keys: bt_q (the queue), bt_aid (visitor id), bt_consent,
  // bt_optout, bt_strip (query parameters clean() drops).
  var store = (k, v) => {
    try {
      var s = localStorage;
      return v ? s[k] = v : v == 0 ? delete s[k] : s[k];
    } catch (e) { }
  };
  // 128 random bits (getRandomValues, unlike randomUUID, works on http pages too).
  var uuid = () => crypto.getRandomValues(new Uint32Array(4)).join('-');
  var now = () => new Date().toISOString();
  var aid = store('bt_aid'); // created with the first event sent: nothing is stored before consent
  var denied, updated; // Google consent mode: analytics_storage denied; an update seen
  var off = () => store('bt_optout') || denied || needConsent && !store('bt_consent') || nav.globalPrivacyControl && attr('gpc') != 'ignore';
  var forget = (...keys) => { aid = 0; ['bt_q', 'bt_aid', ...keys].map((k) => store(k, 0)); };
  var queue = () => { try { return JSON.parse(store('bt_q')) || []; } catch (e) { return []; } };
  var save = (q) => store('bt_q', q.length && JSON.stringify(q.slice(-100)));

  // send posts events (the new one, or what earlier pages left queued) and
  // unqueues them when answered. Unloading uses sendBeacon, which gives no
  // answer: those events stay queued and the next page resends them. A
  // string body goes as text/plain: no CORS preflight.
  var send = (q, unloading) => {
    if (q[0] && !off()) {
      var body = JSON.stringify({ batch: q, sentAt: now() }), url = new URL('e', src);
      unloading ? nav.sendBeacon(url, body) : fetch(url, { method: 'POST', body, keepalive: body.length < 6e4, credentials: 'include' })
        .then((r) => r.status < 500 && save(queue().filter((e) => !q.some((s) => s.messageId == e.messageId))), () => { });
    }
  };

  var track = (type, props, extra) => {
    if (!off()) {
      aid || store('bt_aid', aid = uuid());
      var e = Object.assign({
        type, messageId: uuid(), anonymousId: aid, site, timestamp: now(), properties: props,
        context: { webdriver: nav.webdriver, consent: needConsent || updated ? 'granted' : '' },
      }, extra);
      var q = queue();
      q.push(e);
      save(q);
      send([e]);
    }
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
      [...u.searchParams].map(([k, v]) => (SECRET.test(k) || (store('bt_strip') || '').split(' ').includes(k) || /\S@\S+\.\S/.test(v)) && u.searchParams.delete(k));
      return u.href;
    }
  };

  // page records a page view of a new URL; while collection is off it
  // records nothing, and the page is recorded when it starts.
  var last;
  var page = () => {
    if (!off() && location.href != last) {
      track('page_view', { url: clean(location.href), title: d.title, referrer: clean(last || d.referrer) });
      last = location.href;
    }
  };
  var on = (type, f, target = w) => target.addEventListener(type, f, 1);
  ['pushState', 'replaceState'].map((m, orig) => {
    orig = history[m];
    history[m] = function () { setTimeout(page); return orig.apply(this, arguments); }; // keeps `this`
  });
  on('popstate', page);
  on('pageshow', (e) => e.persisted && page(last = 0));
  on('pagehide', () => send(queue(), 1));

  // Clicks (auxclick: the middle button) on http(s) links: downloads and
  // outbound links.
  var click = (e, a) => {
    a = e.button < 2 && e.target.closest && e.target.closest('a[href]');
    if (a && /^https?:$/.test(a.protocol)) {
      a.hasAttribute('data-baton-download') || files.test(a.pathname) ? track('download', { url: a.href, text: a.textContent.trim().slice(0, 100) })
        : a.host != location.host && track('outbound', { url: a.href });
    }
  };
  on('click', click, d);
  on('auxclick', click, d);

  // Form submits with an email field identify the visitor. The listener only
  // reads, and swallows its errors: the page's own submit always proceeds.
  on('submit', (e) => {
    try {
      var f = e.target, fields = {}, email, ignore = f.hasAttribute('data-baton-ignore'), strip = store('bt_strip') || '';
      for (var el of f.elements) {
        var n = el.name || el.id, t = el.type, v = (el.value + '').slice(0, 500);
        if (!n || el.disabled || /^(ch|rad)/.test(t) && !el.checked) continue; // not submitted
        if (ignore || el.hasAttribute('data-baton-ignore') || /^(pas|hid|fil|sub|but|res|ima)/.test(t) || /^cc-/.test(el.autocomplete) || SECRET.test(n)) {
          // Refused. A GET form puts it in the next page's URL: clean() drops it there.
          if (f.method == 'get') strip += ' ' + el.name;
        } else {
          if (t == 'email' || EMAIL.test([n, el.placeholder, ((el.labels || [])[0] || 0).textContent])) email = email || v;
          fields[n] = v;
        }
      }
      if (email && !ignore) {
        fields.email = email;
        track('form_submit', { url: clean(location.href), title: d.title, form: { id: f.id, name: f.getAttribute('name'), action: f.action }, fields });
      }
      off() || store('bt_strip', strip.slice(-2e3));
    } catch (err) { }
  }, d);

  var api = (cmd, a, b) => {
    cmd == 'page' ? page(last = 0)
      : cmd == 'track' ? track('custom', b, { event: a })
        : cmd == 'identify' ? track('identify', {}, { traits: a })
          : cmd == 'consent' && (a ? (store('bt_optout', 0), store('bt_consent', 1), page())
            : (forget('bt_consent', 'bt_strip'), store('bt_optout', 1), fetch(new URL('optout', src), { method: 'POST', credentials: 'include' }).catch(() => { })));
  };

  // Google consent mode v2: gtag('consent', 'default' | 'update', {...})
  // pushes its arguments to dataLayer. While analytics_storage is 'denied'
  // nothing is collected. A default never overrides a denied default nor an
  // update; an update to 'denied' also removes the tag's id and queue.
  // gtag returns whether a was such a command.
  var gtag = (a) => {
    var v = a && a[0] == 'consent' && (a[2] || 0).analytics_storage;
    if (v) {
      a[1] == 'update' ? (updated = 1, denied = v == 'denied') && forget() : updated || (denied = denied || v == 'denied');
      return 1;
    }
  };
  var dl = w.dataLayer = w.dataLayer || [], push = dl.push; // Tag Manager's wrapper, or any other, is chained
  dl.map(gtag);
  dl.push = function (...a) {
    a.filter(gtag)[0] && page();
    return push.apply(this, a);
  };

  var pending = (w.baton || 0).q || [];
  w.baton = api;
  send(queue());
  page();
  pending.map((args) => api(...args));
})(window, document, navigator, document.currentScript);
