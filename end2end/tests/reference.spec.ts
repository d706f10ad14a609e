// The API reference as a visitor meets it: search, the API, an operation,
// the curl sample run for real, and the console. Run with JavaScript on and
// off (the two projects of playwright.config.ts); the reference pages
// themselves carry no script.
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { expectAccessible } from './a11y';

test('a visitor searches, opens an operation and runs its curl sample', async ({ page }) => {
  await page.goto('/apis');
  await page.getByLabel('Search APIs and operations').fill('data sets');
  await page.getByLabel('Search APIs and operations').press('Enter');
  await expect(page).toHaveURL(/q=data/);
  await page.getByRole('link', { name: 'USPTO Data Set API' }).first().click();
  await expect(page).toHaveURL(/\/apis\/demo-ipo\/data-sets$/);
  await expect(page.getByRole('heading', { name: 'Reference' })).toBeVisible();

  await page.getByRole('link', { name: 'Read the API reference' }).click();
  await expect(page).toHaveURL(/\/apis\/demo-ipo\/data-sets\/reference$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('API reference');
  await page
    .getByRole('table', { name: 'Operations in metadata' })
    .getByRole('link', { name: /list of fields/ })
    .click();
  await expect(page).toHaveURL(/\/reference\/operations\/list-searchable-fields$/);
  await expect(page.locator('.endpoint')).toContainText('/{dataset}/{version}/fields');

  // What a visitor copies from the page is a command that works.
  const curl = await page.locator('[data-sample="sample-curl"]').innerText();
  expect(curl).toContain('/demo-ipo/data-sets/oa_citations/v1/fields');
  const output = execFileSync('sh', ['-c', `${curl} --silent --show-error --fail`], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  expect(JSON.parse(output)).toMatchObject({ path: '/oa_citations/v1/fields', method: 'GET' });
});

test('the console sends the request from the server and shows the answer', async ({ page }) => {
  await page.goto('/apis/demo-ipo/data-sets/reference/operations/list-searchable-fields');
  await expect(page.getByLabel(/dataset \(path parameter, required\)/)).toHaveValue('oa_citations');
  await page.getByRole('button', { name: 'Send request' }).click();
  const response = page.locator('#try-response');
  await expect(response.locator('.status')).toHaveText('200');
  await expect(response.locator('pre')).toContainText('"path": "/oa_citations/v1/fields"');
  await expectAccessible(page);

  // A field left empty is named, with a link to it.
  await page.getByLabel(/dataset \(path parameter, required\)/).fill('');
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page).toHaveTitle(/^Error: /);
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('There is a problem');
  await expect(summary.getByRole('link', { name: /Enter a value for dataset/ })).toBeVisible();
  await expectAccessible(page);
});

test('reference pages pass the accessibility audit', async ({ page }) => {
  // Six large pages, each audited by axe (with JavaScript off, in a second
  // context): close to the default 30 s on a busy 2-core machine.
  test.slow();
  for (const path of [
    '/apis/demo-animals/petstore/reference',
    '/apis/demo-animals/petstore/reference/tags/pet',
    '/apis/demo-animals/petstore/reference/operations/addPet',
    '/apis/demo-animals/petstore/reference/schemas/Pet',
    '/apis/demo-transport/train-travel/reference/operations/create-booking-payment',
  ]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'API reference' })).toBeVisible();
    await expectAccessible(page);
  }
});

test('nested schemas open without JavaScript', async ({ page }) => {
  await page.goto('/apis/demo-animals/petstore/reference/operations/addPet');
  const category = page.locator('li.schema__property', { has: page.locator('code', { hasText: /^category$/ }) }).first();
  const fold = category.locator('details').first();
  await expect(fold).not.toHaveAttribute('open', '');
  await fold.locator('summary').click();
  await expect(fold).toHaveAttribute('open', '');
  await expect(fold.getByText('name', { exact: true })).toBeVisible();
});
