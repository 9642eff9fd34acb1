// Signs in to the workspace in Japanese in Debian's Chromium and opens the
// MQL inbox, whose first card is of a person who came back (a form sent
// after their MQL): measured at 1280 and 390 px, the card screenshotted
// (in $SHOTS). Prints what it saw for the Go test to check.
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
out.overflow = await fits(page, 'reinquiry-inbox', shots);
const card = page.locator('div.card.lead').first();
out.first = await card.locator('h2 a').innerText();
out.badge = await card.locator('.chip.came-back').innerText();
out.cameBack = await card.locator('div.came-back').innerText();
out.badges = await page.locator('.chip.came-back').count();
await page.setViewportSize({ width: 1280, height: 900 });
await card.screenshot({ path: `${shots}/reinquiry-inbox-card.png` });
await context.close();
console.log(JSON.stringify(out));
await browser.close();
