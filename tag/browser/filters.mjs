// Opens workspace lists with a filter they cannot use ($PAGES, space
// separated, each relative to $URL, .../admin/) in Debian's Chromium, in
// Japanese, signed in through the sign-in form: each page's status, its
// alert and whether it lists anyone, measured at 1280 and 390 px wide
// (screenshots in $SHOTS). Prints what it saw for the Go test to check.
import { signIn } from './signin.mjs';
import { fits, launch, watchErrors } from './pages.mjs';

const base = process.env.URL;
const shots = process.env.SHOTS;
const browser = await launch();
const errors = [];
const out = { errors, overflow: {}, pages: {} };
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP', extraHTTPHeaders: { 'Accept-Language': 'ja,en;q=0.5' } });
const page = await context.newPage();
watchErrors(page, errors);
await signIn(page, base, process.env.TOKEN, { label: '管理トークン', button: 'サインイン' });
for (const [i, path] of process.env.PAGES.split(' ').entries()) {
  const resp = await page.goto(base + path);
  out.pages[path] = {
    status: resp.status(),
    alert: await page.getByRole('alert').innerText(),
    rows: await page.locator('main tbody tr, main .card h2').count(),
    form: await page.locator('main form.filters').count(),
    main: await page.locator('main').innerText(),
  };
  out.overflow[path] = await fits(page, `filters-${i}`, shots);
}
console.log(JSON.stringify(out));
await browser.close();
