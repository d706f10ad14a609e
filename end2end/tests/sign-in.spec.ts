// Signing in, as each kind of user meets it, with JavaScript on and off:
// the development sign-in, the Singpass- and Corppass-like provider
// (MockPass) and an agency's own OpenID Connect provider (oidc-provider),
// all started by playwright.config.ts. Each test has its own browser
// context, so its own session.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';

import { expect, test, type Page } from '@playwright/test';

import { expectAccessible } from './a11y';

const repoRoot = path.resolve(__dirname, '../..');
const binary = process.env.PORTICO_BIN ?? path.join(repoRoot, 'target/debug/portico');
const dataDir = process.env.PORTICO_E2E_DATA_DIR ?? path.join(repoRoot, 'target/e2e-data');

async function devSignIn(page: Page, person: 'Dana Developer' | 'Owen Owner' | 'Ada Admin') {
  await page.goto('/sign-in');
  await page.getByLabel(person).check();
  await page.getByRole('button', { name: 'Sign in as this person' }).click();
  await expect(page.locator('.account-nav')).toContainText(person);
}

test('the sign-in page offers each provider by who it is for, and the marked development sign-in', async ({ page }) => {
  const response = await page.goto('/sign-in');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle('Sign in - Portico');
  await expect(page.getByRole('heading', { name: 'For individuals' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in with Singpass' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'For businesses and agency staff' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in with Corppass' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in with Agency ID' })).toBeVisible();
  await expect(page.getByText('This sign-in checks nobody\'s identity')).toBeVisible();
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  await expectAccessible(page);
});

test('a developer signs in, sees their account, is refused the admin area and signs out', async ({ page }) => {
  await devSignIn(page, 'Dana Developer');
  await page.getByRole('link', { name: 'Your account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dana Developer');
  await expect(page.getByText('Individual developer')).toBeVisible();
  await expect(page.getByText('You are not a member of any agency')).toBeVisible();
  await expectAccessible(page);

  const refused = await page.goto('/admin');
  expect(refused?.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You do not have access to this page');
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.locator('.account-nav')).toContainText('Sign in');
  const after = await page.goto('/account');
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  expect(after?.status()).toBe(200);
});

test('an agency owner manages their own agency and is refused another one', async ({ page }) => {
  await devSignIn(page, 'Owen Owner');
  await expect(page).toHaveURL(/\/manage\/demo-transport$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Demo Transport Agency');
  await expect(page.getByRole('cell', { name: 'Train Travel API' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Owen Owner', exact: true })).toBeVisible();
  await expectAccessible(page);
  const other = await page.goto('/manage/demo-ipo');
  expect(other?.status()).toBe(403);
  await expect(page.getByText('Train Travel API')).toHaveCount(0);
});

test('the admin sees every agency in the admin area', async ({ page }) => {
  await devSignIn(page, 'Ada Admin');
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Admin');
  await expect(page.getByRole('link', { name: 'Demo Transport Agency' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Demo Intellectual Property Office' })).toBeVisible();
  await expectAccessible(page);
});

test('a visitor asked to sign in comes back to the page they wanted', async ({ page }) => {
  await page.goto('/account');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Faccount$/);
  await page.getByLabel('Dana Developer').check();
  await page.getByRole('button', { name: 'Sign in as this person' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dana Developer');
});

test('a citizen signs in through the Singpass-like provider and lands signed in as a developer', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Sign in with Singpass' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Singpass user');
  await expect(page.getByText('Individual developer')).toBeVisible();
  await expect(page.getByRole('cell', { name: 'singpass' })).toBeVisible();
  await expect(page.getByText(/^s=S8979373D,u=/)).toBeVisible();
  await expectAccessible(page);
});

test('agency staff sign in through the Corppass-like provider and see their agency once named a member', async ({ page }) => {
  // A person of their own (MockPass takes it from these headers), so that
  // every run starts with someone who is nobody's member yet.
  const uuid = randomUUID();
  await page.context().setExtraHTTPHeaders({
    'X-Custom-NRIC': 'S8116474F',
    'X-Custom-UUID': uuid,
    'X-Custom-UEN': '123456789A',
  });
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Sign in with Corppass' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText('Business or agency staff')).toBeVisible();
  await expect(page.getByText('You are not a member of any agency')).toBeVisible();
  const subject = (await page.locator('td code').first().textContent())?.trim() ?? '';
  expect(subject).toBe(`s=S8116474F,u=${uuid},c=SG`);
  // The platform's operator names them the agency's maintainer.
  execFileSync(binary, [
    '--data-dir', dataDir,
    '--auth-config', path.join(__dirname, '../oidc/e2e-auth.toml'),
    'member', '--agency', 'demo-ipo', '--provider', 'corppass', '--subject', subject, '--role', 'maintainer',
  ]);
  await page.reload();
  await page.getByRole('link', { name: 'Demo Intellectual Property Office' }).click();
  await expect(page).toHaveURL(/\/manage\/demo-ipo$/);
  await expect(page.getByText('Your agency: you are maintainer')).toBeVisible();
  const other = await page.goto('/manage/demo-transport');
  expect(other?.status()).toBe(403);
  const admin = await page.goto('/admin');
  expect(admin?.status()).toBe(403);
});

test('the admin named in the configuration signs in through the agency provider, and sign-out ends both sessions', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Sign in with Agency ID' }).click();
  // oidc-provider's own sign-in form.
  await page.getByLabel('Subject').fill('e2e-admin');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Platform administration' })).toBeVisible();
  await page.getByRole('link', { name: 'Admin', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Admin');
  await expect(page.getByRole('cell', { name: 'Named in the configuration' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  // The provider asks to confirm the sign-out there too.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/\?signed-out=1/);
  await expect(page.locator('.account-nav')).toContainText('Sign in');
});

test('a sign-in that comes back with a forged state ends on the sign-in page with the reason', async ({ page }) => {
  const response = await page.goto('/sign-in/agency-id/callback?code=x&state=forged');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveURL(/\/sign-in\?problem=state$/);
  await expect(page.getByRole('alert')).toContainText('could not be matched to this browser');
  await expect(page.locator('.account-nav')).toContainText('Sign in');
  await expectAccessible(page);
});
