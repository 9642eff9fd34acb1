// Drives the workspace in Debian's Chromium as a Japanese marketing-ops
// user does (Accept-Language: ja), signed in through the sign-in form.
// STEPS (comma-separated) says what to do:
//   upload: upload $LIST on the $START campaign page (as a further part
//           when its box is ticked, as it is for a send with a list;
//           with $REPLACE unticked first), read what the page then says,
//           save the list's download as $DOWNLOAD, follow the link back
//           to the campaigns;
//   suggest: follow the rules page's link to the suggestions, then ask
//           with $MIN answered MQLs;
//   dashboard: read the KPI section as it opens, then pick $FROM to $TO
//           and read it again; download the KPI's and the funnel's CSV,
//           saving their file names; pick $FROM2 to $TO2 (months not
//           begun) and read it again; with $FROM3 and $TO3, a long
//           period, read as one table.
//   person: read person $PERSON's scores (the header) and MQL reasons.
// Screenshots in $SHOTS. Prints what it saw for the Go test to check.
import { signIn } from './signin.mjs';
import { fits, launch, watchErrors } from './pages.mjs';

const base = process.env.URL; // .../admin/
const shots = process.env.SHOTS;
const steps = (process.env.STEPS || '').split(',');
const browser = await launch();
const errors = [];
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, locale: 'ja-JP', extraHTTPHeaders: { 'Accept-Language': 'ja,en;q=0.5' } });
const page = await context.newPage();
watchErrors(page, errors);
const out = { errors };
await signIn(page, base + (process.env.START || ''), process.env.TOKEN, { label: '管理トークン', button: 'サインイン' });

if (steps.includes('upload')) {
  await page.getByLabel('受信者 CSV').setInputFiles(process.env.LIST);
  // The further part's box, as the page offered it ('' for a send with no list).
  const box = page.locator('input[name=add]');
  const addBox = await box.count() ? (await box.isChecked() ? 'checked' : 'unchecked') : '';
  if (process.env.REPLACE && addBox) await box.uncheck();
  const before = errors.length;
  await page.getByRole('button', { name: 'アップロードしてトークンを付ける' }).click();
  await page.waitForLoadState('load');
  // Chromium logs a refused list's 400 answer (as meant) as a failed resource.
  errors.splice(before, errors.length - before, ...errors.slice(before).filter((e) => !/status of 400/.test(e)));
  // What the page says right after the upload, before any reload.
  const recipients = page.locator('.stats div').filter({ hasText: '受信者' }).first();
  out.upload = {
    addBox, url: page.url(), about: await page.locator('main p', { hasText: 'キャンペーン ID' }).innerText(),
    recipients: await recipients.innerText(),
    status: await page.locator('.uploaded').count() ? await page.locator('.uploaded').innerText() : '',
    alert: await page.locator('#upload-error').count() ? await page.locator('#upload-error').innerText() : '',
  };
  if (shots) await page.screenshot({ path: `${shots}/ops-upload${process.env.SHOT || ''}.png`, fullPage: true });
  out.upload.over = await fits(page, 'ops-upload', shots);
  if (process.env.DOWNLOAD && out.upload.status) {
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'トークン付きのリストをダウンロード' }).click();
    const d = await download;
    await d.saveAs(process.env.DOWNLOAD);
    out.upload.file = d.suggestedFilename();
  }
  // The page's links still lead where they did (the answer is one level down).
  await page.locator('main p.small.muted a', { hasText: 'キャンペーン' }).first().click(); // the breadcrumb
  await page.waitForLoadState('load');
  out.upload.back = page.url();
}
if (steps.includes('suggest')) {
  await page.goto(base + 'rules');
  const before = errors.length;
  const answered = page.waitForResponse((r) => r.url().includes('/rules/suggestions'));
  await page.getByRole('link', { name: '営業の結果からの提案' }).click();
  const resp = await answered;
  await page.waitForLoadState('load');
  // Chromium logs the page's 409 answer (as meant) as a failed resource.
  errors.splice(before, errors.length - before, ...errors.slice(before).filter((e) => !/status of 409/.test(e)));
  out.suggest = { status: resp.status(), type: resp.headers()['content-type'], lang: await page.getAttribute('html', 'lang'), text: await page.locator('main').innerText() };
  if (shots) await page.screenshot({ path: `${shots}/ops-suggest-few.png`, fullPage: true });
  await page.getByLabel('必要な回答済み MQL 数').fill(process.env.MIN);
  await page.getByRole('button', { name: '提案を表示' }).click();
  await page.waitForLoadState('load');
  out.suggested = { url: page.url(), text: await page.locator('main').innerText(), rows: await page.locator('tbody tr').count() };
  if (shots) await page.screenshot({ path: `${shots}/ops-suggest.png`, fullPage: true });
  out.suggested.over = await fits(page, 'ops-suggest', shots);
}
if (steps.includes('dashboard')) {
  await page.goto(base);
  const kpi = async () => ({ heads: await page.locator('section.kpi h2').allInnerTexts(), text: await page.locator('section.kpi').allInnerTexts() });
  out.kpiNow = await kpi();
  if (shots) await page.screenshot({ path: `${shots}/ops-dashboard-now.png`, fullPage: true });
  await page.getByLabel('開始').fill(process.env.FROM);
  await page.getByLabel('終了').fill(process.env.TO);
  await page.getByRole('button', { name: '絞り込む' }).click();
  await page.waitForLoadState('load');
  out.kpiPicked = { url: page.url(), ...(await kpi()) };
  out.kpiPicked.over = await fits(page, 'ops-dashboard-picked', shots);
  if (shots) await page.screenshot({ path: `${shots}/ops-dashboard-picked.png`, fullPage: true });
  // A period into months not begun yet.
  await page.getByLabel('開始').fill(process.env.FROM2);
  await page.getByLabel('終了').fill(process.env.TO2);
  await page.getByRole('button', { name: '絞り込む' }).click();
  await page.waitForLoadState('load');
  out.kpiAhead = await kpi();
  if (shots) await page.screenshot({ path: `${shots}/ops-dashboard-ahead.png`, fullPage: true });
  if (process.env.FROM3) { // a long period: one table, a row a month
    await page.getByLabel('開始').fill(process.env.FROM3);
    await page.getByLabel('終了').fill(process.env.TO3);
    await page.getByRole('button', { name: '絞り込む' }).click();
    await page.waitForLoadState('load');
    out.kpiLong = { ...(await kpi()), tables: await page.locator('section.kpi table').count(), months: await page.locator('section.kpi tr.kpi-month').evaluateAll((rows) => rows.map((r) => r.dataset.month)) };
    if (shots) await page.screenshot({ path: `${shots}/ops-dashboard-long.png`, fullPage: true });
    out.kpiLong.over = await fits(page, 'ops-dashboard-long', shots);
    await page.goBack();
  }
  await page.goBack();
  out.files = {};
  for (const name of ['KPI', 'ファネル']) {
    const download = page.waitForEvent('download');
    await page.locator('p.csv').getByRole('link', { name, exact: true }).click();
    out.files[name] = (await download).suggestedFilename();
  }
}
if (steps.includes('person')) {
  await page.goto(base + 'people/' + process.env.PERSON);
  out.person = {
    header: await page.locator('.stats div').filter({ hasText: '行動スコア' }).locator('b').innerText(),
    reasons: await page.locator('.card ul.plain').first().locator('li').allInnerTexts(),
  };
  if (shots) await page.screenshot({ path: `${shots}/ops-person.png`, fullPage: true });
}
console.log(JSON.stringify(out));
await browser.close();
