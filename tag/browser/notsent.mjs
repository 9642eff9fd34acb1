// Opens the MQL list of an MQL raised before HubSpot was connected in
// Debian's Chromium, in Japanese and in English, signed in through the
// sign-in form; the page measured at 1280 and 390 px wide (screenshots in
// $SHOTS). In English, last, it presses the MQL's "Send to HubSpot"
// button, as an operator does. Prints what it saw for the Go test to check.
import { inEachLanguage } from './signin.mjs';
import { fits, launch } from './pages.mjs';

const base = process.env.URL; // .../admin/
const shots = process.env.SHOTS;
const browser = await launch();
const errors = [];
const out = { errors, overflow: {} };
await inEachLanguage(browser, { errors, start: base + 'mqls' }, async (page, lang) => {
  const chip = page.locator('main .chip.not_sent').first();
  out[lang] = { chip: await chip.innerText(), button: await page.locator('main form.send button').first().innerText() };
  out.overflow['mqls-' + lang] = await fits(page, `notsent-mqls-${lang}`, shots);
  if (lang === 'en') {
    await Promise.all([page.waitForURL(/sent=/), page.locator('main form.send button').first().click()]);
    out[lang].after = await page.getByRole('status').first().innerText();
    out.overflow['sent-' + lang] = await fits(page, `notsent-sent-${lang}`, shots);
  }
});
console.log(JSON.stringify(out));
await browser.close();
