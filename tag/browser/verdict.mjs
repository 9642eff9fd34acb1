// Signs in to the workspace in Japanese in Debian's Chromium, opens the
// MQL inbox, gives sales' verdict on the first lead with its form
// (差し戻し with a reason, $WHY) and follows it back to the inbox, then
// the inbox's filter of the leads awaiting a verdict, where it accepts
// the other lead and comes back to the filter; then,
// signed in again as a read-only user ($READER), looks at the inbox.
// Measured at 1280 and 390 px (screenshots in $SHOTS). Prints what it saw
// for the Go test to check.
import { signIn } from './signin.mjs';
import { fits, launch, watchErrors } from './pages.mjs';

const base = process.env.URL; // .../admin/
const shots = process.env.SHOTS;
const browser = await launch();
const errors = [];
const out = { errors, overflow: {} };
const ja = { locale: 'ja-JP', extraHTTPHeaders: { 'Accept-Language': 'ja,en;q=0.5' } };
const form = { label: '管理トークン', button: 'サインイン' };

let context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...ja });
let page = await context.newPage();
watchErrors(page, errors);
await signIn(page, base + 'inbox', process.env.TOKEN, form);
out.overflow.inbox = await fits(page, 'verdict-inbox', shots);
out.awaitingBefore = await page.locator('a.awaiting').innerText();
const verdict = page.locator('form.verdict').first();
out.options = await verdict.locator('select[name=outcome] option').allInnerTexts();
await verdict.locator('select[name=outcome]').selectOption('rejected');
await verdict.locator('input[name=why]').fill(process.env.WHY);
await Promise.all([page.waitForURL(/\/inbox\?/), verdict.locator('button[type=submit]').click()]);
out.url = page.url();
out.note = await page.locator('main p.note[role=status]').innerText();
out.card = await page.locator('div.card.lead').first().innerText();
out.overflow.back = await fits(page, 'verdict-back', shots);
await page.setViewportSize({ width: 1280, height: 900 });
await page.locator('div.card.lead').first().screenshot({ path: `${shots}/verdict-recycled-card.png` });
// The same verdict sent again (a double click, the back button) counts once.
await page.goto(base + 'inbox');
const again = page.locator('form.verdict').first();
await again.locator('select[name=outcome]').selectOption('rejected');
await again.locator('input[name=why]').fill(process.env.WHY);
await Promise.all([page.waitForURL(/\/inbox\?/), again.locator('button[type=submit]').click()]);
out.againUrl = page.url();
out.againNote = await page.locator('main p.note[role=status]').innerText();
// The filter of the leads awaiting a verdict, from its link on the inbox.
await page.goto(base + 'inbox');
await Promise.all([page.waitForURL(/show=awaiting/), page.locator('a.awaiting').click()]);
out.awaiting = {
  link: await page.locator('a.awaiting').innerText(),
  current: await page.locator('a.awaiting').getAttribute('aria-current'),
  leads: await page.locator('div.card.lead h2 a').allInnerTexts(),
};
out.overflow.awaiting = await fits(page, 'verdict-inbox-awaiting', shots);
await page.setViewportSize({ width: 1280, height: 900 });
const accept = page.locator('form.verdict').first();
await accept.locator('select[name=outcome]').selectOption('accepted');
await Promise.all([page.waitForURL(/m=outcome/), accept.locator('button[type=submit]').click()]);
out.filterUrl = page.url();
out.filterNote = await page.locator('main p.note[role=status]').innerText();
out.filterLink = await page.locator('a.awaiting').innerText();
await context.close();

context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...ja });
page = await context.newPage();
watchErrors(page, errors);
await signIn(page, base + 'inbox', process.env.READER, form);
out.readerForms = await page.locator('form.verdict').count();
out.readerInbox = await page.locator('main').innerText();
await context.close();
console.log(JSON.stringify(out));
await browser.close();
