// Self-service access, tried as a new user would, with JavaScript on and off:
// a developer creates an application and asks for the manual-approval plan
// of an API; the agency's owner approves; the developer creates a key, sees
// it once, rotates it and revokes the old one; another developer can see
// neither the application nor its keys.
//
// The demo APIs offer two plans: Standard (approved at once) and Partner
// (the agency reviews each request), so the manual-approval plan here is
// Partner.
import { randomUUID } from 'node:crypto';

import { expect, test, type Page } from '@playwright/test';

import { expectAccessible } from './a11y';

async function devSignIn(page: Page, person: 'Dana Developer' | 'Owen Owner') {
  await page.goto('/sign-in');
  await page.getByLabel(person).check();
  await page.getByRole('button', { name: 'Sign in as this person' }).click();
  await expect(page.locator('.account-nav')).toContainText(person);
}

test('a developer gets a key for a manual-approval plan once the owner approves, rotates and revokes it', async ({ page, browser }, info) => {
  test.setTimeout(180_000);
  const appName = `Bus arrivals ${randomUUID().slice(0, 8)}`;

  // The developer creates an application.
  await devSignIn(page, 'Dana Developer');
  await page.goto('/apps');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Create application' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill(appName);
  await page.getByLabel('Description (optional)').fill('Shows when the next bus comes.');
  await page.getByRole('button', { name: 'Create application' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(appName);
  const appPath = new URL(page.url()).pathname;
  expect(appPath).toMatch(/^\/apps\/[^/]+$/);

  // ... and asks for the Partner plan of the Train Travel API.
  await page.goto('/apis/demo-transport/train-travel');
  await page.getByRole('link', { name: 'Request access to the Partner plan' }).click();
  await expectAccessible(page);
  await page.getByLabel('Application').selectOption({ label: appName });
  await page.getByRole('button', { name: 'Send the request' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await page.getByLabel('Purpose of use').fill('Showing train times to commuters in our journey planner.');
  const terms = page.getByLabel(/I accept the terms of use/);
  if (await terms.count()) await terms.check();
  await page.getByRole('button', { name: 'Send the request' }).click();
  await expect(page).toHaveURL(new RegExp(`${appPath}$`));
  const request = page.getByRole('row', { name: /Train Travel/ });
  await expect(request).toContainText('Pending');

  // The owner sees the request with its purpose, and approves it.
  const ownerContext = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
  const owner = await ownerContext.newPage();
  await devSignIn(owner, 'Owen Owner');
  await owner.goto('/manage/demo-transport/requests');
  const card = owner.getByRole('region', { name: `${appName} for Train Travel API` });
  await expect(card).toContainText('Showing train times to commuters');
  await expect(card).toContainText('Dana Developer');
  await expectAccessible(owner);
  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(owner.getByRole('status')).toBeVisible();
  await ownerContext.close();

  // The developer sees the decision, then creates a key and sees it once.
  await page.goto(appPath);
  await expect(page.getByRole('row', { name: /Train Travel/ })).toContainText('Approved');
  await page.getByLabel('Key name').fill('production');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = ((await page.locator('.secret-once__value').textContent()) ?? '').trim();
  expect(secret).toMatch(/^ptc_[0-9A-Za-z]{40,}$/);
  await expectAccessible(page);
  await page.reload();
  await expect(page.locator('.secret-once__value')).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  const keys = page.getByRole('table', { name: "The application's API keys" });
  const oldRow = keys.getByRole('row').filter({ hasText: secret.slice(0, 12) });
  await expect(oldRow).toContainText('Active');

  // Rotation: a new key now, the old one for 24 hours.
  await oldRow.getByRole('button', { name: 'Rotate' }).click();
  const rotated = ((await page.locator('.secret-once__value').textContent()) ?? '').trim();
  expect(rotated).toMatch(/^ptc_/);
  expect(rotated).not.toBe(secret);
  await expect(oldRow).toContainText('Expiring after rotation');
  await expect(keys.getByRole('row').filter({ hasText: rotated.slice(0, 12) })).toContainText('Active');

  // The old key is revoked at once.
  await oldRow.getByRole('button', { name: 'Revoke production' }).click();
  await expect(page.getByRole('status')).toBeVisible();
  await expect(keys.getByRole('row').filter({ hasText: secret.slice(0, 12) })).toContainText('Revoked');

  // Another developer, signed in through the Singpass-like provider, can
  // neither see the application nor act on its keys.
  const otherContext = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
  await otherContext.setExtraHTTPHeaders({ 'X-Custom-NRIC': 'S1234567D', 'X-Custom-UUID': randomUUID() });
  const other = await otherContext.newPage();
  await other.goto('/sign-in');
  await other.getByRole('button', { name: 'Sign in with Singpass' }).click();
  await expect(other).toHaveURL(/\/account$/);
  const seen = await other.goto(appPath);
  expect(seen?.status()).toBe(404);
  await other.goto('/apps');
  await expect(other.getByText(appName)).toHaveCount(0);
  // A forged revoke of the new key, with the other person's own CSRF token.
  const csrf = await other.locator('input[name="csrf_token"]').first().inputValue();
  const forged = await other.request.post(`${appPath}/keys/1/revoke`, {
    form: { csrf_token: csrf },
    maxRedirects: 0,
  });
  expect([403, 404]).toContain(forged.status());
  await otherContext.close();
  await page.goto(appPath);
  await expect(keys.getByRole('row').filter({ hasText: rotated.slice(0, 12) })).toContainText('Active');
});
