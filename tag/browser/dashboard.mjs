// Renders Baton's report dashboard in Debian's Chromium, signed in through
// the sign-in form, and takes a screenshot; prints what the page shows for
// the Go test to check.
import { launch } from './pages.mjs';
import { signIn } from './signin.mjs';

const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
const page = await context.newPage();
const { resp } = await signIn(page, process.env.URL, process.env.TOKEN);
await page.screenshot({ path: process.env.SHOT, fullPage: true });
const out = {
  status: resp.status(),
  url: page.url(),
  bars: await page.locator('svg rect.bar').count(),
  charts: await page.locator('svg').count(),
  values: await page.locator('svg text.value').allTextContents(),
  text: await page.locator('body').innerText(),
};
console.log(JSON.stringify(out));
await browser.close();
