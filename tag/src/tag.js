// Baton website tag. Built by `go generate ./tag` into dist/t.js (esbuild,
// ES2020). Snippet:
//   <script async src="https://<baton host>/t.js" data-site="www"></script>
//   <script>window.baton=window.baton||function(){(baton.q=baton.q||[]).push(arguments)}</script>
//
// Every event is written to a bounded queue in localStorage before it is
// sent and removed when the collector answers, so an event survives a
// failed send or a page that unloads first; the server stores each
// messageId once, so sending twice is harmless. 4xx answers are never retried.
//
// Written for its gzipped size (the budget is in tag_test.go): events go in
// the collector's compact form (one-letter keys, times in ms: see tagWire in
// internal/event), and one 200 ms check finds single-page-app navigations
// and Google consent mode changes, instead of wrapping history and dataLayer.
((w, d, nav, script, loc) => {
  if (!script || w.__baton) return;
  w.__baton = 1;
  var src = new URL(script.src);
  // A data-* attribute, else the query parameter of that name in the tag's
  // URL (t.js?site=www), for loaders that cannot set attributes (GTM).
  var attr = (n) => script.dataset[n] || src.searchParams.get(n);
  var site = attr('site');
  var needConsent = attr('consent') == 'required';
  var files = RegExp('\\.(' + (attr('downloads') || 'pdf|(doc|xls|ppt)x?|zip|csv|txt|rtf|key|od[tsp]|gz|dmg|exe|msi') + ')$', 'i');
  // localStorage: store(k) reads, store(k, v) writes (and returns v),
  // store(k, 0 or '') removes. Keys: bt_q (the queue), bt_aid (visitor id),
  // bt_consent, bt_optout, bt_strip (query parameters clean() drops).
  var store = (k, v) => {
    try {
      var s = localStorage;
      return v ? s[k] = v : v == 0 ? delete s[k] : s[k];
    } catch (e) { }
  };
  // 128 random bits (getRandomValues, unlike randomUUID, works on http pages too).
  var uuid = () => crypto.getRandomValues(new Uint32Array(4)).join('-');
  var aid = store('bt_aid'); // created with the first event sent: nothing is stored before consent
  var updated, last;
  var forget = (...keys) => { aid = 0; ['bt_q', 'bt_aid', ...keys].map((k) => store(k, 0)); };

  // off says whether collection is off. Google consent mode v2:
  // gtag('consent', 'default' | 'update', {...}) pushes its arguments to
  // dataLayer, read here each time: while analytics_storage is 'denied'
  // nothing is collected. A default never overrides a denied default nor an
  // update; an update to 'denied' (consent withdrawn) also removes the
  // tag's id and queue.
  var off = (denied, v) => {
    updated = false;
    for (var a of w.dataLayer || []) {
      if (v = a?.[0] == 'consent' && a[2]?.analytics_storage) {
        a[1] == 'update' ? (updated = true, denied = v == 'denied') : updated || (denied ||= v == 'denied');
      }
    }
    updated && denied && forget();
    return store('bt_optout') || denied || needConsent && !store('bt_consent') || nav.globalPrivacyControl && attr('gpc') != 'ignore';
  };
  var queue = () => { try { return JSON.parse(store('bt_q')) || []; } catch (e) { return []; } };
  var save = (q) => store('bt_q', q.length && JSON.stringify(q.slice(-100)));

  // send posts events (the new one, or what earlier pages left queued) and
  // unqueues them when answered: those the body holds, whatever their form
  // (an older tag queued them in the Segment one). Unloading uses
  // sendBeacon, which gives no answer: those events stay queued and the
  // next page resends them. A string body goes as text/plain: no CORS
  // preflight.
  var send = (q, unloading, body = JSON.stringify({ b: q, sent: Date.now() }), url = new URL('e', src)) => {
    q[0] && !off() && (unloading ? nav.sendBeacon(url, body) : fetch(url, { method: 'POST', body, keepalive: body.length < 6e4, credentials: 'include' })
      .then((r) => r.status < 500 && save(queue().filter((e) => !body.includes(JSON.stringify(e)))), () => { }));
  };

  // track queues and sends one event: t type, p properties, n the custom
  // event's name or the identify traits; c: sent under consent.
  var track = (t, p, n, q = queue(), e) => {
    off() || (q.push(e = { t, p, n, i: uuid(), a: aid ||= uuid(), s: site, ts: Date.now(), w: nav.webdriver, c: needConsent || updated }), store('bt_aid', aid), save(q), send([e]));
  };

  var EMAIL = /e-?mail|メール/i;
  // Refused form fields: by type (password, hidden, file, buttons; at the
  // start of [type, autocomplete, name]), card autocomplete (cc-*), and
  // secret-like names. clean() tests ",name": only the names part applies.
  var REFUSED = /^(pas|hid|fil|sub|but|res|ima)|\bcc-|pass|token|csrf|secret|card|cvc|cvv|ccnum|暗証|パスワ|カード番/i;
  // clean drops from a URL's query the parameters the tag would not send as
  // form fields (secret-like names; the names of refused fields of GET forms
  // submitted before, in bt_strip) and those whose value looks like an email
  // address. It is used for the page URL and the referrer.
  var clean = (u) => {
    if (u) {
      u = new URL(u);
      [...u.searchParams].map(([k, v]) => (REFUSED.test([, k]) || store('bt_strip')?.split(' ').includes(k) || /\S@\S+\.\S/.test(v)) && u.searchParams.delete(k));
      return u.href;
    }
  };

  // page records a page view of a new URL; while collection is off it
  // records nothing, and the page is recorded when collection starts.
  var page = () => {
    if (!off() && loc.href != last) {
      track('page', { url: clean(loc.href), title: d.title, referrer: clean(last || d.referrer) });
      last = loc.href;
    }
  };
  var on = (type, f, target = w) => target.addEventListener(type, f, 1);
  on('pageshow', (e) => e.persisted && page(last = 0)); // back-forward cache restore
  on('pagehide', () => send(queue(), 1));

  // Clicks (auxclick: the middle button) on http(s) links: downloads and
  // outbound links.
  var click = (e, a, t) => {
    a = e.button < 2 && e.target.closest?.('a[href]');
    /^https?:$/.test(a?.protocol) && (t = a.hasAttribute('data-baton-download') || files.test(a.pathname) ? 'download' : a.host != loc.host && 'outbound') &&
      track(t, { url: a.href, text: a.textContent.trim().slice(0, 100) });
  };
  on('click', click, d);
  on('auxclick', click, d);

  // Form submits with an email field identify the visitor. The listener only
  // reads, and swallows its errors: the page's own submit always proceeds.
  // A field whose name has a digit (a form builder's text-123) also sends
  // its label, for the collector to tell what it holds (not a checkbox's
  // or radio's: their label is the option's).
  on('submit', (e) => {
    try {
      var f = e.target, fields = {}, labels = {}, email, ignore = f.hasAttribute('data-baton-ignore'), strip = store('bt_strip') || '';
      for (var el of f.elements) {
        // l: the field's label, without the text of a control inside it (a
        // wrapping label's select holds its options' text).
        var n = el.name || el.id, t = el.type, v = (el.value + '').slice(0, 500), box = /^(ch|rad)/.test(t),
          l = el.labels?.[0]?.textContent.replace(el.textContent, '') || el.ariaLabel;
        if (!n || el.disabled || box && !el.checked) continue; // not submitted
        if (ignore || el.hasAttribute('data-baton-ignore') || REFUSED.test([t, el.autocomplete, n, l])) {
          // Refused. A GET form puts it in the next page's URL: clean() drops it there.
          if (f.method == 'get') strip += ' ' + el.name;
        } else {
          if (t == 'email' || EMAIL.test([n, el.placeholder, l])) email ||= v;
          fields[n] = v;
          if (/\d/.test(n) && !box) labels[n] = l || el.placeholder; // a checkbox's or radio's label is its option's
        }
      }
      if (email && !ignore) {
        fields.email = email;
        track('form_submit', { url: clean(loc.href), title: d.title, form: { id: f.id, name: f.getAttribute('name'), action: f.action }, fields, labels });
      }
      off() || store('bt_strip', strip.slice(-2e3));
    } catch (err) { }
  }, d);

  var api = (cmd, a, b) => {
    cmd == 'page' ? page(last = 0)
      : cmd == 'consent' ? (a ? (store('bt_optout', 0), store('bt_consent', 1), page())
        : (forget('bt_consent', 'bt_strip'), store('bt_optout', 1), nav.sendBeacon(new URL('optout', src))))
        : /^(track|identify)$/.test(cmd) && track(cmd, b, a);
  };

  var pending = w.baton?.q || [];
  w.baton = api;
  send(queue());
  page();
  pending.map((args) => api(...args));
  setInterval(page, 200); // single-page-app navigations (pushState, replaceState, back and forward), consent granted
})(window, document, navigator, document.currentScript, location);
