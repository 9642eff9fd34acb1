// Opens a person whose hand-off the SFA refused ($PERSON) and the MQL
// list in Debian's Chromium, in Japanese and in English, signed in through
// the sign-in form; each page measured at 1280 and 390 px wide
// (screenshots in $SHOTS). Prints what it saw for the Go test to check.
import { inEachLanguage } from './signin.mjs';
import { fits, launch } from './pages.mjs';

const base = process.env.URL; // .../admin/
const shots = process.env.SHOTS;
const browser = await launch();
const errors = [];
const out = { errors, overflow: {} };
await inEachLanguage(browser, { errors, start: base + 'people/' + process.env.PERSON }, async (page, lang) => {
  out[lang] = { person: await page.locator('main').innerText() };
  out.overflow['person-' + lang] = await fits(page, `delivery-person-${lang}`, shots);
  await page.goto(base + 'mqls');
  out[lang].mqls = await page.locator('main').innerText();
  out[lang].chip = await page.locator('main .chip.dead').first().getAttribute('title');
  out.overflow['mqls-' + lang] = await fits(page, `delivery-mqls-${lang}`, shots);
});
console.log(JSON.stringify(out));
await browser.close();
