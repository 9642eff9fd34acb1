// Sends what a B2B backend sends through Segment's own Node SDK
// (@segment/analytics-node) to Baton's Segment-compatible API, and prints
// what happened as JSON for infra/local/stack/segment_sdk_test.go: every
// call's messageId and the SDK's verdict, and every HTTP exchange (the
// body the SDK sent, what Baton answered, what the SDK was told).
//
// URL: Baton's origin; WRITE_KEY: its write key. The phases run in order,
// each call delivered before the next is made (Baton ties ids by what it
// has stored, so an alias must come after the events it joins):
//   - the main calls, one request each (flushAt 1);
//   - a batch of four, two of which Baton refuses (a download with a
//     relative URL, an event over 32 KB): the SDK takes Baton's 200
//     {"refused": [...]} as delivered and must not send it again;
//   - the download alone: a 400, which the SDK gives up on at once;
//   - a call through a proxy that hands the request to Baton and answers
//     the SDK 503 (a load balancer that timed out while Baton stored it):
//     the SDK's retry reaches Baton with the same messageId;
//   - BURST calls at once, past the stack's rate limit (rate_limit_per_ip,
//     rate_limit_burst): Baton answers some 429 with Retry-After, and the
//     SDK sends those again.
import http from 'node:http';
import { setMaxListeners } from 'node:events';
import { Analytics } from '@segment/analytics-node';

const base = process.env.URL;
const writeKey = process.env.WRITE_KEY;
const burst = Number(process.env.BURST || 40);
if (!base || !writeKey) {
  console.error('segment.mjs: set URL (Baton) and WRITE_KEY');
  process.exit(2);
}

// Each of the SDK's waits adds an abort listener to one shared signal and
// leaves it there: past ten Node warns of a leak on stderr. The burst's
// retries wait together by design.
setMaxListeners(4 * burst);

const exchanges = []; // every HTTP request the SDK made, in the order answered
const calls = {};     // by our name: the event as the SDK made it, and its outcome

// The SDK's own fetch client, watched: the request body it built and the
// answer it got. (httpClient as a function is the SDK's documented hook.)
function watched(phase, viaProxy) {
  return async (url, init) => {
    const sent = JSON.parse(init.body);
    const res = await fetch(url, init);
    const text = await res.clone().text();
    let body;
    try { body = JSON.parse(text); } catch { body = text; }
    exchanges.push({
      phase,
      url: String(url),
      retryCount: Number(init.headers['X-Retry-Count'] || 0),
      userAgent: init.headers['User-Agent'],
      sentAt: sent.sentAt,
      writeKeyInBody: sent.writeKey === writeKey,
      messageIds: sent.batch.map((e) => e.messageId),
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      batonStatus: viaProxy ? Number(res.headers.get('x-baton-status')) : res.status,
      body,
    });
    return res;
  };
}

function client(phase, opts = {}) {
  const a = new Analytics({
    writeKey,
    host: opts.host || base,
    flushAt: opts.flushAt || 1,
    flushInterval: 50,
    maxRetries: 3,
    httpRequestTimeout: 10000,
    httpClient: watched(phase, Boolean(opts.host)),
  });
  a.on('error', (e) => { (a.errors ||= []).push(String(e.reason || e.code)); });
  return a;
}

// send makes one call and resolves once the SDK has settled it
// (delivered, or given up: err).
function send(a, method, name, params) {
  return new Promise((resolve) => {
    a[method](params, (err, ctx) => {
      const e = ctx.event;
      calls[name] = {
        method,
        messageId: e.messageId,
        type: e.type,
        timestamp: e.timestamp instanceof Date ? e.timestamp.toISOString() : e.timestamp,
        library: e.context && e.context.library,
        error: err ? String(err.message || err) : '',
      };
      resolve();
    });
  });
}

// proxy hands each request to Baton; the first it answers 503 whatever
// Baton said (Baton's status goes in X-Baton-Status for the record).
function proxy() {
  let n = 0;
  const srv = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const headers = { ...req.headers };
    delete headers.host;
    delete headers['content-length'];
    const r = await fetch(base + req.url, { method: req.method, headers, body: Buffer.concat(chunks) });
    const text = await r.text();
    if (n++ === 0) {
      res.writeHead(503, { 'Content-Type': 'application/json', 'X-Baton-Status': String(r.status) });
      res.end('{"error":"upstream timed out"}');
      return;
    }
    res.writeHead(r.status, { 'Content-Type': r.headers.get('content-type') || 'application/json', 'X-Baton-Status': String(r.status) });
    res.end(text);
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

const minutesAgo = (m) => new Date(Date.now() - m * 60000);
const user = 'user-1001';
const anon = 'anon-7f3a9c2e-web'; // the tag's visitor id, forwarded by the backend
const app = 'anon-ios-5b1d0e77';   // the mobile app's anonymousId, aliased later
const oldUser = '20241107';        // the user's id in the old CRM, aliased later
const ua = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15';
const ctx = { userAgent: ua, ip: '203.0.113.45', locale: 'ja-JP' };

const main = client('main');
await send(main, 'page', 'page', {
  anonymousId: anon, name: 'Pricing', category: 'Product',
  properties: { url: 'https://www.example.com/pricing?utm_source=newsletter&utm_medium=email', title: '料金', referrer: 'https://www.google.com/' },
  context: ctx, timestamp: minutesAgo(30),
});
await send(main, 'identify', 'identify', {
  userId: user, anonymousId: anon,
  // A full-width address, as a Japanese IME types it.
  traits: { email: 'Ｙａｍａｄａ@Kaisha-Acme.example', name: '山田 太郎', 会社名: '株式会社アクメ', 役職: '情報システム部長', plan: 'trial' },
  context: ctx, timestamp: minutesAgo(20),
});
// A colleague identified as Segment's spec shapes traits: company and
// address are objects, names in camelCase.
await send(main, 'identify', 'identifySpec', {
  userId: 'user-1002',
  traits: {
    email: 'sato@kaisha-acme.example', firstName: '花子', lastName: '佐藤', title: '開発課長', phone: '03-1234-5678',
    company: { name: '株式会社アクメ', id: 'acme-0001', industry: '製造業', employee_count: 300, plan: 'enterprise' },
    address: { street: '芝公園4-2-8', city: '港区', state: '東京都', postalCode: '105-0011', country: 'JP' },
    createdAt: '2026-04-01T09:00:00+09:00',
  },
  context: ctx,
});
await send(main, 'track', 'track', {
  userId: user, event: 'Demo Requested', properties: { plan: 'enterprise', seats: 50 }, context: ctx,
});
await send(main, 'track', 'download', {
  userId: user, event: 'download', properties: { url: 'https://www.example.com/files/whitepaper.pdf', title: '導入事例集' },
  context: ctx, timestamp: minutesAgo(10),
});
await send(main, 'screen', 'screen', {
  userId: user, name: 'Dashboard', properties: { tab: 'reports' },
  context: { ...ctx, app: { name: 'Acme Mobile', version: '3.2.0' } },
});
await send(main, 'group', 'group', {
  userId: user, groupId: 'acme-0001',
  // Segment's group traits describe the company, email and name too.
  traits: { name: '株式会社アクメ', industry: '製造業', employees: 300, email: 'info@kaisha-acme.example' },
});
// Ids the alias joins later: the app's anonymous screen, the old CRM's user.
await send(main, 'screen', 'appScreen', { anonymousId: app, name: 'Onboarding' });
await send(main, 'track', 'oldUserTrack', {
  userId: oldUser, event: 'Contract Renewed', properties: { plan: 'standard' }, timestamp: minutesAgo(60 * 24),
});
await send(main, 'alias', 'aliasAnon', { previousId: app, userId: user });
await send(main, 'alias', 'aliasUser', { previousId: oldUser, userId: user });
await main.closeAndFlush();

// One request of three events, the middle one invalid for Baton.
// And one over 32 KB that the SDK lets through: its size guard counts
// only percent-encoded bytes and the letter i (encodeURI(json).split(/%..|i/)),
// so 40 KB of ASCII weighs 20 "bytes" to it.
const batch = client('batch', { flushAt: 4 });
await Promise.all([
  send(batch, 'track', 'batchValid1', { userId: user, event: 'Webinar Registered', properties: { webinar: 'DX入門' } }),
  send(batch, 'track', 'batchInvalid', { userId: user, event: 'download', properties: { url: '/files/price-list.pdf' } }),
  send(batch, 'page', 'batchValid2', { userId: user, name: 'Case Studies', properties: { url: 'https://www.example.com/cases' } }),
  send(batch, 'track', 'batchTooBig', { userId: user, event: 'Proposal Sent', properties: { body: 'x'.repeat(40000) } }),
]);
await batch.closeAndFlush();

// Alone, the invalid event is the whole request: a 400, which the SDK
// reports as a failed delivery and does not send again.
const alone = client('400');
await send(alone, 'track', 'invalidAlone', { userId: user, event: 'download', properties: { url: '/files/price-list.pdf' } });
await alone.closeAndFlush();

// Stored by Baton, answered 503 by the proxy: retried.
const srv = await proxy();
const lost = client('503', { host: `http://127.0.0.1:${srv.address().port}` });
await send(lost, 'track', 'retried503', { userId: user, event: 'Quote Requested', properties: { amount: 1200000 } });
await lost.closeAndFlush();
srv.close();

// Past the rate limit: some answered 429, sent again after Retry-After.
const many = client('429');
await Promise.all(Array.from({ length: burst }, (_, i) =>
  send(many, 'track', `burst${i}`, { userId: 'user-2002', event: 'Report Exported', properties: { n: i } })));
await many.closeAndFlush();

console.log(JSON.stringify({
  sdk: { version: main.VERSION },
  calls,
  exchanges,
  errors: [main, batch, alone, lost, many].flatMap((a) => a.errors || []),
}));
