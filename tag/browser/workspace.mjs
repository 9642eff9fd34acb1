// Drives the workspace in Debian's Chromium as a marketer and a salesperson
// would, signed in through the sign-in form. PHASE=create: create a campaign
// in the form and upload the recipient list ($LIST), saving the tokenised
// CSV the browser downloads ($DOWNLOAD). PHASE=read: read the campaign's
// report, open a person who clicked, open an MQL from the list, replay
// nothing, and visit every page at 1280 and 390 px wide, in English and in
// Japanese (Accept-Language: ja), screenshots in $SHOTS. Prints what it saw
// for the Go test to check.
import { languages, openIn, signIn } from './signin.mjs';
import { fits, launch } from './pages.mjs';

const base = process.env.URL; // .../admin/
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const shots = process.env.SHOTS;
const browser = await launch(
  // A person at the demo, not a robot: the collector identifies no webdriver.
  '--disable-blink-features=AutomationControlled',
  // Nor headless Chromium's user agent, which says so (a bot, never
  // identified): set for the whole browser, since a context's user agent
  // does not reach the beacons a page sends as it unloads, and a form's
  // event could arrive first by beacon, as a bot's.
  `--user-agent=${UA}`);
const errors = [];
const newPage = (lang = 'en') => openIn(browser, lang, errors, { acceptDownloads: true });

const out = { errors };
if (process.env.PHASE === 'demo') {
  // The demo: send the contact form, follow the thanks page's link to the
  // sender's page in the workspace, signing in on the way.
  const page = await newPage();
  // Each demo page fits a phone as well as a window.
  out.demoOverflow = {};
  for (const name of ['index', 'pricing', 'whitepaper', 'contact']) {
    await page.goto(process.env.DEMO + name + '.html');
    out.demoOverflow[name] = await fits(page, `demo-${name}`, shots);
  }
  await page.getByLabel('Email').fill(process.env.EMAIL);
  await page.getByLabel('Company').fill('Demo Buyer Inc.');
  await Promise.all([page.waitForURL(/thanks/), page.getByRole('button', { name: 'Send' }).click()]);
  out.thanks = { url: page.url(), href: await page.locator('#person').getAttribute('href'), footer: await page.locator('footer a').getAttribute('href') };
  if (shots) await page.screenshot({ path: `${shots}/demo-thanks.png`, fullPage: true });
  await page.locator('#person').click();
  await page.getByLabel('Admin token').fill(process.env.TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin\/people/);
  for (let i = 0; i < 60 && !/\/admin\/people\/[^/?]+$/.test(page.url()); i++) { // the tag's beacon may still be on its way
    await page.waitForTimeout(250);
    await page.goto(new URL(out.thanks.href, out.thanks.url).href);
  }
  out.person = { url: page.url(), text: await page.locator('main').innerText() };
} else if (process.env.PHASE === 'create') {
  const page = await newPage();
  const { resp } = await signIn(page, base + 'campaigns', process.env.TOKEN);
  out.campaignsStatus = resp.status();
  await page.getByLabel('Campaign id').fill('nov-news');
  await page.getByLabel('Name', { exact: true }).fill('November newsletter');
  await page.getByLabel('Send time').fill(process.env.SENT);
  await page.getByLabel('Destination URLs, one per line').fill('https://www.example.com/pricing\nhttps://www.example.com/whitepaper');
  await page.getByLabel('utm_campaign').fill('nov-news');
  await page.getByRole('button', { name: 'Create campaign' }).click();
  await page.waitForURL(/campaigns\/nov-news/);
  out.created = { url: page.url(), note: await page.getByRole('status').innerText(), tracked: await page.locator('tr.tracked').evaluateAll((rows) => rows.map((r) => [r.querySelector('.dest').innerText, r.querySelector('code').innerText, r.querySelector('.chip') ? 'honeypot' : ''])) };
  if (shots) await page.screenshot({ path: `${shots}/campaign-created.png`, fullPage: true });
  await page.getByLabel('Recipient CSV').setInputFiles(process.env.LIST);
  await page.getByRole('button', { name: 'Upload and add tokens' }).click();
  await page.waitForLoadState('load');
  // The page the upload answered: the campaign as it is now, the list's
  // link to download.
  out.uploaded = { url: page.url(), status: await page.getByRole('status').innerText(), stats: await page.locator('.stats div').first().innerText() };
  if (shots) await page.screenshot({ path: `${shots}/campaign-uploaded.png`, fullPage: true });
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download the list with tokens' }).click();
  const d = await download;
  await d.saveAs(process.env.DOWNLOAD);
  out.download = d.suggestedFilename();
  // A form with an error keeps what was typed and says what is wrong.
  await page.goto(base + 'campaigns');
  await page.getByLabel('Campaign id').fill('Bad Id!');
  await page.getByLabel('Destination URLs, one per line').fill('https://www.example.com/');
  await page.locator('#c-id').evaluate((e) => e.removeAttribute('pattern')); // past the browser's own check
  const before = errors.length;
  await page.getByRole('button', { name: 'Create campaign' }).click();
  await page.waitForLoadState('load');
  // Chromium logs the form's 400 answer (as meant) as a failed resource.
  errors.splice(before, errors.length - before, ...errors.slice(before).filter((e) => !/status of 400/.test(e)));
  out.badForm = { alert: await page.getByRole('alert').innerText(), kept: await page.getByLabel('Destination URLs, one per line').inputValue() };
} else {
  const page = await newPage();
  await signIn(page, base + 'campaigns/nov-news', process.env.TOKEN);
  out.report = await page.locator('.stats').innerText();
  out.perLink = await page.locator('table').first().innerText();
  out.overflow = {};
  out.overflow.campaign = await fits(page, 'campaign', shots);
  await page.getByRole('link', { name: process.env.LEAD_NAME }).first().click();
  await page.waitForLoadState('load');
  out.person = { url: page.url(), title: await page.title(), text: await page.locator('main').innerText() };
  out.overflow.person = await fits(page, 'person', shots);
  await page.goto(base + 'mqls');
  out.mqls = await page.locator('main').innerText();
  out.overflow.mqls = await fits(page, 'mqls', shots);
  await page.getByRole('link', { name: process.env.LEAD_NAME }).first().click();
  await page.waitForLoadState('load');
  out.mqlPerson = page.url();
  await page.goto(base + 'people');
  await page.getByLabel('Email, name or company').fill(process.env.SEARCH);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForLoadState('load');
  out.search = await page.locator('main').innerText();
  // A number on the dashboard opens the people behind it.
  await page.goto(base);
  await page.locator('table:not(.chart-figures)').first().locator('tr', { hasText: '(all)' }).locator('a').nth(1).click();
  await page.waitForLoadState('load');
  out.behind = { url: page.url(), text: await page.locator('main').innerText() };
  for (const [name, path] of [['people', 'people'], ['campaigns', 'campaigns'], ['touches', 'touches'], ['dashboard', ''], ['rules', 'rules'], ['inbox', 'inbox']]) {
    const r = await page.goto(base + path);
    out.overflow[name] = await fits(page, name, shots);
    out.overflow[name + 'Status'] = r.status();
  }
  // The people list: its order (the Score column's, highest first).
  await page.goto(base + 'people');
  out.people = { scores: await page.locator('td[data-l="Score"]').allInnerTexts(), sorted: await page.locator('th[aria-sort]').allInnerTexts() };
  // Japanese: chosen by the browser's language, switched back by the link.
  const jp = await newPage('ja');
  await jp.goto(base + 'login');
  out.ja = { login: await jp.locator('main').innerText() };
  if (shots) await jp.screenshot({ path: `${shots}/login-ja.png`, fullPage: true });
  await signIn(jp, base + 'campaigns/nov-news', process.env.TOKEN, languages.ja.form);
  out.ja.lang = await jp.getAttribute('html', 'lang');
  out.ja.report = await jp.locator('main').innerText();
  out.overflow.campaignJa = await fits(jp, 'campaign-ja', shots);
  await jp.goto(out.person.url);
  out.ja.person = await jp.locator('main').innerText();
  out.ja.nav = await jp.locator('header nav').innerText();
  out.overflow.personJa = await fits(jp, 'person-ja', shots);
  for (const [name, path] of [['dashboard', ''], ['mqls', 'mqls'], ['people', 'people'], ['campaigns', 'campaigns'], ['touches', 'touches'], ['rules', 'rules'], ['inbox', 'inbox']]) {
    await jp.goto(base + path);
    out.ja[name] = await jp.locator('main').innerText();
    out.overflow[name + 'Ja'] = await fits(jp, name + '-ja', shots);
  }
  // The MQL-quality tables (the dashboard's, the rules page's): their headings.
  out.ja.quality = {};
  for (const [name, path] of [['dashboard', ''], ['rules', 'rules']]) {
    await jp.goto(base + path);
    out.ja.quality[name] = await jp.locator('table').filter({ has: jp.locator('thead th:first-child', { hasText: /^条件$/ }) }).first().locator('thead th').allInnerTexts();
  }
  // The funnel's CSV, as a Japanese user downloads it from the dashboard.
  await jp.goto(base);
  const report = jp.waitForEvent('download');
  await jp.getByRole('link', { name: 'ファネル', exact: true }).click();
  const rd = await report;
  await rd.saveAs(process.env.REPORT);
  out.ja.reportFile = rd.suggestedFilename();
  await jp.goto(out.person.url);
  await jp.getByRole('link', { name: 'English' }).click();
  await jp.waitForLoadState('load');
  out.switched = { lang: await jp.getAttribute('html', 'lang'), h2: await jp.locator('h2').first().innerText() };
}
console.log(JSON.stringify(out));
await browser.close();
