// Signs a Chromium page in to Baton's admin through its sign-in form, as an
// operator does: open an admin page, get sent to /admin/login, type the
// token, land back on the page asked for. Returns what the Go tests check.
// label and button name the form's controls in the page's language.
export async function signIn(page, adminURL, token, { shot, label = 'Admin token', button = 'Sign in' } = {}) {
  const first = await page.goto(adminURL);
  const login = { url: page.url(), status: first.status(), label: await page.getByLabel(label).count() };
  if (shot) await page.screenshot({ path: shot, fullPage: true });
  await page.getByLabel(label).fill(token);
  const landed = page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'GET' && !r.url().includes('/admin/login'));
  await page.getByRole('button', { name: button }).click();
  const resp = await landed;
  await page.waitForLoadState('load');
  return { login, resp };
}

// Submits a wrong token on the sign-in page and returns the status and the
// error the page shows.
export async function wrongToken(page, token, { shot } = {}) {
  await page.getByLabel('Admin token').fill(token);
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/admin/login'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  const resp = await answered;
  await page.waitForLoadState('load');
  if (shot) await page.screenshot({ path: shot, fullPage: true });
  return { status: resp.status(), contentType: resp.headers()['content-type'], alert: await page.getByRole('alert').innerText() };
}
