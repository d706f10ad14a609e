// With JavaScript on, the page hydrates: the browser bundle loads and takes
// over navigation without errors. Run by the javascript-on project only.
import { expect, test } from '@playwright/test';

test('the browser bundle loads and hydrates without errors', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.goto('/apis');
  // The bundle downloaded is not yet the bundle running: wait until the
  // application says it has taken the page over.
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  // Client-side routing after hydration: no full reload, the URL changes.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  await page.getByRole('link', { name: 'Train Travel API' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Train Travel API');
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
  expect(errors).toEqual([]);
});

// Signed-in pages load more data (the header's account area, the unread
// count, the page's own lists): each must hydrate, which it does only when
// the browser creates its data in the order the server did.
const signedInPages: Record<string, string[]> = {
  'Ada Admin': ['/', '/account', '/account/tokens', '/apps', '/notifications', '/admin', '/admin/settings', '/admin/agencies/new', '/admin/agencies/demo-transport', '/admin/audit'],
  'Owen Owner': ['/manage/demo-transport', '/manage/demo-transport/requests', '/manage/demo-transport/tokens', '/manage/demo-transport/audit', '/manage/demo-transport/apis/train-travel/usage', '/manage/demo-transport/apis/train-travel/usage?span=day', '/manage/demo-transport/apis/train-travel/consumers'],
};

for (const [person, paths] of Object.entries(signedInPages)) {
  test(`signed-in pages of ${person} hydrate without errors`, async ({ page }) => {
    // Up to ten pages, each loaded, left to settle and navigated from: on
    // two busy cores that can pass the 30 s a test is given by default.
    test.slow();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`${page.url()}: ${msg.text()}`);
    });
    await page.goto('/sign-in');
    await page.getByLabel(person).check();
    await page.getByRole('button', { name: 'Sign in as this person' }).click();
    await expect(page.locator('.account-nav')).toContainText(person);
    for (const path of paths) {
      await page.goto(path);
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      // Hydrated: the header's own link navigates inside the page.
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
      await page.getByRole('link', { name: 'API catalogue' }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('API catalogue');
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker), `${path} hydrated`).toBe(1);
    }
    expect(errors).toEqual([]);
  });
}
