// Baton website tag. Built by `go generate ./tag` into dist/t.js (esbuild,
// ES2020). Snippet:
//   <script async src="https://<baton host>/t.js" data-site="www"></script>
//   <script>window.baton=window.baton||function(){(baton.q=baton.q||[]).push(arguments)}</script>
//
// Every event is written to a bounded queue in localStorage before it is
// sent and removed when the collector answers, so an event survives a
// failed send or a page that unloads first; the server stores each
// messageId once, so sending twice is harmless. 4xx answers are never
// retried, but for 429 (throttled: retried like a 5xx).
//
// Written for its gzipped size (the budget is in tag_test.go): events go in
// the collector's array form (values by position, times in ms: see
// tagarray.go in internal/event), and one check (every 100 ms: "100" is
// in the file already, "200" was not) finds single-page-app navigations
// and Google consent mode changes, instead of wrapping history and
// dataLayer. gzip already shares what repeats, so what costs is what appears
// once: one code path rather than two, a value used once written where it
// is used, no character the file would hold only there (its Japanese is
// escaped). The tag is a block, not a function: its let declarations stay
// out of the page's globals. Loaded twice (a snippet and Tag Manager), the
// second copy does nothing. The declarations come in the order that gzips
// smallest (found by trying orders), not in reading order: each is a
// function first called at the end, once all are declared, but for what
// runs as it is declared (the listeners after click, src after script).
// So do the terms of || chains, the alternatives of
// regexps and the values of arrays (the collector reads them in this
// order), where their order does not change the result.
//
// Not as a module: there it has no script element to read (currentScript
// is null: the first read of it throws, before any listener is added, and
// __baton, the script element once a copy runs, stays unset).
if (!self.__baton) {
  let script = self.__baton = document.currentScript;

  // baton(cmd, a, b): 'track' (a: the event's name, b: its properties),
  // 'identify' (a: traits), 'page', 'consent' (a: given or not). (Told
  // by their first letters: /^(id|tr)/ gzips smaller than two ==.)
  // baton('page') also makes the site's views its own (manual): the check
  // no longer records URL changes, as GA4 and Segment leave page views to
  // a site that sends them. Before, an app calling it after each route
  // change (once its data and title came) got a view from the check too.
  let api = (cmd, a, b) =>
    /^(id|tr)/.test(cmd) ? track(cmd, b, a) : cmd == 'page' ? page(manual = 1)
      // consent: true keeps bt_consent and drops bt_optout, false the
      // reverse, and forgets the visitor (no value leaves bt_consent, which
      // bt_optout outweighs, as it is).
      : cmd == 'consent' && (store('optout', !a), store('consent', a), a ? page() : forget());

  // forget has the collector drop its cookie (bt_vid: HttpOnly, the tag
  // cannot) and record the withdrawal for the visitor id, the beacon's body
  // (POST /optout, which consent granted again lifts): with the collector
  // on another site than the page the browser sends it no cookie, and the
  // withdrawal reached nobody. Then it removes the id and the queue: the
  // beacon's third argument, ignored, is evaluated after its body has read
  // the id (and the id goes first: save takes one argument).
  let forget = () => navigator.sendBeacon(new URL('optout', src), store('aid'), save([], store('aid', 0)));

  // track queues and sends one event (with what is still queued), an array
  // [a, w, i, c, s, t, n, p, ts]: a visitor id, w navigator.webdriver, i
  // message id, c sent under consent (truthy: the stored consent, or 1 for
  // a Google consent update), s site, t type ('d' download, 'o' outbound,
  // 's' form submit), n the custom event's name, the identify traits or a
  // form's email address (its field "email" for the collector), p
  // properties (for the tag's own types, by position too), ts time. While
  // collection is off nothing is recorded, nothing stored (the visitor id
  // is created with the first event).
  // The visitor id lives in storage (in memory for a page whose storage is
  // blocked: then each page is a new visitor, but its events belong
  // together), and only there: an id removed stays removed.
  let track = (t, p, n) =>
    off() || send([...queue(), [store('aid') || store('aid', uuid()), navigator.webdriver, uuid(), store('consent') || updated, attr('site'), t, n, p, +new Date]]);

  // seen: the URL the previous check saw; until the first view is
  // recorded (no check compares before), the URL the tag loaded on, the
  // landing page, kept in memory alone while collection is off.
  let seen = location.href;

  // send saves the queue q and posts it ([...events, sent ms]), and
  // unqueues what the body held when answered, whatever its form (older
  // tags queued events in the compact object form or the Segment one),
  // unless the answer is a 429 (API Gateway's throttling, the local stack's
  // rate limiter) or a 5xx: those events stay queued for the next send, as
  // after a network error. Another 4xx unqueues: a body the collector
  // refuses for good must not block the queue.
  // Unloading uses sendBeacon, which gives no answer: those
  // events stay queued and the next page resends them; a fetch the unload
  // cuts off leaves its events queued too, and the beacon carries them. A
  // string body goes as text/plain: no CORS preflight. fetch upper-cases
  // 'post' (one capital letter fewer in the file). The status is tested as
  // text (/^5|429/ gzips smaller than two comparisons), and the times are
  // +new Date (sharing "new " with new URL). send does not ask off(): its
  // callers (track, pagehide) do, before anything is read or stored.
  let send = (q, unloading, body = JSON.stringify([...q, +new Date]), url = new URL('e', src)) => (save(q),
    q.length && (unloading ? navigator.sendBeacon(url, body) : fetch(url, { method: 'post', credentials: 'include', body })
      .then((r) => /^5|429/.test(r.status) || save(queue().filter((e) => !body.includes(JSON.stringify(e)))), queue)));

  // queue reads bt_q, which save alone writes (JSON.stringify's JSON: no
  // try, a queue no other script writes does not fail to parse).
  let queue = () => JSON.parse(store('q') || '[]');

  let save = (q) => store('q', q.length && JSON.stringify(q.slice(-100)));

  // last: the URL of the last view.
  let last;

  // page records a page view (of the URL as it is, f: asked for by
  // baton('page') or a back-forward restore, with the previous view as its
  // referrer as any other's, not the document's referrer again: from
  // another site, that made each such view a new marketing touch). Else
  // the first view (!last: on load, or when collection starts), and a new
  // URL once two checks in a row have seen it (seen: the URL the previous
  // check saw), unless the site records its views (manual): routers set
  // the new page's title after its URL (in an effect, some ms later), and
  // a view recorded at first sight carried the previous page's title. The
  // check after is 100 ms later; pagehide records a new URL one check has
  // seen, so that leaving right after a route change loses no more than
  // before. While collection is off it records nothing, and the page is
  // recorded when collection starts. off() runs on every check, so that a
  // consent withdrawn is acted on. last becomes this URL in the last
  // argument, once the referrer is read.
  // The first view also carries the landing page's URL (seen, scrubbed as
  // the others; '' on every later view): collection that starts after an
  // in-app navigation (consent given, or granted in Google consent mode,
  // on /pricing after landing on /?utm_source=...&gclid=...) recorded
  // /pricing alone, from the document's referrer, and the visit's campaign
  // and ad click were lost. Where it differs from the URL, the collector
  // stores the landing view first (UTM, click id, the document's
  // referrer) and this view as from it (event.landingView): the tag's own
  // second event did not fit its size budget. Nothing of it is stored or
  // sent before collection starts.
  let page = (f) => !off() && (f || !last || !manual & seen == (seen = location.href) & seen != last) && track('page', [clean(location.href), document.title, clean(last || document.referrer), clean(last ? '' : seen, last = location.href)]);

  // localStorage, keys prefixed bt_: store(k) reads, store(k, v) writes (and
  // returns v), store(k, 0 or '') removes. Keys: bt_q (the queue), bt_aid
  // (visitor id), bt_consent, bt_optout, bt_strip (query parameters clean()
  // drops). Where localStorage throws (storage blocked: cookies disabled
  // for the site), the script element holds them (as its properties) for
  // the page, so that an opt-out or a consent given there still holds
  // until it unloads.
  let store = (k, v, s = script) => {
    try {
      s = localStorage;
    } catch { }
    try {
      return v ? s['bt_' + k] = v : v == 0 ? delete s['bt_' + k] : s['bt_' + k];
    } catch { }
  };

  // 160 random bits (getRandomValues, unlike randomUUID, works on http pages
  // too), joined by commas (the collector reads them as dashes).
  let uuid = () => crypto.getRandomValues(new Uint32Array(5))+'';

  // off says whether collection is off. Google consent mode v2:
  // gtag('consent', 'default' | 'update', {...}) pushes its arguments to
  // dataLayer, read here each time: while analytics_storage is 'denied'
  // nothing is collected. A default never overrides a denied default nor an
  // update; an update to 'denied' (consent withdrawn) also forgets the
  // visitor, as baton('consent', false) does (once: it removes the id).
  // Before, the collector's bt_vid cookie outlived it, and consent granted
  // again joined the new id to the old history.
  // (An expression. dataLayer?.map?.(: a dataLayer that is no array, a
  // site's own object of that name, holds no consent command; dataLayer?.map
  // threw on it, before the first view and on every click, and the page
  // was never collected. denied & updated: both 0/1 or boolean,
  // denied undefined without consent entries. data-consent is read on
  // each check, not kept: one declaration fewer. Any value of it asks for
  // consent ("required", as documented and as the GTM template writes it):
  // comparing cost 8 bytes, which pay for the landing page on the first
  // view, and a value other than "required" errs on the side of waiting.
  // Compared rather
  // than matched, 4 and 3 bytes fewer: 'e' > v is 'denied', not 'granted',
  // the two values there are; a[1] > 't' is 'update', not 'default', and a
  // word Google ignores counts as a default unless after 't' (a default
  // can only deny more).)
  let off = (denied, v) => (updated = 0, self.dataLayer?.map?.((a) => (v = a?.[0] == 'consent' && a[2]?.analytics_storage) && (denied = a[1] > 't' ? (updated = 1, 'e' > v) : denied | !updated & 'e' > v)),
    store('aid') && denied & updated && forget(),
    store('optout') || denied || !store('consent') && attr('consent') || navigator.globalPrivacyControl && attr('gpc') != 'ignore');

  // A data-* attribute, else the query parameter of that name in the tag's
  // URL (t.js?site=www), for loaders that cannot set attributes (GTM).
  let attr = (n) => script.dataset[n] || src.searchParams.get(n);

  // updated: off() found a consent update.
  let updated;

  let src = new URL(script.src);

  // clean drops from a URL's query the parameters the tag would not send as
  // form fields (secret-like names; the names of refused fields of GET forms
  // submitted before, in bt_strip), but for utm_ names (a form's hidden
  // utm_source must not strip a later campaign's), and those whose value
  // looks like an email address. It is used for the page URL and the
  // referrer. (bt_strip is ",a,,b,": tested as bt_strip?.includes(',k,'),
  // [, k, ,] as a string, which a name cut at the list's front never
  // matches; REFUSED tests ",k," too, the same as ",k" to it. The
  // space-separated list of older tags is not read: its names come back
  // when such a form is submitted again.)
  let clean = (u) => u && (u = new URL(u), [...u.searchParams].map(([k, v]) => (REFUSED.test([, k, ,]) || /.@.+\../.test(v) || store('strip')?.includes([, k, ,]) > /utm_/.test(k)) && u.searchParams.delete(k)), u.href);

  // Clicks (auxclick: the middle button) on http(s) links: downloads (a
  // link with the download attribute or data-baton-download, or inside an
  // element with it (closest: 6 bytes fewer than two hasAttribute), else by the
  // file extensions of data-downloads, a regexp alternation, else the
  // default list) and outbound links (/^http/ tests a.href: its protocol
  // is where it starts, 4 bytes fewer). A click a script dispatched on the
  // document or the window has no element, nor closest().
  let click = (e, a = 2 > e.button && e.target.closest?.('a'), t) =>
    /^http/.test(a?.href) && (t = a.closest('[download],[data-baton-download]') || RegExp('\\.(' + (attr('downloads') || 'key|od.|(doc|xls|ppt)x?|txt|gz|exe|csv|dmg|msi|rtf|pdf|zip') + ')$', 'i').test(a.pathname) ? 'd' : location.host != a.host && 'o') &&
      track(t, [a.textContent.trim().slice(0, 100), clean(a.href)]);

  // Refused form fields: by type (hidden, file, fieldset, buttons: at the
  // start of [type, name, label, autocomplete]), card autocomplete and
  // names (cc-number, ccnum), and secret-like names or labels (暗証番号,
  // 暗号, パスワード, カード番号: 暗|パス|カード, escaped, as is メール below:
  // a file of ASCII alone gzips smaller). clean() tests ",name": only the
  // names part applies.
  let REFUSED = /^([hfbi]|su|re)|secret|cv[cv]|token|ccnum|csrf|\u30ab\u30fc\u30c9\u756a|\u30d1\u30b9\u30ef|\u6697\u8a3c|card|\bcc-|pass/i;

  // manual: the site called baton('page').
  let manual;

  // Every listener on window (a global addEventListener is window's),
  // capturing (the 1): it sees the page's clicks and submits before any
  // handler of the page can stop them.
  // Leaving: a new URL one check has seen is recorded (page()), and the
  // queue goes out with sendBeacon.
  addEventListener('pagehide', () => off() || send(queue(page()), 1), 1);
  // A back-forward cache restore (persisted: f): the page itself its
  // referrer, not the document's again. On load, a check.
  addEventListener('pageshow', (e) => page(e.persisted), 1);
  addEventListener('auxclick', click, 1);
  addEventListener('click', click, 1);


  // Form submits with an email field identify the visitor. The listener only
  // reads, and swallows its errors: the page's own submit always proceeds.
  // A checkbox group sends its checked values comma-joined, a select
  // multiple its selected ones. Each field but
  // a checkbox or radio (whose label is the option's) also
  // sends its label, for the collector to tell what a field named like
  // text-123 holds.
  addEventListener('submit', (e, f = e.target, fields = {}, labels = {}, email) => {
    try {
      // (A map over the fields: gzips smaller than for-of. Its values are
      // parameters after the map's index and array, and its body an
      // expression: no var, no braces.)
      // l: the field's label, without the text of a control inside it (a
      // wrapping label's select holds its options' text), else its
      // aria-label, else its placeholder. v: its value, a select's
      // selected options' values comma-joined (a select multiple sent its
      // first alone before; none selected is '', as el.value was).
      // (box: a checkbox or radio, the only types with bo or io; box >
      // checked: one not checked, a boolean each.) A field not submitted
      // is skipped (!n || el.disabled || box > el.checked). n: its name,
      // else its id, else its label: a React form's controlled inputs
      // have neither name nor id (the app sends their values itself), and
      // skipped as unnamed, its address was not found and the submit lost.
      [...f.elements].map((el, i, all, v = ([...el.selectedOptions || [el]].map((o) => o.value) + '').slice(0, 2e3),
        l = el.labels?.[0]?.textContent.replace(el.textContent, '') || el.ariaLabel || el.placeholder,
        n = el.name || el.id || l, t = el.type, box = /io|bo/.test(t)) =>
        !n || el.disabled || box > el.checked || (el.closest('[data-baton-ignore]') || REFUSED.test([t, n, l, el.autocomplete])
          // Refused. A GET form puts it in the next page's URL: clean() drops
          // it there (bt_strip: names only, the last 2,000 characters; an
          // unnamed field's id too, which no URL holds). Its other fields
          // stay in that URL: a site search's or a filter's are the pages'
          // own (?s=, ?category=), and a GET form cannot be told from a
          // contact form within the tag's size budget (tag/README.md).
          ? f.method == 'get' && !off() && store('strip', ([store('strip'), n, ,] + '').slice(-2e3)) // [undefined, n, ,] + '' is ',n,'
          // The email: by type, name, label, autocomplete or placeholder
          // (mail, e-mail, メール: a table layout's <th>メールアドレス</th>
          // has no label, its field is often name=mail; a form builder's
          // field_3 may say it by autocomplete="email" alone: before, its
          // submit was lost), but no checkbox or radio (a
          // contact method メール, a newsletter's メールマガジン: an option,
          // no address). What is no address (a select メールマガジン before
          // the field) the collector leaves for the form's fields to give.
          // Fields of one name (a checkbox group's checked boxes, tel[]
          // parts) are comma-joined in the form's order, a string as the
          // collector takes a field's value (an empty first value is left
          // out); before, the last one alone was sent.
          : (box || (labels[n] = l, /mail|\u30e1\u30fc\u30eb/i.test([t, n, l, el.autocomplete, el.placeholder]) && (email = email || v)), fields[n] = fields[n] ? fields[n] + ',' + v : v)));
      // An ignored form has refused every field: no email. The form's id
      // and action are its attributes: f.id and f.action are its fields
      // of those names where it has them (WordPress's hidden action=),
      // and f.action without one is the page's URL, secrets and all.
      if (email) {
        track('s', [clean(location.href), document.title, fields, f.getAttribute('id'), f.getAttribute('name'), f.getAttribute('action'), labels], email);
      }
    } catch { }
  }, 1);
  // Calls queued before the tag loaded run first: an opt-out or a consent
  // made then applies to this page's view.
  self.baton?.q?.map((args) => api(...args));
  self.baton = api;
  page();
  setInterval(page, 100); // single-page-app navigations (pushState, replaceState, back and forward), consent granted or withdrawn
}