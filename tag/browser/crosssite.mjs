// The tag's opt-outs with Baton on another site than the page (SITE on
// 127.0.0.1, COLLECTOR on localhost): the browser neither keeps the
// collector's cookies nor sends them (SameSite=Lax, third-party cookies
// blocked), so the withdrawal can only name the visitor by the tag's own id.
// Each scenario prints one JSON line: the tag's visitor id (as the collector
// reads it), the email it identified, the collector's cookies the browser
// kept, and the opt-out beacon's answer. tag/crosssite_test.go checks what
// the server recorded.
import { chromium } from 'playwright-core';

const site = process.env.SITE;
const collector = process.env.COLLECTOR;

// As scenarios.mjs: a desktop Chrome's user agent (headless Chromium's is
// a bot's, and bots identify nobody), and no navigator.webdriver.
const desktopUA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-blink-features=AutomationControlled', `--user-agent=${desktopUA}`,
    // Third-party cookies blocked, as Chromium's and Safari's users have them.
    '--test-third-party-cookie-phaseout'],
});

// settle waits for the tag's queue to empty: the collector answered.
const settle = async (page) => {
  await page.waitForTimeout(400);
  await page.waitForFunction(() => !localStorage.getItem('bt_q'), null, { timeout: 5000 }).catch(() => {});
};
const aid = (page) => page.evaluate(() => localStorage.getItem('bt_aid')?.replaceAll(',', '-'));
const cookies = async (page) => (await page.context().cookies(collector)).map((c) => c.name).join(',');
// optedOut runs act (the withdrawal) and waits for the tag's POST /optout
// to be answered: its status.
const optedOut = async (page, act) => {
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname == '/optout', { timeout: 5000 });
  await act();
  return (await answered).status();
};

const scenarios = {
  // baton('consent', false) on a site that does not require consent.
  async consent(page) {
    const email = 'cross.site.optout@example.com';
    await page.goto(site + '/index.html');
    await settle(page);
    await page.evaluate((email) => baton('identify', { email }), email);
    await settle(page);
    const id = await aid(page);
    const status = await optedOut(page, () => page.evaluate(() => baton('consent', false)));
    return { aid: id, email, cookies: await cookies(page), status, left: await aid(page) ?? null };
  },
  // Google consent mode: granted by an update, then withdrawn by one.
  async gtag(page) {
    const email = 'cross.site.gtag@example.com';
    await page.goto(site + '/gtag.html');
    await settle(page);
    await page.click('#grant');
    await settle(page);
    await page.evaluate((email) => baton('identify', { email }), email);
    await settle(page);
    const id = await aid(page);
    const status = await optedOut(page, () => page.click('#deny'));
    return { aid: id, email, cookies: await cookies(page), status, left: await aid(page) ?? null };
  },
};

for (const [name, run] of Object.entries(scenarios)) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    console.log(JSON.stringify({ name, ...(await run(page)), errors }));
  } catch (e) {
    console.log(JSON.stringify({ name, failed: String(e), errors }));
  }
  await context.close();
}
await browser.close();
