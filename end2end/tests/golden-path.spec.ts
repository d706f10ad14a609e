// The golden path of Portico, tried as a new user would, with JavaScript on
// and off: a visitor finds an API in the catalogue, signs in through the
// Singpass-like provider, creates an application, requests the Standard plan
// (approved at once: 10 calls a second), copies the key shown once, and calls
// the API through the gateway with curl. The 11th call within a second gets
// 429 with Retry-After; the calls show on the application's page; the
// agency's owner revokes the key, and the very next call gets 401.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';

import { expectAccessible } from './a11y';

const gateway = `http://127.0.0.1:${process.env.PORTICO_E2E_GATEWAY_PORT ?? '8310'}`;
const stations = `${gateway}/demo-transport/train-travel/stations`;

/** Calls the API with curl `times` times at once: each call's status and Retry-After. */
function curl(key: string, times = 1): { status: number; retryAfter: string }[] {
  const args = ['--silent', '--header', `x-api-key: ${key}`,
    '--write-out', '%{http_code} %header{retry-after}\\n'];
  if (times > 1) args.push('--parallel', '--parallel-immediate', '--parallel-max', String(times));
  // Each URL gets its own --output: curl applies it to one URL only.
  for (let i = 0; i < times; i++) args.push('--output', '/dev/null', stations);
  const out = execFileSync('curl', args, { encoding: 'utf8', timeout: 10_000 });
  return out.trim().split('\n').map((line) => {
    const [status, retryAfter = ''] = line.trim().split(' ');
    return { status: Number(status), retryAfter };
  });
}

test('the golden path: find an API, sign in, get a key, call it, hit the limit, see usage, lose the key', async ({ page, browser }, info) => {
  test.setTimeout(180_000);
  const appName = `Journey planner ${randomUUID().slice(0, 8)}`;

  // A visitor finds the API in the catalogue.
  await page.goto('/apis');
  await page.getByRole('link', { name: 'Train Travel API' }).click();
  await expect(page).toHaveURL(/\/apis\/demo-transport\/train-travel$/);

  // Signs in through the Singpass-like provider, as a person of their own.
  await page.context().setExtraHTTPHeaders({ 'X-Custom-NRIC': 'S9912374E', 'X-Custom-UUID': randomUUID() });
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Sign in with Singpass' }).click();
  await expect(page).toHaveURL(/\/account$/);

  // Creates an application.
  await page.goto('/apps');
  await page.getByLabel('Name', { exact: true }).fill(appName);
  await page.getByRole('button', { name: 'Create application' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(appName);
  const appPath = new URL(page.url()).pathname;

  // Requests the Standard plan, which is approved at once.
  await page.goto('/apis/demo-transport/train-travel');
  await page.getByRole('link', { name: 'Request access to the Standard plan' }).click();
  await page.getByLabel('Application').selectOption({ label: appName });
  await page.getByLabel('Purpose of use').fill('Showing train times to commuters in our journey planner.');
  const terms = page.getByLabel(/I accept the terms of use/);
  if (await terms.count()) await terms.check();
  await page.getByRole('button', { name: 'Send the request' }).click();
  await expect(page).toHaveURL(new RegExp(`${appPath}$`));
  await expect(page.getByRole('row', { name: /Train Travel/ })).toContainText('Approved');

  // Creates a key and copies it: it is shown once.
  await page.getByLabel('Key name').fill('production');
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = ((await page.locator('.secret-once__value').textContent()) ?? '').trim();
  expect(key).toMatch(/^ptc_[0-9A-Za-z]{40,}$/);

  // A call through the gateway succeeds.
  expect(curl(key)).toEqual([{ status: 200, retryAfter: '' }]);

  // Eleven calls at once on a 10/s plan: one is refused, with Retry-After.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const burst = curl(key, 11);
  const refused = burst.filter((call) => call.status === 429);
  expect(burst.filter((call) => call.status === 200)).toHaveLength(10);
  expect(refused).toHaveLength(1);
  expect(Number(refused[0].retryAfter)).toBeGreaterThanOrEqual(1);

  // The calls show on the application's page within a minute: 12 calls, 1 refused.
  await expect(async () => {
    await page.goto(appPath);
    await expect(page.locator('[data-figure="requests"]')).toHaveText('12', { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  await expect(page.locator('[data-figure="errors"]')).toHaveText('1 (8.3%)');
  await expect(page.getByRole('img', { name: /Calls per step, last hour/ })).toBeVisible();
  await expect(page.getByRole('table', { name: /Calls counted against each plan/ })).toContainText('11 of 10000');
  await expectAccessible(page);

  // The agency's owner revokes the key.
  const ownerContext = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
  const owner = await ownerContext.newPage();
  await owner.goto('/sign-in');
  await owner.getByLabel('Owen Owner').check();
  await owner.getByRole('button', { name: 'Sign in as this person' }).click();
  await owner.goto('/manage/demo-transport/requests');
  const card = owner.getByRole('region', { name: `${appName} for Train Travel API` });
  await card.getByLabel('Reason for revoking').fill('The key was published in a public repository.');
  await card.getByRole('button', { name: `Revoke key production (${key.slice(0, 12)}` }).click();
  await expect(owner.getByRole('status')).toContainText('revoked');
  await ownerContext.close();

  // The very next call gets 401.
  expect(curl(key)[0].status).toBe(401);
});
