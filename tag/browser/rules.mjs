// Renders the MQL definition lab (GET /admin/rules) in Debian's Chromium,
// signed in through the sign-in form; pastes the candidate rules file from
// $CANDIDATE into the form, submits it (the form carries the session's CSRF
// token) and screenshots both pages; then, in Japanese, sends candidates
// the rules file's checks refuse. Prints what the pages show for the Go
// test to check.
import { readFileSync } from 'node:fs';
import { launch } from './pages.mjs';
import { signIn } from './signin.mjs';

const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
const page = await context.newPage();
const violations = [];
page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
const { resp } = await signIn(page, process.env.URL, process.env.TOKEN);
const rules = {
  status: resp.status(),
  csp: resp.headers()['content-security-policy'] || '',
  text: await page.locator('body').innerText(),
  scripts: await page.locator('script').count(),
};
await page.screenshot({ path: process.env.SHOT, fullPage: true });
await page.locator('#rules').fill(readFileSync(process.env.CANDIDATE, 'utf8'));
const answered = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/admin/rules/simulate'));
await page.getByRole('button', { name: 'Simulate' }).click();
const sim = await answered;
await page.waitForLoadState('load');
await page.screenshot({ path: process.env.SHOT2, fullPage: true });
const result = {
  status: sim.status(),
  url: page.url(),
  text: await page.locator('body').innerText(),
  bars: await page.locator('span.bar').count(),
};

// In Japanese, candidates the rules file's checks refuse ($BAD, $BAD_YAML):
// the page says what is wrong in Japanese (screenshot $SHOT3).
const jp = await (await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'ja-JP', extraHTTPHeaders: { 'Accept-Language': 'ja,en;q=0.5' } })).newPage();
await signIn(jp, process.env.URL, process.env.TOKEN, { label: '管理トークン', button: 'サインイン' });
const refused = async (text) => {
  await jp.locator('#rules').fill(text);
  const answered = jp.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/admin/rules/simulate'));
  await jp.getByRole('button', { name: 'シミュレーション' }).click();
  const resp = await answered;
  await jp.waitForLoadState('load');
  return { status: resp.status(), lang: await jp.getAttribute('html', 'lang'), alert: await jp.getByRole('alert').innerText(), text: await jp.locator('main').innerText() };
};
const ja = { bad: await refused(process.env.BAD) };
await jp.screenshot({ path: process.env.SHOT3, fullPage: true });
ja.badYAML = await refused(process.env.BAD_YAML);
// On a phone (390 px), the simulation's answer is where the eye is after
// Simulate: the result's heading within the screen, not below the
// conditions' cards; a refused candidate's alert likewise.
const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
await signIn(phone, process.env.URL, process.env.TOKEN);
const seen = async (text, selector) => {
  await phone.goto(process.env.URL);
  await phone.locator('#rules').fill(text);
  await Promise.all([phone.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/admin/rules/simulate')), phone.getByRole('button', { name: 'Simulate' }).click()]);
  await phone.waitForLoadState('load');
  await phone.waitForTimeout(100); // the scroll to the fragment
  const box = await phone.locator(selector).boundingBox();
  return { url: phone.url(), top: box ? Math.round(box.y) : null, height: 844 };
};
const onPhone = { result: await seen(readFileSync(process.env.CANDIDATE, 'utf8'), 'h2#result') };
if (process.env.SHOT) await phone.screenshot({ path: process.env.SHOT.replace(/\.png$/, '-phone-result.png') });
onPhone.refused = await seen(process.env.BAD, '[role=alert]');
console.log(JSON.stringify({ rules, result, ja, onPhone, violations }));
await browser.close();
