// Signing in to Baton's admin in Chromium, in English and in Japanese, for
// the workspace's browser scripts.
import { watchErrors } from './pages.mjs';

// signIn signs a page in through the sign-in form, as an operator does:
// open an admin page, get sent to /admin/login, type the token, land back
// on the page asked for. Returns what the Go tests check. label and button
// name the form's controls in the page's language.
export async function signIn(page, adminURL, token, { shot, label = 'Admin token', button = 'Sign in' } = {}) {
  const first = await page.goto(adminURL);
  const login = { url: page.url(), status: first.status(), label: await page.getByLabel(label).count() };
  if (shot) await page.screenshot({ path: shot, fullPage: true });
  await page.getByLabel(label).fill(token);
  const landed = page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'GET' && !r.url().includes('/admin/login'));
  await page.getByRole('button', { name: button }).click();
  const resp = await landed;
  await page.waitForLoadState('load');
  return { login, resp };
}

// Submits a wrong token on the sign-in page and returns the status and the
// error the page shows.
export async function wrongToken(page, token, { shot } = {}) {
  await page.getByLabel('Admin token').fill(token);
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/admin/login'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  const resp = await answered;
  await page.waitForLoadState('load');
  if (shot) await page.screenshot({ path: shot, fullPage: true });
  return { status: resp.status(), contentType: resp.headers()['content-type'], alert: await page.getByRole('alert').innerText() };
}

// How a browser asks for each language (Japanese first, then English, as
// a Japanese user's Chromium does; English: Chromium's default) and the
// sign-in form's words in it, for signIn.
export const languages = {
  ja: { context: { locale: 'ja-JP', extraHTTPHeaders: { 'Accept-Language': 'ja,en;q=0.5' } }, form: { label: '管理トークン', button: 'サインイン' } },
  en: { context: {}, form: {} },
};

// openIn opens a page in a new context of browser, 1280×900, asking for
// lang (extra: more options for the context), its console errors and
// uncaught exceptions recorded in errors.
export async function openIn(browser, lang, errors, extra = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...extra, ...languages[lang].context });
  const page = await context.newPage();
  watchErrors(page, errors);
  return page;
}

// inEachLanguage runs visit(page, lang) for each of langs in turn, on a
// page opened by openIn in a context of its own (so each language signs in
// afresh), signed in through the sign-in form at start (an admin URL; none:
// not signed in) with token; the context is closed after. before(page,
// lang), if given, runs before signing in (routes set there see the
// sign-in too).
export async function inEachLanguage(browser, { langs = ['ja', 'en'], errors, start, token = process.env.TOKEN, before }, visit) {
  for (const lang of langs) {
    const page = await openIn(browser, lang, errors);
    if (before) await before(page, lang);
    if (start) await signIn(page, start, token, languages[lang].form);
    await visit(page, lang);
    await page.context().close();
  }
}
