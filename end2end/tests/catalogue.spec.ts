// The catalogue as a visitor meets it, run once with JavaScript on and once
// with it off (the two projects of playwright.config.ts).
import { expect, test } from '@playwright/test';
import { expectAccessible } from './a11y';

test('home page introduces the catalogue and lists demo APIs', async ({ page }) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle('Government APIs in one place - Portico');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Government APIs in one place');
  await expect(page.getByText('This Portico runs in development mode')).toBeVisible();
  await expect(page.getByRole('heading', { name: /4 APIs from 4 agencies/ })).toBeVisible();
  await expectAccessible(page);
});

test('catalogue lists every published API with agency, summary and tags', async ({ page }) => {
  await page.goto('/apis');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('API catalogue');
  const cards = page.locator('.api-card');
  // The three demo APIs, and Portico's own REST API.
  await expect(cards).toHaveCount(4);
  const trains = cards.filter({ hasText: 'Train Travel API' });
  await expect(trains.getByText('Demo Transport Agency')).toBeVisible();
  await expect(trains.getByText('Find train stations and trips')).toBeVisible();
  await expect(trains.getByText('rail', { exact: true })).toBeVisible();
  await expectAccessible(page);
});

test('filtering by agency narrows the catalogue through a plain GET form', async ({ page }) => {
  await page.goto('/apis');
  await page.getByLabel('Agency').selectOption({ label: 'Demo Intellectual Property Office' });
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/agency=demo-ipo/);
  await expect(page.locator('.api-card')).toHaveCount(1);
  await expect(page.getByRole('heading', { name: 'USPTO Data Set API' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '1 API', exact: true })).toBeVisible();
  await expectAccessible(page);
});

test('an API page shows how to call it and its plans', async ({ page }) => {
  await page.goto('/apis');
  await page.getByRole('link', { name: 'USPTO Data Set API' }).click();
  await expect(page).toHaveURL(/\/apis\/demo-ipo\/data-sets$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('USPTO Data Set API');
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.locator('pre code')).toContainText('/demo-ipo/data-sets/');
  const plans = page.getByRole('table', { name: 'Plans and their limits' });
  await expect(plans.getByRole('rowheader', { name: /Standard/ })).toBeVisible();
  await expect(plans.getByRole('rowheader', { name: /Partner/ })).toBeVisible();
  await expectAccessible(page);
});

test('an unknown page answers 404 with a helpful page', async ({ page }) => {
  const response = await page.goto('/no/such/page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await expectAccessible(page);
});

test('an agency page lists what the agency publishes', async ({ page }) => {
  const response = await page.goto('/agencies/demo-transport');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Demo Transport Agency');
  await expect(page.locator('.api-card')).toHaveCount(1);
  await expect(page.getByRole('link', { name: 'Train Travel API' })).toBeVisible();
  await expectAccessible(page);
});
