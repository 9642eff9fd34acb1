// The workspace's accessibility (WCAG 2.1 AA, JIS X 8341-3), in Debian's
// Chromium: every page, in English and in Japanese, signed in through the
// sign-in form (the sign-in page itself first, and with a wrong token), run
// through axe-core (its WCAG A/AA rules) and checks of our own that axe
// leaves to people: the page's language, a unique title, one h1, a skip
// link to main, keyboard focus that shows, controls named by a label (not a
// placeholder), errors announced and tied to their field, tables' headers
// scoped, charts' figures in text. $PATHS: the
// pages to visit after signing in, comma-separated, relative to $URL
// (.../admin/). Screenshots in $SHOTS. Prints, per page, what failed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { languages, openIn } from './signin.mjs';
import { launch } from './pages.mjs';

const base = process.env.URL;
const shots = process.env.SHOTS;
const paths = (process.env.PATHS || '').split(',');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const browser = await launch();
const errors = [];
const out = { errors, pages: {} };

// audit runs axe and our own checks on the page as it is; name keys it.
async function audit(page, name, lang) {
  // Where the page put the keyboard (and a screen reader) as it loaded:
  // after a form, on what the form did (its note or its error). Chromium
  // applies autofocus at a rendering update after load: on a loaded
  // machine that came after this read (CI: focus on nothing), so a page
  // with an autofocus element is given up to 5 s to apply it.
  await page.waitForFunction(() => !document.querySelector('[autofocus]') || (document.activeElement && document.activeElement !== document.body), null, { timeout: 5000 }).catch(() => {});
  const focus = await page.evaluate(() => {
    const e = document.activeElement;
    return e && e !== document.body ? { id: e.id, role: e.getAttribute('role') || e.tagName.toLowerCase(), text: e.textContent.trim().slice(0, 120), inCard: !!e.closest('.card.lead') } : null;
  });
  // The pages' CSP (default-src 'none') refuses a script tag: evaluated
  // through the DevTools protocol, axe runs all the same.
  await page.evaluate(axeSource);
  const axe = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] });
    return {
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(1, 2).join('')}`) })),
      passed: r.passes.map((v) => v.id),
    };
  });
  const { bad: own, invalid } = await page.evaluate((lang) => {
    const bad = [];
    const html = document.documentElement;
    if (html.lang !== lang) bad.push(`html lang ${html.lang}, page in ${lang}`);
    const h1 = document.querySelectorAll('h1');
    if (h1.length !== 1) bad.push(`${h1.length} h1`);
    // A page with the navigation (links repeated on every page) starts
    // with a link past it, to main.
    if (document.querySelector('header nav')) {
      const first = document.querySelector('a[href], button, input:not([type=hidden]), select, textarea');
      const main = document.querySelector('main');
      if (!first || first.getAttribute('href') !== '#main' || !main || main.id !== 'main' || !first.textContent.trim()) bad.push(`no skip link first (first: ${first && first.outerHTML.slice(0, 80)})`);
    }
    // Every control named by a label or aria-label, never a placeholder alone.
    for (const c of document.querySelectorAll('input:not([type=hidden]):not([type=submit]), select, textarea')) {
      const labelled = (c.id && document.querySelector(`label[for="${CSS.escape(c.id)}"]`)) || c.closest('label') || c.getAttribute('aria-label') || c.getAttribute('aria-labelledby');
      if (!labelled) bad.push(`control without a label: ${c.outerHTML.slice(0, 100)}`);
    }
    // An error is announced (role=alert), and a field it is about says so.
    for (const e of document.querySelectorAll('.error')) {
      if (!e.closest('[role=alert]') && e.getAttribute('role') !== 'alert') bad.push(`error not announced: ${e.textContent.trim().slice(0, 60)}`);
    }
    for (const c of document.querySelectorAll('[aria-invalid=true]')) {
      const ids = (c.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
      if (!ids.some((id) => { const d = document.getElementById(id); return d && d.textContent.trim() && d.closest('[role=alert]'); })) bad.push(`invalid field not described by its error: ${c.id}`);
      // and shows it: a border unlike the same field's when valid.
      const twin = c.cloneNode(false);
      twin.removeAttribute('aria-invalid');
      twin.removeAttribute('id');
      c.after(twin);
      const [a, b] = [getComputedStyle(c), getComputedStyle(twin)];
      if (a.borderTopColor === b.borderTopColor && a.borderTopWidth === b.borderTopWidth) bad.push(`invalid field looks as a valid one: ${c.id}`);
      twin.remove();
    }
    // Tables: headers in thead scoped to their column, a row's th to its row.
    for (const th of document.querySelectorAll('th')) {
      if (!th.getAttribute('scope') && !th.closest('thead')) bad.push(`row header without scope: ${th.textContent.trim().slice(0, 40)}`);
      // and named: an empty header (a column of bars, of buttons) reads
      // as nothing; visually hidden text names it.
      if (!th.textContent.trim() && !th.getAttribute('aria-label')) bad.push(`table header without a name: ${(th.closest('table').id || th.closest('table').className)} column ${th.cellIndex + 1}`);
    }
    // A chart says its figures in text a screen reader reads: its name
    // (role=img) or, the picture hidden, the table after it.
    for (const svg of document.querySelectorAll('svg')) {
      let said = '';
      if (svg.getAttribute('aria-hidden') === 'true') {
        let t = svg.nextElementSibling; // past the chart's picture for another width
        while (t && t.tagName.toLowerCase() === 'svg') t = t.nextElementSibling;
        if (t && t.tagName === 'TABLE' && t.querySelector('caption')) said = t.textContent;
      } else if (svg.getAttribute('role') === 'img') said = svg.getAttribute('aria-label') || '';
      const missing = [...svg.querySelectorAll('text.value')].map((v) => v.textContent.trim()).filter((v) => !said.includes(v));
      if (!said || missing.length) bad.push(`chart without its figures in text (${said.slice(0, 40)}; missing ${missing.join(' ')})`);
    }
    return { bad, invalid: [...document.querySelectorAll('[aria-invalid=true]')].map((c) => c.id) };
  }, lang);
  // Keyboard focus shows: Tab through every stop of the page (until it
  // leaves the page or comes round again), each must draw an outline (or
  // a box shadow) at least 2px wide.
  const unfocused = new Set(); // (the page just loaded: Tab starts at its top)
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      const seen = (window.__tabbed ||= { all: new Set(), last: null });
      if (seen.all.has(e) && seen.last !== e) return null; // round again
      seen.all.add(e);
      seen.last = e;
      // Past a date field's parts, on its picker button (in the field's
      // shadow, drawn by Chromium itself): nothing of ours to measure.
      if (!e.matches(':focus')) return { shows: true };
      const s = getComputedStyle(e);
      const shows = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow && s.boxShadow !== 'none');
      return { shows, what: `${e.tagName.toLowerCase()} ${(e.textContent || e.name || e.id || '').trim().slice(0, 30)}` };
    });
    if (!f) break;
    if (!f.shows) unfocused.add(f.what);
  }
  if (unfocused.size) own.push(`focus not visible on: ${[...unfocused].join('; ')}`);
  const title = await page.title();
  out.pages[name] = { url: page.url(), title, axe: axe.violations, passed: axe.passed, own, invalid, widths: [], focus };
  await narrow(page, name);
}

// narrow audits the page again at 320 CSS px (WCAG 1.4.10: 1280 px at
// 400% zoom) and 640 (200%), as a phone or a zoomed window shows it: axe
// (its target-size rule, 2.5.8, measures the layout of that width) and
// reflow: the page itself never scrolls sideways; what overflows is inside
// a container scrolling on its own (a wide table's .scroll). A screenshot
// of each width in $SHOTS.
async function narrow(page, name) {
  const p = out.pages[name];
  for (const width of [320, 640]) {
    await page.setViewportSize({ width, height: 800 });
    const axe = await page.evaluate(async () => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2aa', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(1, 2).join('')}`) }));
    });
    for (const v of axe) p.axe.push({ ...v, help: `at ${width}px: ${v.help}` });
    const over = await page.evaluate(() => {
      const de = document.documentElement;
      if (de.scrollWidth <= de.clientWidth) return null;
      // What sticks out: the outermost elements past the right edge not
      // inside a container that scrolls (or clips) sideways.
      const culprits = [];
      const scrolls = (e) => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) if (/auto|scroll|hidden|clip/.test(getComputedStyle(a).overflowX)) return true; return false; };
      for (const e of document.body.querySelectorAll('*')) {
        const r = e.getBoundingClientRect();
        if (r.right <= de.clientWidth + 0.5 || r.width === 0 || scrolls(e)) continue;
        if (culprits.some((c) => c.contains(e))) continue;
        culprits.push(e);
      }
      return { scroll: de.scrollWidth, client: de.clientWidth, culprits: culprits.slice(0, 5).map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''} (${Math.round(e.getBoundingClientRect().right)}px): ${(e.textContent || '').trim().slice(0, 50)}`) };
    });
    if (over) p.own.push(`at ${width}px the page scrolls sideways (${over.scroll} > ${over.client}): ${over.culprits.join('; ')}`);
    // A table shown as cards (a phone's width) labels each value it
    // shows: its column's heading is hidden there.
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('table.cards td')].filter((td) => td.offsetHeight > 0 && td.textContent.trim() && !td.dataset.l && getComputedStyle(td).display === 'block' && td.closest('table').querySelector('thead') && getComputedStyle(td.closest('table').querySelector('thead')).position === 'absolute').map((td) => td.textContent.trim().slice(0, 30)));
    if (unlabelled.length) p.own.push(`at ${width}px card values without their label: ${[...new Set(unlabelled)].slice(0, 5).join('; ')}`);
    // A chart's text, drawn in its box's units, shrinks with the chart:
    // each shown is at least 12 CSS px (a 560-wide chart at 320 px drew
    // its 18-unit labels about 9 px high).
    const small = await page.evaluate(() => {
      const out = [];
      for (const svg of document.querySelectorAll('svg[viewBox]')) {
        const r = svg.getBoundingClientRect();
        if (!r.width || getComputedStyle(svg).display === 'none') continue;
        const scale = r.width / svg.viewBox.baseVal.width;
        for (const t of svg.querySelectorAll('text')) {
          const px = parseFloat(getComputedStyle(t).fontSize) * scale;
          if (px < 12 && t.textContent.trim()) out.push(`${t.textContent.trim().slice(0, 20)} ${px.toFixed(1)}px`);
        }
      }
      return out;
    });
    if (small.length) p.own.push(`at ${width}px chart text under 12px: ${small.slice(0, 5).join('; ')}`);
    p.widths.push(width);
    if (shots) await page.screenshot({ path: `${shots}/a11y-${name.replace(/[^a-z0-9-]+/gi, '_')}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

// shot audits the page as a form left it, and screenshots it.
async function shot(page, name, lang) {
  await audit(page, name, lang);
  if (shots) await page.screenshot({ path: `${shots}/a11y-${name}.png`, fullPage: true });
}

for (const lang of ['en', 'ja']) {
  const page = await openIn(browser, lang, errors);
  // The sign-in page, as it first shows, then answering a wrong token.
  await page.goto(base + 'login');
  await audit(page, `login-${lang}`, lang);
  if (shots) await page.screenshot({ path: `${shots}/a11y-login-${lang}.png`, fullPage: true });
  // Signed out: the page's note has the focus (a screen reader reads it),
  // not the token field.
  await page.goto(base + 'login?m=out');
  await shot(page, `login-out-${lang}`, lang);
  await page.goto(base + 'login');
  const form = languages[lang].form;
  await page.getByLabel(form.label || 'Admin token').fill('not-the-token');
  const before = errors.length;
  await page.getByRole('button', { name: form.button || 'Sign in' }).click();
  await page.waitForLoadState('load');
  errors.splice(before); // the wrong token's 401, as meant
  await audit(page, `login-wrong-${lang}`, lang);
  await page.getByLabel(form.label || 'Admin token').fill(process.env.TOKEN);
  await page.getByRole('button', { name: form.button || 'Sign in' }).click();
  await page.waitForLoadState('load');
  for (const p of paths) {
    const before = errors.length;
    const resp = await page.goto(base + p);
    const name = `${p || 'dashboard'}-${lang}`;
    // The skip link: the first Tab shows it, in view; Enter takes the
    // keyboard past the navigation, to main's first link.
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => {
      const e = document.activeElement;
      const r = e.getBoundingClientRect();
      return { href: e.getAttribute('href'), text: e.textContent.trim(), inView: r.top >= 0 && r.height > 8 && r.width > 8 };
    });
    if (!p && shots) await page.screenshot({ path: `${shots}/a11y-skip-${lang}.png` });
    if (skip.href === '#main') { // (another link's Enter would leave the page)
      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab');
      skip.then = await page.evaluate(() => !!document.activeElement.closest('main'));
    }
    await page.reload();
    await audit(page, name, lang);
    if (skip.href !== '#main' || !skip.inView || !skip.then) out.pages[name].own.push(`skip link: ${JSON.stringify(skip)}`);
    out.pages[name].status = resp.status();
    if (resp.status() === 400) errors.splice(before); // a filter the page cannot use: its 400 as meant
    if (shots) await page.screenshot({ path: `${shots}/a11y-${name.replace(/[^a-z0-9-]+/gi, '_')}.png`, fullPage: true });
  }
  // A form with an error: the campaign form with a bad id.
  await page.goto(base + 'campaigns');
  await page.locator('#c-id').fill('Bad Id!');
  await page.locator('#c-id').evaluate((e) => e.removeAttribute('pattern'));
  await page.locator('#c-urls').fill('https://www.example.com/');
  const b2 = errors.length;
  await page.locator('form.stack button.primary').click();
  await page.waitForLoadState('load');
  errors.splice(b2); // the form's 400, as meant
  await audit(page, `campaigns-bad-${lang}`, lang);
  if (shots) await page.screenshot({ path: `${shots}/a11y-campaigns-bad-${lang}.png`, fullPage: true });
  // The rules lab: the rules in force simulated, then a file that does not parse.
  await page.goto(base + 'rules');
  await page.locator('#rules + p button.primary').click();
  await page.waitForLoadState('load');
  await audit(page, `rules-lab-${lang}`, lang);
  if (shots) await page.screenshot({ path: `${shots}/a11y-rules-lab-${lang}.png`, fullPage: true });
  await page.locator('#rules').fill('conditions: [');
  const b3 = errors.length;
  await page.locator('#rules + p button.primary').click();
  await page.waitForLoadState('load');
  errors.splice(b3);
  await audit(page, `rules-lab-bad-${lang}`, lang);
  // A campaign created: the campaign's page, saying so.
  await page.goto(base + 'campaigns');
  await page.locator('#c-id').fill(`a11y-${lang}`);
  await page.locator('#c-urls').fill('https://www.example.com/');
  await page.locator('form.stack button.primary').click();
  await page.waitForLoadState('load');
  await shot(page, `campaign-created-${lang}`, lang);
  // Sales' verdict refused (a rejection without its reason), then
  // recorded (or, the lead answered already, not applied: said so).
  for (const [state, why] of [['refused', ''], ['recorded', lang === 'ja' ? '予算なし' : 'No budget']]) {
    await page.goto(base + 'inbox');
    const card = page.locator('div.card.lead').first();
    await card.locator('select[name=outcome]').selectOption('rejected');
    await card.locator('input[name=why]').fill(why);
    await card.locator('button.primary').click();
    await page.waitForLoadState('load');
    await shot(page, `inbox-${state}-${lang}`, lang);
  }
  // The suggestions from sales' outcomes, the verdict just recorded.
  await page.goto(base + 'rules/suggestions?min_outcomes=1');
  await shot(page, `rules-suggestions-${lang}`, lang);
  // The offline touches import's result: rows imported, a phone number
  // Excel cut given back its 0, a row refused.
  await page.goto(base + 'touches');
  await page.locator('#file').setInputFiles({ name: 'fair.csv', mimeType: 'text/csv', buffer: Buffer.from(`メールアドレス,氏名,会社名,電話番号\na11y-fair-${lang}@maker.example,佐藤 花子,株式会社メーカー,312345678\nnot-an-email,山田,B社,\n`) });
  await page.locator('#channel').selectOption('exhibition');
  await page.locator('#event').fill(lang === 'ja' ? '東京ビッグサイト展示会2026' : 'Tokyo fair 2026');
  await page.locator('#date').fill('2026-11-20');
  await page.locator('form.stack button.primary').click();
  await page.waitForLoadState('load');
  await shot(page, `touches-imported-${lang}`, lang);
  // and a file it cannot read: the error.
  await page.locator('#file').setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.from('氏名,会社名\n佐藤,A社\n') });
  const b4 = errors.length;
  await page.locator('form.stack button.primary').click();
  await page.waitForLoadState('load');
  errors.splice(b4); // its 400, as meant
  await shot(page, `touches-bad-${lang}`, lang);
  await page.context().close();
}
console.log(JSON.stringify(out));
await browser.close();
