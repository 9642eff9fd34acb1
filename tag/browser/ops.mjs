// Drives the workspace in Debian's Chromium as a Japanese marketing-ops
// user does (Accept-Language: ja), signed in through the sign-in form.
// STEPS (comma-separated) says what to do:
//   upload: upload $LIST on campaign $CAMPAIGN's page, save the download
//           as $DOWNLOAD;
// Screenshots in $SHOTS. Prints what it saw for the Go test to check.
import { signIn } from './signin.mjs';
import { launch, watchErrors } from './pages.mjs';

const base = process.env.URL; // .../admin/
const shots = process.env.SHOTS;
const steps = (process.env.STEPS || '').split(',');
const browser = await launch();
const errors = [];
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, locale: 'ja-JP', extraHTTPHeaders: { 'Accept-Language': 'ja,en;q=0.5' } });
const page = await context.newPage();
watchErrors(page, errors);
const out = { errors };
await signIn(page, base + 'campaigns/' + process.env.CAMPAIGN, process.env.TOKEN, { label: '管理トークン', button: 'サインイン' });

if (steps.includes('upload')) {
  await page.getByLabel('受信者 CSV').setInputFiles(process.env.LIST);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'アップロードしてトークン付きでダウンロード' }).click();
  const d = await download;
  await d.saveAs(process.env.DOWNLOAD);
  out.upload = { file: d.suggestedFilename(), url: page.url() };
  if (shots) await page.screenshot({ path: `${shots}/ops-upload.png`, fullPage: true });
}
console.log(JSON.stringify(out));
await browser.close();
