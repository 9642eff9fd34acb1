// The audit trail's page in Debian's Chromium, in Japanese: a wrong token
// at the sign-in form, then the right one ($TOKEN), then the trail, which
// must show the failed sign-in; measured at 1280 and 390 px wide
// (screenshots in $SHOTS). Prints what it saw for the Go test to check.
import { signIn } from './signin.mjs';
import { fits, launch, watchErrors } from './pages.mjs';

const base = process.env.URL; // .../admin/
const shots = process.env.SHOTS;
const browser = await launch();
const errors = [];
const out = { errors, overflow: {} };
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP', extraHTTPHeaders: { 'Accept-Language': 'ja,en;q=0.5' } });
const page = await context.newPage();
watchErrors(page, errors);

// A wrong token first, on the form an operator sees.
await page.goto(base + 'audit');
await page.getByLabel('管理トークン').fill('not-the-token-' + Date.now());
const refused = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/admin/login'));
await page.getByRole('button', { name: 'サインイン' }).click();
out.refused = { status: (await refused).status() };
await page.waitForLoadState('load');
out.refused.alert = await page.getByRole('alert').innerText();

const { resp } = await signIn(page, base + 'audit', process.env.TOKEN, { label: '管理トークン', button: 'サインイン' });
out.status = resp.status();
out.url = page.url();
out.nav = await page.locator('header nav a[aria-current=page]').innerText();
out.failed = await page.locator('tbody tr.refused').first().innerText();
out.rows = await page.locator('tbody tr').count();
out.main = await page.locator('main').innerText();
out.overflow['audit-ja'] = await fits(page, 'audit-ja', shots);
// Headers and the session's kind (ブラウザのセッション) on one line at
// 1280 px (they broke as セッショ／ン and 接続／元 beside room to spare),
// and what each row's attempts cell shows.
out.wrapped = await page.evaluate(() => [...document.querySelectorAll('thead th, tbody td span.nw')].filter((el) => {
  const r = document.createRange();
  r.selectNodeContents(el);
  return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1;
}).map((el) => el.textContent));
out.attempts = await page.locator('tbody td:last-child').allInnerTexts();

// Filtered to failed sign-ins, as an operator would.
await page.locator('#f-action').selectOption('signin-failed');
await page.getByRole('button', { name: '絞り込む' }).click();
await page.waitForLoadState('load');
out.filtered = await page.locator('tbody tr').allInnerTexts();
out.overflow['audit-failed-ja'] = await fits(page, 'audit-failed-ja', shots);
// The CSV the page links to, downloaded with the session (as Excel would get it).
const href = await page.getByRole('link', { name: 'CSV をダウンロード' }).getAttribute('href');
const csv = await page.request.get(new URL(href, page.url()).href);
out.csv = { status: csv.status(), type: csv.headers()['content-type'], disposition: csv.headers()['content-disposition'], text: (await csv.body()).toString('utf8') };
await context.close();
console.log(JSON.stringify(out));
await browser.close();
