// Browser scenarios for the tag's tests: each runs in a fresh browser
// context of Debian's Chromium and prints one JSON line with what the Go
// test needs to check the server's store (the visitor id, what the page
// saw). The assertions themselves are in tag/browser_test.go, on what the
// server stored, not on what the script thinks it sent.
import { chromium } from 'playwright-core';

const site = process.env.SITE;         // test site base URL
const control = process.env.CONTROL;   // collector proxy control base URL
const only = process.env.SCENARIO;     // run these scenarios (debugging: a comma-separated list)

// The user agent is the browser's, not a context's: a context's does not
// reach the beacons a page sends as it unloads, which would arrive as
// HeadlessChrome's, a bot's. The bot scenario has a browser of its own,
// headless Chromium's user agent on every request.
const launch = (ua) => chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  ignoreDefaultArgs: ['--disable-back-forward-cache'], // Playwright turns it off; the bfcache scenario needs it
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-blink-features=AutomationControlled', ...(ua ? [`--user-agent=${ua}`] : [])],
});

// A desktop Chrome's user agent: headless Chromium's own ("HeadlessChrome")
// is rightly flagged as a bot by the collector, and bots never identify
// anyone. The "bot" scenario keeps it, to see that flag.
const desktopUA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

// settle gives the tag time to run, then waits (up to 5 s) for its queue to
// empty: the collector answered, so what it was sent is stored. A loaded
// machine answers later than a fixed wait; a queue that cannot empty (the
// collector down) just waits the 5 s out.
const settle = async (page) => {
  await page.waitForTimeout(400);
  // (With storage blocked there is no queue to see: see sends.)
  await page.waitForFunction(() => { try { return !localStorage.getItem('bt_q'); } catch { return true; } }, null, { timeout: 5000 }).catch(() => {});
  await page.settled?.();
};
// The visitor id as the collector reads it: the tag joins its random
// numbers with commas, which the collector reads as dashes.
const aid = (page) => page.evaluate(() => localStorage.getItem('bt_aid')?.replaceAll(',', '-'));
const queued = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('bt_q') || '[]').length);
const stored = (page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('bt_')).sort());
// The collector's visitor cookie: the visitor id when the tag has no storage.
const visitorCookie = async (page) => (await page.context().cookies(process.env.COLLECTOR)).find((c) => c.name == 'bt_vid')?.value;
// Storage blocked, as with cookies disabled for the site: localStorage throws.
const blockStorage = () => Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });
// sends counts a page's requests to the collector's /e and makes settle,
// for a page whose storage is blocked (no queue to see), wait for their
// answers: sends(page) once, then settle(page) and sends.count.
const sends = (page) => {
  const out = { count: 0, pending: 0 };
  page.on('request', (r) => { if (new URL(r.url()).pathname == '/e') out.count++, out.pending++; });
  const done = (r) => { if (new URL(r.url()).pathname == '/e') out.pending--; };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  page.settled = async () => { for (let i = 0; i < 100 && out.pending > 0; i++) await page.waitForTimeout(50); };
  return out;
};
// sentWith waits for the tag's request to /e whose body holds text (a
// view of that URL): a view the tag's check records comes 100 to 200 ms
// after the URL changed (two checks), on a loaded machine later than
// settle's first wait.
const sentWith = (page, text) => page.waitForRequest((r) => new URL(r.url()).pathname == '/e' && (r.postData() || '').includes(text), { timeout: 5000 });
// ownTicks (an init script) hands the tag's check (the page's first
// setInterval: the test pages have none of their own) to the test: tick()
// runs it once, and nothing else does, so that what a check sees does not
// depend on a loaded machine's timers.
const ownTicks = () => {
  const setInterval = window.setInterval;
  window.setInterval = function (f, ...args) {
    if (!window.tick) return window.tick = f, 0;
    return setInterval.call(this, f, ...args);
  };
};
const collectorCookies = async (page) => (await page.context().cookies(process.env.COLLECTOR)).map((c) => c.name).join(',');

// outage visits a page while the collector answers as mode says (control
// path), does during, then visits another page once it is back: what was
// queued, and what is left.
async function outage(page, mode, during = async () => {}) {
  await fetch(control + mode);
  await page.goto(site + '/index.html');
  await settle(page);
  await during();
  const id = await aid(page);
  const waiting = await queued(page);
  await fetch(control + '/up');
  await page.goto(site + '/jp.html');
  await settle(page);
  return { aid: id, waiting, after: await queued(page) };
}

const scenarios = {
  async pageview(page) {
    await page.goto(site + '/index.html');
    await settle(page);
    return { aid: await aid(page) };
  },
  async identify(page) {
    await page.goto(site + '/index.html');
    await settle(page);
    await page.evaluate(() => baton('identify', { email: 'api.user@example.com', company: 'API Co' }));
    await settle(page);
    return { aid: await aid(page) };
  },
  async spa(page) {
    await page.goto(site + '/index.html');
    await settle(page);
    const step2 = sentWith(page, '/spa/step2'); // the tag's own checks, on real timers
    await page.click('#spa');
    await step2;
    await settle(page);
    await page.goBack(); // popstate
    await settle(page);
    return { aid: await aid(page) };
  },
  // A single-page app that records its views itself, as the README
  // suggests: baton('page') after its pushState, then again for a view
  // that keeps the URL (a wizard's next step).
  async spapage(page) {
    await page.goto(site + '/thanks.html');
    await settle(page);
    await Promise.all([page.waitForURL(/index/), page.click('#home')]); // index.html's referrer: thanks.html
    await settle(page);
    await page.evaluate(() => { history.pushState({}, '', '/spa/manual'); baton('page'); });
    await settle(page);
    await page.evaluate(() => baton('page'));
    await settle(page);
    return { aid: await aid(page) };
  },
  // A router that sets the new page's title after its URL (React's and
  // Vue's do, in an effect or a hook some ms later): the tag's check saw
  // the new URL once, then the title changed (ticks: the tag's checks,
  // run by the test).
  async spatitle(page) {
    await page.addInitScript(ownTicks);
    await page.goto(site + '/index.html');
    await settle(page);
    await page.evaluate(() => { history.pushState({}, '', '/spa/pricing'); tick(); document.title = 'Pricing'; tick(); tick(); });
    await settle(page);
    return { aid: await aid(page) };
  },
  // An app that records its views with baton('page') after each route
  // change, here once its data (and title) came, after the tag's checks
  // saw the new URL: one view each, not the app's and the tag's.
  async spamanual(page) {
    await page.addInitScript(ownTicks);
    await page.goto(site + '/index.html');
    await settle(page);
    await page.evaluate(() => { history.pushState({}, '', '/spa/a'); document.title = 'A'; baton('page'); tick(); });
    await settle(page);
    await page.evaluate(() => { history.pushState({}, '', '/spa/b'); tick(); tick(); tick(); document.title = 'B'; baton('page'); tick(); });
    await settle(page);
    return { aid: await aid(page) };
  },
  // The visitor leaves right after a route change the tag's check has seen
  // once: the view is recorded as the page hides (before, as the check saw
  // it; a check seeing it twice comes 200 ms later, too late).
  async spaleave(page) {
    await page.addInitScript(ownTicks);
    await page.goto(site + '/index.html');
    await settle(page);
    const id = await aid(page);
    await page.evaluate(() => { history.pushState({}, '', '/spa/leaving'); document.title = 'Leaving'; tick(); });
    await page.goto(site + '/jp.html');
    await settle(page);
    return { aid: id };
  },
  async bfcache(page) {
    await page.goto(site + '/index.html', { referer: 'https://www.google.com/' }); // from a search: a marketing touch
    await settle(page);
    await page.evaluate(() => addEventListener('pageshow', (e) => { if (e.persisted) sessionStorage.setItem('restored', '1'); }));
    await page.goto(site + '/jp.html');
    await settle(page);
    await page.goBack({ waitUntil: 'commit' }); // a restore fires pageshow, not load
    await settle(page);
    const restored = await page.evaluate(() => sessionStorage.getItem('restored'));
    return { aid: await aid(page), url: restored || '' };
  },
  async downloads(page) {
    await page.goto(site + '/index.html');
    await settle(page);
    await page.click('#pdf');
    await page.click('#forced');
    await page.click('#xlsx', { button: 'middle' });
    await page.click('#export', { modifiers: ['Control'] }); // a download attribute, no extension in the URL
    await page.click('#listed'); // inside an element marked data-baton-download
    await settle(page);
    return { aid: await aid(page) };
  },
  // A page's script dispatches clicks on the document and the window (a
  // library closing its menus): no element there, and the tag must not
  // throw into the page's error tracker (errors: the page's uncaught ones).
  async syntheticclick(page) {
    await page.goto(site + '/index.html');
    await settle(page);
    await page.evaluate(() => {
      document.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      dispatchEvent(new MouseEvent('auxclick', { button: 1 }));
    });
    await page.click('#pdf'); // still counted
    await settle(page);
    return { aid: await aid(page) };
  },
  async outbound(page) {
    await page.goto(site + '/index.html');
    await settle(page);
    await page.click('#outbound');
    await page.click('#internal', { noWaitAfter: true }).catch(() => {});
    await settle(page);
    return { aid: await aid(page), url: page.url() };
  },
  async form(page) {
    await page.goto(site + '/form.html');
    await settle(page);
    const id = await aid(page);
    await page.fill('[name=email]', 'Form.User@Example.com');
    await page.fill('[name=company]', 'Formco');
    await page.fill('[name=password]', 'hunter2-secret');
    await page.fill('[name=ccn]', '4111111111111111');
    await Promise.all([page.waitForURL(/thanks/), page.click('#send')]);
    await page.waitForSelector('#thanks');
    await settle(page);
    const url = page.url(); // the GET form's fields, secrets included, in the URL
    await Promise.all([page.waitForURL(/index/), page.click('#home')]); // thanks.html?... is now the referrer
    await settle(page);
    return { aid: id, url };
  },
  // A table-layout form (tableform.html): the address in name=mail after a
  // select labelled メールマガジン, hidden fields named action and id. And a
  // download link whose URL holds a token: sent cleaned (wire: what the
  // tag's requests carried).
  async tableform(page) {
    const wire = [];
    page.on('request', (r) => { if (new URL(r.url()).pathname == '/e') wire.push(r.postData() || ''); });
    await page.goto(site + '/tableform.html');
    await settle(page);
    const id = await aid(page);
    await page.click('#report', { button: 'middle' });
    await settle(page);
    await page.fill('[name=kaisha]', 'テーブル商事');
    await page.fill('[name=mail]', 'Table.Form@Example.co.jp');
    await Promise.all([page.waitForURL(/thanks/), page.click('#send')]);
    await settle(page);
    return { aid: id, url: wire.join('\n') };
  },
  // A hand-built GET form (getform.html, no method attribute): every field
  // in the thanks page's URL, then a link from there, then a later
  // campaign's landing with a utm_source (the form had a field of that name).
  async getform(page) {
    await page.goto(site + '/getform.html');
    await settle(page);
    const id = await aid(page);
    await page.fill('[name=your-name]', '小林 六郎');
    await page.fill('[name=text-123]', '中村商事株式会社');
    await page.fill('[name=tel-1]', '０９０－３３３３－４４４４');
    await page.fill('[name=your-email]', 'kobayashi.getform@example.jp');
    await page.fill('[name=your-message]', '至急連絡ください');
    await Promise.all([page.waitForURL(/thanks/), page.click('#send')]);
    await page.waitForSelector('#thanks');
    await settle(page);
    const url = page.url(); // the form's fields in the URL
    await Promise.all([page.waitForURL(/index/), page.click('#home')]); // thanks.html?... is now the referrer
    await settle(page);
    await page.goto(site + '/index.html?utm_source=letter&utm_medium=email&your-name=x');
    await settle(page);
    return { aid: id, url };
  },
  async ignoredform(page) {
    await page.goto(site + '/form.html');
    await settle(page);
    const id = await aid(page);
    await page.fill('#search [name=email]', 'ignored@example.com');
    await Promise.all([page.waitForURL(/thanks/), page.click('#search-send')]);
    await settle(page);
    return { aid: id };
  },
  async japanese(page) {
    await page.goto(site + '/jp.html');
    await settle(page);
    const id = await aid(page);
    await page.fill('[name=f1]', 'yamada@example.jp');
    await page.fill('[name=f2]', '山田商事');
    await Promise.all([page.waitForURL(/thanks/), page.click('#send')]);
    await settle(page);
    return { aid: id };
  },
  // A referral form (shokai.html): the referrer's address before the
  // sender's, which the tag sends as the form's address.
  async referrerform(page) {
    await page.goto(site + '/shokai.html');
    await settle(page);
    const id = await aid(page);
    await page.fill('[name=referrer_mail]', 'referrer@example.jp');
    await page.fill('[name=email]', 'newcomer@example.jp');
    await page.fill('#nm', '新規 太郎');
    await Promise.all([page.waitForURL(/thanks/), page.click('#send')]);
    await settle(page);
    return { aid: id };
  },
  // A form builder's form (form2.html): a newsletter select before
  // field_3, labelled メールアドレス.
  async labelledform(page) {
    await page.goto(site + '/form2.html');
    await settle(page);
    const id = await aid(page);
    await page.fill('[name=field_2]', '二号 花子');
    await page.fill('[name=field_3]', 'form2user@example.jp');
    await Promise.all([page.waitForURL(/thanks/), page.click('#send')]);
    await settle(page);
    return { aid: id };
  },
  // A form whose only email signal is autocomplete="email" (a text field
  // named field_3, labelled ご連絡先): before, no submit was recorded.
  async autocompleteform(page) {
    await page.goto(site + '/autoform.html');
    await settle(page);
    const id = await aid(page);
    await page.fill('[name=field_2]', '自動 三郎');
    await page.fill('[name=field_3]', 'autocomplete.user@example.jp');
    await Promise.all([page.waitForURL(/thanks/), page.click('#send')]);
    await settle(page);
    return { aid: id };
  },
  // A Japanese form whose contact-method radio (メール) and newsletter
  // checkbox (メールマガジン) come before the email field: their labels say
  // メール, but an option chosen is no address.
  async jppref(page) {
    await page.goto(site + '/jp-pref.html');
    await settle(page);
    const id = await aid(page);
    await page.fill('[name=addr]', 'pref.user@example.jp');
    await page.fill('[name=company]', '連絡商事');
    // An inquiry longer than the 500 characters the tag once kept of a
    // field: its end (the budget) was lost before the SFA saw it.
    await page.fill('[name=f3]', 'ご相談内容です。'.repeat(135) + '【末尾】予算は500万円です。');
    await Promise.all([page.waitForURL(/thanks/), page.click('#send')]);
    await settle(page);
    return { aid: id };
  },
  // An Elementor form: its fields nested in form_fields[...], beside its
  // hidden action, post_id and form_id.
  async elementor(page) {
    await page.goto(site + '/elementor.html');
    await settle(page);
    const id = await aid(page);
    await page.fill('[name="form_fields[name]"]', '佐藤 花子');
    await page.fill('[name="form_fields[email]"]', 'elementor.user@example.jp');
    await page.fill('[name="form_fields[company]"]', '株式会社エレメント');
    await page.fill('[name="form_fields[field_5c2e1a0]"]', '課長');
    await Promise.all([page.waitForURL(/thanks/), page.click('#send')]);
    await settle(page);
    return { aid: id };
  },
  // A form builder's machine-like field names, labelled in Japanese (label[for], a wrapping
  // label, aria-label, placeholder): the labels decide the attributes.
  async builder(page) {
    await page.goto(site + '/builder.html');
    await settle(page);
    const id = await aid(page);
    await page.fill('[name=text-123]', '株式会社ラベル');
    await page.fill('[name=your-field-7]', '部長');
    await page.fill('[name=field_5]', '３００名');
    await page.fill('[name=input_3]', '営業部');
    await page.fill('[name=tel-9]', '03-1234-5678');
    await page.fill('[name=text-456]', 'label.user@example.jp');
    await page.fill('[name=text-99]', '東京'); // 希望キャンパス: sent, not refused
    await page.fill('[name=text-77]', '東京都港区');
    await page.fill('[name=text-88]', '4111111111111111'); // refused by its label: never sent
    await page.selectOption('[name=menu-5]', '会社について'); // an option's text is no label
    await page.check('[name=radio-6][value=会社員]'); // a radio's label is its option's, not the field's
    await Promise.all([page.waitForURL(/thanks/), page.click('#send')]);
    await settle(page);
    return { aid: id };
  },
  // A checkbox group with two boxes checked (both are sent) and a select
  // multiple with two options selected (its first is).
  async multivalue(page) {
    await page.goto(site + '/multi.html');
    await settle(page);
    const id = await aid(page);
    await page.fill('[name=email]', 'multi.user@example.jp');
    await page.check('[name=interests][value=CRM]');
    await page.check('[name=interests][value=SFA]');
    await page.selectOption('[name=timing]', ['今月', '未定']);
    await page.selectOption('[name=interest]', ['a', 'b']);
    await page.selectOption('[name=budget]', 'large');
    await Promise.all([page.waitForURL(/thanks/), page.click('#send')]);
    await settle(page);
    return { aid: id };
  },
  async spaform(page) {
    await page.goto(site + '/spa.html');
    await settle(page);
    await page.fill('#work-email', 'spa.user@example.com');
    const welcome = sentWith(page, '/spa/welcome');
    await page.click('#send');
    await page.waitForSelector('#done');
    await welcome;
    await settle(page);
    return { aid: await aid(page), url: page.url() };
  },
  // A form React renders after the tag loaded, its controlled inputs
  // with no name nor id (reactform.html).
  async reactform(page) {
    await page.goto(site + '/reactform.html');
    await page.waitForSelector('form');
    await settle(page);
    await page.fill('input[type=email]', 'react.user@example.jp');
    await page.fill('label:nth-of-type(2) input', '株式会社リアクト');
    await page.fill('textarea', '見積もりをお願いします');
    await page.fill('input[type=password]', 'hunter2-react');
    await page.click('button');
    await page.waitForSelector('#done');
    await settle(page);
    return { aid: await aid(page) };
  },
  // A page whose window.dataLayer is the site's own object, not Google's
  // array (datalayer.html): the tag reads consent mode there.
  async datalayer(page) {
    await page.goto(site + '/datalayer.html');
    await settle(page);
    await page.click('#outbound');
    const products = sentWith(page, '/spa/products');
    await page.evaluate(() => history.pushState({}, '', '/spa/products'));
    await products;
    await settle(page);
    return { aid: await aid(page) };
  },
  async consent(page) {
    await page.goto(site + '/consent.html');
    await settle(page);
    const before = await aid(page);
    await page.click('#track'); // before consent: must not be sent
    await settle(page);
    await page.click('#accept');
    await settle(page);
    await page.click('#track');
    await settle(page);
    return { aid: await aid(page), after: before };
  },
  // Consent after pushState: the visitor landed from a newsletter's link
  // (UTM parameters, an ad click id) and moved on within the app before
  // consenting. Nothing may be stored before; the landing view, with its
  // campaign and click id, is stored first, then the page consent was
  // given on, as from it.
  async consentnav(page) {
    await page.goto(site + '/consent.html?utm_source=news&utm_medium=email&utm_campaign=c1&gclid=G1', { referer: 'https://news.example/' });
    await settle(page);
    await page.evaluate(() => { history.pushState({}, '', '/consent2.html'); document.title = 'Second'; });
    await page.waitForTimeout(300); // the tag's checks see the new URL, with collection off
    const left = await stored(page);
    await page.click('#accept');
    await settle(page);
    await page.evaluate(() => baton('identify', { email: 'consent.nav@example.com' }));
    await settle(page);
    return { aid: await aid(page), left, url: await collectorCookies(page) };
  },
  // The Content-Security-Policy the README asks for (script-src: the tag's
  // origin and the snippet's hash; connect-src: the collector), then one
  // whose connect-src is 'self' alone, the collector on another origin.
  async csp(page) {
    const refused = [];
    page.on('console', (m) => { if (/Content Security Policy/.test(m.text()) && /connect-src|script-src/.test(m.text())) refused.push(m.text()); });
    await page.goto(site + '/csp.html');
    await settle(page);
    const id = await aid(page), first = refused.length;
    await page.goto(site + '/csp-self.html');
    await settle(page);
    return { aid: id, info: { refused: first, selfRefused: refused.length - first, waiting: await queued(page) } };
  },
  // Google consent mode: analytics_storage denied by default, never granted.
  async gtagdenied(page) {
    await page.goto(site + '/gtag.html');
    await settle(page);
    await page.click('#track');
    await page.click('#event');
    await settle(page);
    return { aid: await aid(page), url: await collectorCookies(page), left: await stored(page) };
  },
  // Denied by default, granted by an update (the banner), then withdrawn.
  async gtaggranted(page) {
    await page.goto(site + '/gtag.html');
    await settle(page);
    const before = await aid(page);
    await page.click('#grant');
    await settle(page);
    const id = await aid(page);
    await page.click('#event'); // a Tag Manager event, not a page view
    await settle(page);
    await page.click('#deny');
    await settle(page);
    const left = await stored(page);
    await page.click('#track'); // after withdrawal: must not be sent
    await settle(page);
    const info = await page.evaluate(() => ({ seen: seen.join(','), entries: dataLayer.length }));
    return { aid: id, after: before, left, info };
  },
  // gtag says granted, but data-consent="required" still waits for baton('consent', true).
  async gtagrequired(page) {
    await page.goto(site + '/gtag-required.html');
    await settle(page);
    await page.click('#track');
    await settle(page);
    const before = await aid(page);
    await page.click('#accept');
    await settle(page);
    return { aid: await aid(page), after: before };
  },
  // Loaded the way the Tag Manager template loads it: injected, site in the query.
  async gtm(page) {
    await page.goto(site + '/gtm.html');
    await settle(page);
    return { aid: await aid(page) };
  },
  async optout(page) {
    await page.goto(site + '/consent.html');
    await page.click('#accept');
    await settle(page);
    const id = await aid(page);
    await page.click('#optout');
    await settle(page);
    const left = await page.evaluate(() => ['bt_aid', 'bt_q', 'bt_consent'].filter((k) => localStorage.getItem(k) != null));
    const cookies = await collectorCookies(page); // the collector's answer to /optout
    await page.goto(site + '/index.html');
    await settle(page);
    return { aid: id, left, after: await aid(page), info: cookies };
  },
  // Opted out, then consent given again through the site's consent mode:
  // the next page view is stored and the collector drops its opt-out cookie.
  async optin(page) {
    await page.goto(site + '/consent.html');
    await page.click('#accept');
    await settle(page);
    await page.click('#optout');
    await settle(page);
    const out = await collectorCookies(page);
    await page.click('#accept');
    await page.goto(site + '/consent.html?again=1');
    await settle(page);
    return { aid: await aid(page), url: out, info: await collectorCookies(page) };
  },
  // The same on a site that does not require consent: an opt-out through
  // baton('consent', false), then consent given again by baton('consent', true).
  async 'optin-open'(page) {
    await page.goto(site + '/index.html');
    await settle(page);
    await page.evaluate(() => baton('consent', false));
    await settle(page);
    const out = await collectorCookies(page);
    await page.evaluate(() => baton('consent', true));
    await page.goto(site + '/index.html?again=1');
    await settle(page);
    return { aid: await aid(page), url: out, info: await collectorCookies(page) };
  },
  // Storage blocked (cookies disabled for the site: localStorage throws).
  // An opt-out holds for the rest of the page, a single-page app's next
  // views included: nothing more is sent (waiting: the tag's sends after it).
  async blockedoptout(page) {
    await page.addInitScript(blockStorage);
    const sent = sends(page);
    await page.goto(site + '/index.html');
    await settle(page);
    const id = await visitorCookie(page);
    await page.evaluate(() => baton('consent', false));
    await settle(page);
    const before = sent.count;
    await page.evaluate(() => baton('track', 'after_optout'));
    await page.click('#spa');
    await page.click('#pdf');
    await settle(page);
    return { aid: id, waiting: sent.count - before };
  },
  // Storage blocked on a site that requires consent: consent given holds
  // for the page, whose view is then recorded.
  async blockedconsent(page) {
    await page.addInitScript(blockStorage);
    sends(page);
    await page.goto(site + '/consent.html');
    await settle(page);
    const before = await visitorCookie(page);
    await page.click('#accept');
    await settle(page);
    await page.click('#track');
    await settle(page);
    return { aid: await visitorCookie(page), after: before || null };
  },
  // Google consent mode granted, withdrawn, granted again: the id withdrawal
  // removed does not come back, in the tag nor in the collector's cookie
  // (after: the id the tag had first, url: its id at the end, info: the
  // collector's cookies after the withdrawal and its visitor cookie at the
  // end).
  async gtagregrant(page) {
    await page.goto(site + '/gtag.html');
    await settle(page);
    await page.click('#grant');
    await settle(page);
    const first = await aid(page);
    const vid = await visitorCookie(page);
    await page.click('#deny');
    await settle(page);
    const withdrawn = await collectorCookies(page);
    await page.click('#grant');
    await page.click('#track');
    await settle(page);
    return { aid: first, after: first, url: await aid(page), info: { vid, withdrawn, end: await visitorCookie(page) } };
  },
  async gpc(page) {
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
    await page.goto(site + '/index.html');
    await settle(page);
    await page.click('#pdf');
    await settle(page);
    return { aid: await aid(page), url: await collectorCookies(page) };
  },
  async bot(page) {
    await page.goto(site + '/index.html');
    await settle(page);
    return { aid: await aid(page) };
  },
  // An event the previous tag left queued, in the Segment form: sent by this
  // tag in its compact batch, stored, and unqueued.
  async upgrade(page) {
    await page.addInitScript(() => {
      if (sessionStorage.getItem('seeded')) return;
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem('bt_aid', '1234567-2345678-3456789-4567890');
      localStorage.setItem('bt_q', JSON.stringify([{ type: 'page_view', messageId: 'old-tag-message-1', anonymousId: '1234567-2345678-3456789-4567890',
        site: 'test', timestamp: new Date(Date.now() - 60000).toISOString(), properties: { url: location.origin + '/old-page', title: 'Old' }, context: {} }]));
    });
    await page.goto(site + '/index.html');
    await settle(page);
    return { aid: await aid(page), after: await queued(page) };
  },
  async retry(page) {
    return outage(page, '/down');
  },
  // The collector throttles (429) the page view and a custom event sent
  // after it, then accepts: the next page's send carries both.
  async throttled(page) {
    return outage(page, '/throttle', async () => {
      await page.evaluate(() => baton('track', 'while_throttled'));
      await settle(page);
    });
  },
  // The person is erased while a page view of theirs is in flight: it
  // reaches the store, the erasure runs, and its answer is lost (the proxy
  // answers 503), so the tag sends it again with the next page's.
  async retryerased(page) {
    await page.goto(site + '/index.html');
    await settle(page);
    await page.evaluate(() => baton('identify', { email: 'retry.erased@example.com' }));
    await settle(page);
    await fetch(control + '/lose-erase?email=retry.erased@example.com');
    await page.goto(site + '/thanks.html');
    await settle(page);
    const waiting = await queued(page);
    await page.goto(site + '/jp.html');
    await settle(page);
    return { aid: await aid(page), waiting, after: await queued(page) };
  },
  // Addresses the tag's ASCII rule does not see (a full-width "＠" typed
  // in IME mode, a UTF-8 local part) and a path's session id, in the
  // page's URL and then in the next page's referrer: the collector scrubs.
  async wideaddress(page) {
    await page.goto(site + '/index.html;jsessionid=ABCDEF123?mail=hanako＠example.jp&e=%E5%B1%B1%E7%94%B0%40example.jp&x=1');
    await settle(page);
    await page.click('#internal');
    await settle(page);
    return { aid: await aid(page) };
  },
  // A landing page's table of contents and its "page top" link (#): jumps
  // within the page, then a link to another page.
  async anchor(page) {
    await page.goto(site + '/lp.html');
    await settle(page);
    for (const id of ['#toc', '#toc2', '#top']) {
      await page.click(id);
      await page.waitForTimeout(300); // two of the tag's checks
      await settle(page);
    }
    await Promise.all([page.waitForURL(/jp/), page.click('#internal')]);
    await settle(page);
    return { aid: await aid(page) };
  },
  // The collector refuses the page view for good (400): it leaves the queue.
  async refused(page) {
    await fetch(control + '/refuse');
    await page.goto(site + '/index.html');
    await settle(page);
    const out = { aid: await aid(page), waiting: await queued(page) };
    await fetch(control + '/up');
    return out;
  },
};

const browsers = {};
for (const [name, run] of Object.entries(scenarios)) {
  if (only && !only.split(',').includes(name)) continue;
  const kind = name === 'bot' ? 'bot' : 'desktop';
  browsers[kind] ||= await launch(kind === 'bot' ? '' : desktopUA);
  const context = await browsers[kind].newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    const out = await run(page);
    console.log(JSON.stringify({ name, ...out, errors }));
  } catch (e) {
    console.log(JSON.stringify({ name, failed: String(e), errors }));
  }
  await context.close();
}
for (const b of Object.values(browsers)) await b.close();
