// Renders Baton's report dashboard in Debian's Chromium, signed in through
// the sign-in form, and takes a screenshot; prints what the page shows for
// the Go test to check. With JA=1 the browser asks for Japanese and the
// page is also measured at 1280 and 390 px (fits: sideways scrolling, table
// words broken over lines; screenshots beside $SHOT), with the KPI cells
// as a phone labels them.
import { fits, launch } from './pages.mjs';
import { signIn } from './signin.mjs';

const ja = process.env.JA === '1';
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...(ja ? { locale: 'ja-JP', extraHTTPHeaders: { 'Accept-Language': 'ja' } } : {}) });
const page = await context.newPage();
const { resp } = await signIn(page, process.env.URL, process.env.TOKEN, ja ? { label: '管理トークン', button: 'サインイン' } : {});
await page.screenshot({ path: process.env.SHOT, fullPage: true });
const out = {
  status: resp.status(),
  url: page.url(),
  bars: await page.locator('svg.chart-wide rect.bar').count(),
  charts: await page.locator('svg.chart-wide').count(), // one chart, drawn again for a phone (svg.chart-narrow)
  values: await page.locator('svg.chart-wide text.value').allTextContents(),
  text: await page.locator('body').innerText(),
};
if (ja) {
  out.over = await fits(page, 'dashboard-ja', process.env.SHOT.replace(/\/[^/]*$/, ''));
  await page.setViewportSize({ width: 390, height: 900 });
  // Each KPI cell as a phone shows it: its label (the card's), its value.
  out.phone = await page.locator('tr.kpi-row td').evaluateAll((tds) => tds.map((td) => `${getComputedStyle(td, '::before').content.replace(/^"|"$/g, '')}: ${td.innerText}`));
}
console.log(JSON.stringify(out));
await browser.close();
