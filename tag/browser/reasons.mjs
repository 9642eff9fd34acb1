// A marketer reads what led to an MQL ($PAGES: paths under $URL,
// comma-separated: a person's page, the inbox), signed in through the
// sign-in form, in Japanese and in English: each MQL card's lines as
// read (innerText), their links' text and title (what hovering shows) and
// their campaign chips, and whether the page fits at 1280 and 390 px
// (screenshots in $SHOTS). Prints what it saw for the Go test to check.
import { inEachLanguage } from './signin.mjs';
import { fits, launch } from './pages.mjs';

const base = process.env.URL; // .../admin/
const paths = (process.env.PAGES || '').split(',').filter((p) => p);
const browser = await launch();
const errors = [];
const out = { errors };
await inEachLanguage(browser, { errors, start: base + paths[0] }, async (page, lang) => {
  for (const [i, path] of paths.entries()) {
    if (i > 0) await page.goto(base + path);
    out[`${lang}-${i}`] = {
      lines: await page.locator('main .card li').evaluateAll((lis) => lis.map((li) => ({
        text: li.innerText,
        links: [...li.querySelectorAll('a')].map((a) => ({ text: a.innerText, title: a.title, href: a.href })),
        chips: [...li.querySelectorAll('.chip.campaign')].map((c) => c.innerText),
      }))),
      overflow: await fits(page, `reasons-${lang}-${i}`, process.env.SHOTS),
    };
  }
});
console.log(JSON.stringify(out));
await browser.close();
