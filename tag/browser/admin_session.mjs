// The admin sign-in in Debian's Chromium: a wrong token, the right one, the
// session cookie's attributes, cross-origin forms that try to use the
// session (ATTACKS: pages that auto-submit a text/plain form to
// /admin/links), still signed in afterwards, sign-out. Prints one JSON line;
// the Go test checks it and, on the server, that nothing was registered.
import { launch } from './pages.mjs';
import { signIn, wrongToken } from './signin.mjs';

const admin = process.env.URL; // <stack>/admin/
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
const page = await context.newPage();
const out = {};

// An admin page without a session: the sign-in page, where a wrong token
// is explained on the page.
const first = await page.goto(admin);
out.redirected = { url: page.url(), status: first.status(), label: await page.getByLabel('Admin token').count() };
if (process.env.LOGIN_SHOT) await page.screenshot({ path: process.env.LOGIN_SHOT, fullPage: true });
out.wrong = await wrongToken(page, 'not-the-token', { shot: process.env.ERROR_SHOT });

// The right token: the dashboard.
const { resp } = await signIn(page, admin, process.env.TOKEN);
out.dashboard = { status: resp.status(), url: page.url(), charts: await page.locator('svg.chart-wide').count(), signOut: await page.getByRole('button', { name: 'Sign out' }).count() };
out.cookies = (await context.cookies()).map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite, path: c.path, secure: c.secure, domain: c.domain }));

// Pages of other origins post forms to Baton while the browser is signed in.
out.attacks = [];
for (const attack of (process.env.ATTACKS || '').split(',').filter(Boolean)) {
  const target = new URL('links', admin).href;
  const answered = page.waitForResponse((r) => r.url() === target && r.request().method() === 'POST', { timeout: 10000 });
  await page.goto(attack);
  const r = await answered;
  await page.waitForLoadState('load');
  out.attacks.push({
    page: attack, status: r.status(), body: await r.text(),
    sentCookie: (await r.request().allHeaders()).cookie !== undefined,
    contentType: (await r.request().allHeaders())['content-type'],
  });
}

// Still signed in; then signing out ends the session.
const again = await page.goto(admin);
out.after = { status: again.status(), url: page.url(), signOut: await page.getByRole('button', { name: 'Sign out' }).count() };
const signedOut = page.waitForResponse((r) => r.request().isNavigationRequest() && r.url().includes('/admin/login'));
await page.getByRole('button', { name: 'Sign out' }).click();
await signedOut;
await page.waitForLoadState('load');
out.signedOut = { url: page.url(), note: await page.getByRole('status').innerText(), cookies: (await context.cookies()).length };
const gone = await page.goto(admin);
out.afterSignOut = { status: gone.status(), url: page.url() };
console.log(JSON.stringify(out));
await browser.close();
