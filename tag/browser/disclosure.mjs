// A privacy officer answers a person's request to see their data: signed
// in through the sign-in form (in Japanese), they open the person's page
// ($URL: .../admin/people/<id>), take the link to everything Baton keeps
// of them (its list of parts, which is the file itself when it is one part,
// as here), and get the file. Prints what the Go test checks: the link's
// text, the download's name, and the file's person, counts and about.
import { readFileSync } from 'node:fs';
import { signIn } from './signin.mjs';
import { launch, watchErrors } from './pages.mjs';

const browser = await launch();
const errors = [];
const context = await browser.newContext({ locale: 'ja-JP', extraHTTPHeaders: { 'Accept-Language': 'ja,en;q=0.5' }, acceptDownloads: true });
const page = await context.newPage();
watchErrors(page, errors);
await signIn(page, process.env.URL, process.env.TOKEN, { label: '管理トークン', button: 'サインイン' });
const link = page.getByRole('link', { name: /すべてのデータをダウンロード/ });
const text = await link.innerText();
if (process.env.SHOTS) await page.screenshot({ path: `${process.env.SHOTS}/disclosure-person.png`, fullPage: true });
const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
const file = JSON.parse(readFileSync(await download.path(), 'utf8'));
console.log(JSON.stringify({ errors, text, name: download.suggestedFilename(), person: file.person, counts: file.counts, about: file.about }));
await context.close();
await browser.close();
