// Runs Segment's analytics.js (@segment/analytics-next, its UMD build,
// pinned in the lock file) in Debian's Chromium on a page of SITE, another
// origin than Baton's, pointed at Baton's /v1 (URL) with WRITE_KEY as a
// site moving from Segment would (the Segment.io integration's apiHost);
// prints every request it made to Baton and what came of it, and the calls'
// messageIds, as JSON for infra/local/stack/analyticsjs_test.go.
import { chromium } from 'playwright-core';

const base = process.env.URL;
const site = process.env.SITE;
const writeKey = process.env.WRITE_KEY;
if (!base || !site || !writeKey) {
  console.error('analyticsjs.mjs: set URL (Baton), SITE (the page\'s origin) and WRITE_KEY');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-blink-features=AutomationControlled'],
});
const userAgent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const context = await browser.newContext({ userAgent });
const errors = [];
context.on('page', (p) => {
  p.on('pageerror', (e) => errors.push(String(e)));
  p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
});
// What the page's fetch sent and what the page could read of the answer:
// a cross-origin answer without CORS headers the page may not read is a
// failed fetch (which analytics.js queues and sends again).
await context.addInitScript((base) => {
  window.__toBaton = [];
  const fetch = window.fetch;
  window.fetch = async (url, init = {}) => {
    if (!String(url).startsWith(base)) return fetch(url, init);
    const headers = new Headers(init.headers);
    const rec = {
      method: init.method || 'GET', url: String(url), body: String(init.body || ''),
      contentType: headers.get('content-type') || '', authorization: headers.has('authorization'),
    };
    window.__toBaton.push(rec);
    try {
      const res = await fetch(url, init);
      rec.status = res.status;
      return res;
    } catch (e) {
      rec.failure = String(e);
      throw e;
    }
  };
}, base);

const page = await context.newPage();
await page.goto(site + '/index.html');
const calls = await page.evaluate(async ({ base, writeKey }) => {
  // cdnSettings: the settings Segment's CDN would serve, so nothing is
  // fetched from Segment; events go to apiHost as "<protocol>://<apiHost>/<t|p|i|g ...>".
  const [analytics] = await window.AnalyticsNext.AnalyticsBrowser.load({
    writeKey,
    cdnSettings: { integrations: { 'Segment.io': { apiKey: writeKey, apiHost: base.replace(/^https?:\/\//, '') + '/v1', protocol: 'http' } } },
  });
  const out = {};
  const call = async (name, p) => {
    const ctx = await p;
    out[name] = { messageId: ctx.event.messageId, type: ctx.event.type };
  };
  await call('page', analytics.page('Pricing'));
  // A numeric user id, as a site's own code passes it.
  await call('identify', analytics.identify(4711, { email: 'ajs-browser@example.com', company: { name: 'アクメ株式会社' } }));
  await call('track', analytics.track('Demo Requested', { plan: 'pro' }));
  await call('group', analytics.group('acme-co', { name: 'Acme' }));
  out.anonymousId = analytics.user().anonymousId();
  return out;
}, { base, writeKey });
// A request that failed (no CORS headers, a 4xx) is queued and sent again
// with backoff: wait long enough to see it.
await page.waitForTimeout(2000);
const requests = await page.evaluate(() => window.__toBaton);

// The batching delivery strategy, on the site's next page: two calls in
// one POST /v1/b, {writeKey, batch, sentAt}.
const next = await context.newPage();
await next.goto(site + '/index.html');
Object.assign(calls, await next.evaluate(async ({ base, writeKey }) => {
  const [analytics] = await window.AnalyticsNext.AnalyticsBrowser.load({
    writeKey,
    cdnSettings: { integrations: { 'Segment.io': {
      apiKey: writeKey, apiHost: base.replace(/^https?:\/\//, '') + '/v1', protocol: 'http',
      deliveryStrategy: { strategy: 'batching', config: { size: 2, timeout: 500 } },
    } } },
  });
  const one = await analytics.track('Batched One');
  const two = await analytics.track('Batched Two');
  return { batched1: { messageId: one.event.messageId }, batched2: { messageId: two.event.messageId } };
}, { base, writeKey }));
await next.waitForTimeout(2000);
requests.push(...await next.evaluate(() => window.__toBaton));
console.log(JSON.stringify({ calls, requests, errors }));
await browser.close();
