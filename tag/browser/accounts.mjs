// Drives the workspace's accounts pages in Debian's Chromium, signed in
// through the sign-in form: the list sorted by score and by recent
// activity, an account's page ($ACCOUNT), a person split out of it
// ($SPLIT_PERSON into $SPLIT_NAME) and merged back with the page's forms,
// a merge form sent empty, and the pages in Japanese (with the MQA's
// reasons, a split of everyone and a stale merge refused). Every page is
// measured at 1280 and 390 px wide (screenshots in $SHOTS). Prints what it
// saw for the Go test to check.
import { languages, openIn, signIn } from './signin.mjs';
import { fits, launch } from './pages.mjs';

const base = process.env.URL; // .../admin/
const shots = process.env.SHOTS;
const browser = await launch();
const errors = [];

const names = (page) => page.locator('main tbody tr td:first-child a').allInnerTexts();
const out = { errors, overflow: {} };
const page = await openIn(browser, 'en', errors);
const { resp } = await signIn(page, base + 'accounts', process.env.TOKEN);
out.listStatus = resp.status();
out.byScore = await names(page);
out.scores = await page.locator('main tbody tr td:nth-child(2)').allInnerTexts();
out.list = await page.locator('main').innerText();
out.current = await page.locator('header nav a[aria-current=page]').innerText();
out.overflow.accounts = await fits(page, 'accounts', shots);
await page.getByRole('link', { name: 'Recent activity' }).click();
await page.waitForLoadState('load');
out.byActivity = { url: page.url(), names: await names(page) };

// One account a page: the pager leads on and back.
await page.goto(base + 'accounts?limit=1');
out.paged = { first: await names(page) };
await page.getByRole('link', { name: 'More accounts' }).click();
await page.waitForLoadState('load');
out.paged.second = await names(page);
out.paged.back = await page.getByRole('link', { name: 'First page' }).count();
out.paged.more = await page.getByRole('link', { name: 'More accounts' }).count();
out.overflow.accountsPaged = await fits(page, 'accounts-paged', shots);
await page.goto(base + 'accounts?sort=score');

await page.getByRole('link', { name: process.env.ACCOUNT }).click();
await page.waitForLoadState('load');
out.account = { url: page.url(), title: await page.title(), text: await page.locator('main').innerText() };
out.overflow.account = await fits(page, 'account', shots);

// Split a person out with the page's form, then merge the new account back.
await page.getByLabel(process.env.SPLIT_PERSON).check();
await page.getByLabel("New account's name").fill(process.env.SPLIT_NAME);
await Promise.all([page.waitForURL(/m=split/), page.getByRole('button', { name: 'Split', exact: true }).click()]);
out.split = { url: page.url(), note: await page.getByRole('status').innerText(), text: await page.locator('main').innerText() };
const splitID = new URL(page.url()).pathname.split('/').pop();
await page.goto(out.account.url);
await page.getByLabel('Account to merge').selectOption(splitID);
await Promise.all([page.waitForURL(/m=merged/), page.getByRole('button', { name: 'Merge', exact: true }).click()]);
out.merged = { url: page.url(), note: await page.getByRole('status').innerText(), text: await page.locator('main').innerText() };

// The merge form sent with nothing chosen: the page says what is wrong.
const before = errors.length;
const answered = page.waitForResponse((r) => r.request().method() === 'POST');
await page.getByRole('button', { name: 'Merge', exact: true }).click();
const bad = await answered;
await page.waitForLoadState('load');
// Chromium logs the form's 400 answer (as meant) as a failed resource.
errors.splice(before, errors.length - before, ...errors.slice(before).filter((e) => !/status of 400/.test(e)));
out.badMerge = { status: bad.status(), alert: await page.getByRole('alert').innerText(), english: await page.getByRole('link', { name: 'English' }).getAttribute('href') };
out.overflow.badMerge = await fits(page, 'account-error', shots);

// Japanese, as a browser that asks for it gets the pages.
const jp = await openIn(browser, 'ja', errors);
await signIn(jp, base + 'accounts', process.env.TOKEN, languages.ja.form);
out.ja = { lang: await jp.getAttribute('html', 'lang'), list: await jp.locator('main').innerText(), nav: await jp.locator('header nav').innerText() };
out.overflow.accountsJa = await fits(jp, 'accounts-ja', shots);
await jp.goto(out.account.url);
out.ja.account = await jp.locator('main').innerText();
out.ja.mqa = await jp.locator('main .card .why').first().innerText();
out.overflow.accountJa = await fits(jp, 'account-ja', shots);

// The forms' refusals in Japanese: everyone chosen to split (a split
// leaves someone behind), and a merge sent from a page another colleague's
// merge ($MERGE_ID into this account, in a second tab) has made stale.
const refused = async (button) => {
  const before = errors.length;
  const answered = jp.waitForResponse((r) => r.request().method() === 'POST');
  await jp.getByRole('button', { name: button, exact: true }).click();
  const resp = await answered;
  await jp.waitForLoadState('load');
  // Chromium logs the form's 4xx answer (as meant) as a failed resource.
  errors.splice(before, errors.length - before, ...errors.slice(before).filter((e) => !/status of 4\d\d/.test(e)));
  return { status: resp.status(), alert: await jp.getByRole('alert').innerText(), text: await jp.locator('main').innerText() };
};
for (const box of await jp.locator('input[name=people]').all()) await box.check();
await jp.getByLabel('新しいアカウントの名前').fill('アクメ 全員');
out.ja.splitAll = await refused('分割する');
out.overflow.accountErrorJa = await fits(jp, 'account-error-ja', shots);
await jp.goto(out.account.url);
const colleague = await jp.context().newPage();
await colleague.goto(out.account.url);
await colleague.getByLabel('統合するアカウント').selectOption(process.env.MERGE_ID);
await Promise.all([colleague.waitForURL(/m=merged/), colleague.getByRole('button', { name: '統合する', exact: true }).click()]);
await jp.getByLabel('統合するアカウント').selectOption(process.env.MERGE_ID);
out.ja.staleMerge = await refused('統合する');
console.log(JSON.stringify(out));
await browser.close();
