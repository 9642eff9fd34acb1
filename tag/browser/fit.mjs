// Opens workspace pages ($PAGES: paths under $URL, comma-separated) in
// Debian's Chromium, in Japanese and in English, signed in through the
// sign-in form, and measures each at 1280 and 390 px wide (fits: sideways
// scrolling, a table's word broken over lines; screenshots in $SHOTS).
// A page a form answered ($HTML: a file, the page as the stack served it;
// its styles are inline) is measured the same way, as "<lang>-html".
// Prints what it measured for the Go test to check.
import { readFileSync } from 'node:fs';
import { inEachLanguage } from './signin.mjs';
import { fits, launch } from './pages.mjs';

const base = process.env.URL; // .../admin/
const paths = (process.env.PAGES || '').split(',').filter((p) => p);
const browser = await launch();
const errors = [];
const out = { errors, overflow: {}, text: {} };
await inEachLanguage(browser, { errors, start: paths.length ? base + paths[0] : undefined }, async (page, lang) => {
  if (process.env.HTML) {
    await page.setContent(readFileSync(process.env.HTML, 'utf8'));
    out.text[`${lang}-html`] = await page.locator('main').innerText();
    out.overflow[`${lang}-html`] = await fits(page, `fit-${lang}-html`, process.env.SHOTS);
  }
  for (const [i, path] of paths.entries()) {
    if (i > 0) await page.goto(base + path);
    const name = `${lang}-${i}`;
    out.text[name] = await page.locator('main').innerText();
    out.overflow[name] = await fits(page, `fit-${name}`, process.env.SHOTS);
  }
});
console.log(JSON.stringify(out));
await browser.close();
