// Loads a page of a site whose web server (nginx, started by
// infra/proxytest) serves Baton under a path, the tag embedded from
// /_bt/t.js, in Debian's Chromium; prints what the browser holds for the Go
// test to check against what the server stored.
import { chromium } from 'playwright-core';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-blink-features=AutomationControlled'],
});
// A desktop Chrome's user agent: headless Chromium's own is flagged as a bot.
const userAgent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const context = await browser.newContext({ userAgent });
const page = await context.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
const posted = [];
page.on('requestfinished', async (req) => {
  const resp = await req.response();
  posted.push({ method: req.method(), url: req.url(), status: resp ? resp.status() : 0 });
});
// The tag loads async and sends its page view, maybe before the page's load
// event: wait for the answer to it from before the page is opened.
const sent = page.waitForResponse((r) => r.url().endsWith('/e') && r.request().method() === 'POST', { timeout: 15000 });
await page.goto(process.env.SITE + '/');
await sent.catch((e) => errors.push(String(e)));
await page.waitForTimeout(300);
const out = {
  url: page.url(),
  aid: await page.evaluate(() => localStorage.getItem('bt_aid')),
  cookies: await context.cookies(),
  requests: posted,
  errors,
};
console.log(JSON.stringify(out));
await browser.close();
