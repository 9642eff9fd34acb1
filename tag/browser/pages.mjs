// Helpers the workspace's browser scripts share.

// watchErrors records the page's console errors and uncaught exceptions.
export function watchErrors(page, errors) {
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
}

// fits reports the widths at which the page scrolls sideways (none: fits),
// with a screenshot at each width in shots when set.
export async function fits(page, name, shots) {
  const over = [];
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    if (m.scroll > m.client) over.push({ width, ...m });
    if (shots) await page.screenshot({ path: `${shots}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  return over;
}
