// Helpers the workspace's browser scripts share.
import { chromium } from 'playwright-core';

// launch starts Debian's Chromium headless, quiet (no background
// networking, updates or sync), with extra arguments.
export function launch(...extra) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extra],
  });
}

// watchErrors records the page's console errors and uncaught exceptions.
export function watchErrors(page, errors) {
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
}

// fits reports the widths at which the page scrolls sideways (none: fits)
// or a table breaks a one-word cell (a column's heading, a row's name:
// "グループ" as "グル" / "ープ") over lines, with a screenshot at each width
// in shots when set.
export async function fits(page, name, shots) {
  const over = [];
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    if (m.scroll > m.client) over.push({ width, ...m });
    const broken = await page.evaluate(() => {
      const out = [];
      for (const cell of document.querySelectorAll('th, td')) {
        const text = cell.innerText.trim();
        if (!text || /\s/.test(text) || text.length > 12) continue; // a word, not a sentence or a URL
        const head = cell.closest('thead');
        if (head && head.getBoundingClientRect().width <= 1) continue; // a card layout's headings, there for screen readers
        const tops = new Set(); // the lines its text stands on (not its boxes': a button's is above its text)
        const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
          const r = document.createRange();
          r.selectNodeContents(n);
          for (const x of r.getClientRects()) if (x.width > 0) tops.add(Math.round(x.top));
        }
        if (tops.size > 1) out.push(text);
      }
      return out;
    });
    if (broken.length) over.push({ width, broken });
    if (shots) await page.screenshot({ path: `${shots}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  return over;
}
