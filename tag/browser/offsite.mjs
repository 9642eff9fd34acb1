// A marketer reads a person's page ($URL: .../admin/people/<id>) whose
// timeline holds a page of the team's site and a look-alike sign-in page
// an event posted to the collector named. Signed in through the sign-in
// form, in English and in Japanese, it lists the page's links to other
// origins (href, rel), the URLs shown as text and their marks, follows the
// link to the team's site (answered here, not fetched) and says the
// Referer it carried, and any request to another host. Screenshots in
// $SHOTS. Prints what it saw for the Go test to check.
import { inEachLanguage } from './signin.mjs';
import { fits, launch } from './pages.mjs';

const browser = await launch('--disable-blink-features=AutomationControlled');
const errors = [];
const out = { errors };

// Nothing leaves the machine, the sign-in included: the team's site is
// answered here, any other host recorded and refused.
async function before(page, lang) {
  const seen = out[lang] = { away: [] };
  await page.context().route((u) => !u.href.startsWith(new URL(process.env.URL).origin), async (route) => {
    const r = route.request();
    seen.away.push({ url: r.url(), referer: (await r.allHeaders()).referer ?? '' });
    if (new URL(r.url()).hostname === 'www.example.com') await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>site</title>the team site' });
    else await route.abort();
  });
}

await inEachLanguage(browser, { langs: ['en', 'ja'], errors, start: process.env.URL, before }, async (page, lang) => {
  const seen = out[lang];
  const main = page.locator('main');
  seen.links = await main.locator('a').evaluateAll((as) => as.filter((a) => a.origin !== location.origin).map((a) => ({ href: a.href, rel: a.rel, text: a.innerText })));
  seen.texts = await main.locator('.offsite code').allInnerTexts();
  seen.marks = await main.locator('.chip.offsite').allInnerTexts();
  seen.overflow = await fits(page, `offsite-person-${lang}`, process.env.SHOTS);
  if (lang === 'en') {
    await Promise.all([page.waitForURL(/www\.example\.com/), main.locator('a[href="https://www.example.com/pricing"]').first().click()]);
    seen.followed = page.url();
  }
});
console.log(JSON.stringify(out));
await browser.close();
