// Signs in to the workspace in Japanese in Debian's Chromium and opens the
// MQL inbox, where the card of $PERSON is of a webinar no-show after the
// MQL: measured at 1280 and 390 px, the card screenshotted (in $SHOTS).
// Prints what it saw for the Go test to check.
import { signIn } from './signin.mjs';
import { fits, launch, watchErrors } from './pages.mjs';

const base = process.env.URL; // .../admin/
const shots = process.env.SHOTS;
const browser = await launch();
const errors = [];
const out = { errors };
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP', extraHTTPHeaders: { 'Accept-Language': 'ja,en;q=0.5' } });
const page = await context.newPage();
watchErrors(page, errors);
await signIn(page, base + 'inbox', process.env.TOKEN, { label: '管理トークン', button: 'サインイン' });
out.overflow = await fits(page, 'noshow-inbox', shots);
await page.setViewportSize({ width: 1280, height: 900 });
const card = page.locator('div.card.lead', { has: page.locator(`h2 a[href="people/${process.env.PERSON}"]`) });
out.card = await card.innerText();
// The badges' colours: 欠席 must stand out as 未回答 does, not grey.
const colour = (sel) => card.locator(sel).first().evaluate((e) => getComputedStyle(e).backgroundColor);
out.noshowColour = await colour('.chip.noshow');
out.pendingColour = await colour('.chip.pending');
await card.screenshot({ path: `${shots}/noshow-inbox-card.png` });
await context.close();
console.log(JSON.stringify(out));
await browser.close();
