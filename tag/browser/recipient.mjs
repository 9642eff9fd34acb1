// A marketer looks up a recipient of a list who never clicked, signed in
// through the sign-in form, in Japanese and English: $PAGES (paths under
// $URL, comma-separated: her page, a search by her name) as read
// (innerText): the stats' stage, the notes saying she is no lead yet and
// why a name search does not find her, the rows' stage cells, and whether
// each page fits at 1280 and 390 px (screenshots in $SHOTS). Prints what
// it saw for the Go test to check.
import { inEachLanguage } from './signin.mjs';
import { fits, launch } from './pages.mjs';

const base = process.env.URL; // .../admin/
const paths = (process.env.PAGES || '').split(',').filter((p) => p);
const browser = await launch();
const errors = [];
const out = { errors };
const text = async (page, sel) => (await page.locator(sel).count()) ? page.locator(sel).first().innerText() : '';
await inEachLanguage(browser, { errors, start: base + paths[0] }, async (page, lang) => {
  for (const [i, path] of paths.entries()) {
    if (i > 0) await page.goto(base + path);
    out[`${lang}-${i}`] = {
      stage: await text(page, 'main .stats > div:first-child'),
      notLead: await text(page, '#not-lead'),
      byName: await text(page, '#by-name'),
      rows: await page.locator('main table.cards tbody tr').evaluateAll((trs) => trs.map((tr) => tr.innerText)),
      overflow: await fits(page, `recipient-${lang}-${i}`, process.env.SHOTS),
    };
  }
});
console.log(JSON.stringify(out));
await browser.close();
