// Reads the MQL definition lab's figures in Debian's Chromium, as a user
// compares them: the rules page's conditions table (GET /admin/rules, each
// condition's MQLs as stored), then the candidate from $CANDIDATE
// simulated through the form, and the result page's tables (the same
// conditions table, and the lab's by-condition table: stored, replayed
// under the rules in force, replayed under the candidate, and what it says
// of where the replay under the rules in force differs from the MQLs
// raised). Once in English
// and once in Japanese; screenshots in $SHOTS. Prints what the pages show
// for the Go test to check.
import { readFileSync } from 'node:fs';
import { launch } from './pages.mjs';
import { signIn } from './signin.mjs';

const browser = await launch();
const candidate = readFileSync(process.env.CANDIDATE, 'utf8');

// rows reads a table as {the row's condition name (data-condition; the cell
// shows its label), else its first cell: [the other cells' text]}.
const rows = (page, id) => page.locator(`table#${id} tbody tr`).evaluateAll((trs) =>
  Object.fromEntries(trs.map((tr) => {
    const cells = [...tr.querySelectorAll('td')].map((td) => td.innerText.trim());
    return [tr.dataset.condition ?? cells[0], cells.slice(1)];
  })));
const heads = (page, id) => page.locator(`table#${id} thead th`).allInnerTexts();

const read = async (lang, { label, button, simulate }) => {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: lang === 'ja' ? 'ja-JP' : 'en-US',
    extraHTTPHeaders: { 'Accept-Language': lang === 'ja' ? 'ja,en;q=0.5' : 'en' } });
  const page = await ctx.newPage();
  await signIn(page, process.env.URL, process.env.TOKEN, { label, button });
  const rulesPage = { conditions: await rows(page, 'conditions'), heads: await heads(page, 'conditions') };
  await page.screenshot({ path: `${process.env.SHOTS}/rules-${lang}.png`, fullPage: true });
  await page.locator('#rules').fill(candidate);
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/admin/rules/simulate'));
  await page.getByRole('button', { name: simulate }).click();
  const resp = await answered;
  await page.waitForLoadState('load');
  await page.locator('#result').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${process.env.SHOTS}/rules-simulated-${lang}.png`, fullPage: true });
  const result = {
    status: resp.status(),
    conditions: await rows(page, 'conditions'),
    byCondition: await rows(page, 'lab-by-condition'),
    byConditionHeads: await heads(page, 'lab-by-condition'),
    byMonth: await rows(page, 'lab-by-month'),
    stats: await page.locator('.stats > div').allInnerTexts(),
    baselines: await page.locator('#baselines').innerText(),
    check: await page.locator('#lab-check').innerText(),
    text: await page.locator('main').innerText(),
  };
  await ctx.close();
  return { rulesPage, result };
};

const en = await read('en', { label: 'Admin token', button: 'Sign in', simulate: 'Simulate' });
const ja = await read('ja', { label: '管理トークン', button: 'サインイン', simulate: 'シミュレーション' });
console.log(JSON.stringify({ en, ja }));
await browser.close();
