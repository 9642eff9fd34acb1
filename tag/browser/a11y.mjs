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
  // The pages' CSP (default-src 'none') refuses a script tag: evaluated
  // through the DevTools protocol, axe runs all the same.
  await page.evaluate(axeSource);
  const axe = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
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
    }
    // A chart says its figures in text a screen reader reads: its name
    // (role=img) or, the picture hidden, the table after it.
    for (const svg of document.querySelectorAll('svg')) {
      let said = '';
      if (svg.getAttribute('aria-hidden') === 'true') {
        const t = svg.nextElementSibling;
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
  out.pages[name] = { url: page.url(), title, axe: axe.violations, passed: axe.passed, own, invalid };
}

for (const lang of ['en', 'ja']) {
  const page = await openIn(browser, lang, errors);
  // The sign-in page, as it first shows, then answering a wrong token.
  await page.goto(base + 'login');
  await audit(page, `login-${lang}`, lang);
  if (shots) await page.screenshot({ path: `${shots}/a11y-login-${lang}.png`, fullPage: true });
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
  await page.context().close();
}
console.log(JSON.stringify(out));
await browser.close();
