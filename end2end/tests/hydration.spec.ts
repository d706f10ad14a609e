// With JavaScript on, the page hydrates: the browser bundle loads and takes
// over navigation without errors. Run by the javascript-on project only.
import { expect, test } from '@playwright/test';

test('the browser bundle loads and hydrates without errors', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  const wasm = page.waitForResponse((r) => r.url().endsWith('/pkg/portico_bg.wasm') && r.ok());
  await page.goto('/apis');
  await wasm;
  // Client-side routing after hydration: no full reload, the URL changes.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  await page.getByRole('link', { name: 'Train Travel API' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Train Travel API');
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
  expect(errors).toEqual([]);
});
