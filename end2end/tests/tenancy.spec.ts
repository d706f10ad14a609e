// Running agencies, tried as a new user would, with JavaScript on and off:
// an admin creates an agency and invites its owner; the owner, signed in
// through the Corppass-like provider (MockPass), invites a maintainer; each
// step is in the audit log with its actor; the maintainer publishes an API
// from the browser and a new version with curl and a token; and a member of
// one agency is refused another's pages.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';

import { expect, test, type Browser, type Page } from '@playwright/test';

import { expectAccessible } from './a11y';

async function devSignIn(page: Page, person: 'Dana Developer' | 'Owen Owner' | 'Ada Admin') {
  await page.goto('/sign-in');
  await page.getByLabel(person).check();
  await page.getByRole('button', { name: 'Sign in as this person' }).click();
  await expect(page.locator('.account-nav')).toContainText(person);
}

/// A person of their own at the Corppass-like provider, in a browser context
/// of their own, signed in.
async function corppassPerson(browser: Browser, nric: string, javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled });
  await context.setExtraHTTPHeaders({
    'X-Custom-NRIC': nric,
    'X-Custom-UUID': randomUUID(),
    'X-Custom-UEN': '123456789A',
  });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Sign in with Corppass' }).click();
  await expect(page).toHaveURL(/\/account$/);
  return page;
}

/// The link shown once on the page after creating an invitation.
async function shownLink(page: Page): Promise<string> {
  const link = (await page.locator('.secret-once__value').textContent())?.trim() ?? '';
  expect(link).toMatch(/\/invitations\/[A-Za-z0-9_-]{43}$/);
  return new URL(link).pathname;
}

test('an admin creates an agency, its owner invites a maintainer, and the log names each actor', async ({ page, browser }, info) => {
  // Three people, nine pages and their audits: longer than one page's test.
  test.setTimeout(180_000);
  const js = info.project.use.javaScriptEnabled !== false;
  const slug = `agency-${randomUUID().slice(0, 8)}`;

  // The admin creates the agency; a mistake first, said beside its field.
  await devSignIn(page, 'Ada Admin');
  await page.goto('/admin');
  await page.getByRole('button', { name: 'Create an agency' }).click();
  // With JavaScript the router fetches the page's data first: give a busy
  // machine time.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create an agency', { timeout: 15_000 });
  await expectAccessible(page);
  await page.getByLabel('Name', { exact: true }).fill('Housing Board');
  await page.getByLabel('Short name').fill('Housing Board');
  await page.getByRole('button', { name: 'Create the agency' }).click();
  await expect(page.getByRole('alert')).toContainText('Enter a short name');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Housing Board');
  await expectAccessible(page);
  await page.getByLabel('Short name').fill(slug);
  await page.getByRole('button', { name: 'Create the agency' }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/agencies/${slug}$`));
  await expect(page.getByRole('status')).toContainText('Agency Housing Board created');

  // ... and invites its owner.
  await page.getByLabel('Who is it for?').fill('Olivia, head of digital');
  await page.getByRole('button', { name: 'Create the invitation link' }).click();
  const ownerLink = await shownLink(page);
  await expectAccessible(page);

  // The owner signs in through Corppass and accepts.
  const owner = await corppassPerson(browser, 'S8116474F', js);
  await owner.goto(ownerLink);
  await expect(owner.getByRole('heading', { level: 1 })).toHaveText('Join Housing Board');
  await expectAccessible(owner);
  await owner.getByRole('button', { name: 'Accept and join Housing Board' }).click();
  await expect(owner).toHaveURL(new RegExp(`/manage/${slug}$`));
  await expect(owner.getByText('Your agency: you are owner')).toBeVisible();

  // The owner invites a maintainer, who accepts.
  await owner.getByLabel('Who is it for?').fill('Max Maintainer');
  await owner.getByLabel('Role', { exact: true }).selectOption('maintainer');
  await owner.getByRole('button', { name: 'Create the invitation link' }).click();
  const maintainerLink = await shownLink(owner);
  await expectAccessible(owner);
  const maintainer = await corppassPerson(browser, 'S3000024B', js);
  await maintainer.goto(maintainerLink);
  await maintainer.getByRole('button', { name: 'Accept and join Housing Board' }).click();
  await expect(maintainer.getByText('Your agency: you are maintainer')).toBeVisible();

  // The maintainer publishes an API from the browser (a real document from
  // @readme/oas-examples), then a new version from CI with a token and curl.
  const document = path.join(__dirname, '../node_modules/@readme/oas-examples/3.0/json/petstore-expanded.json');
  await maintainer.getByRole('link', { name: 'Publish an API' }).click();
  await expectAccessible(maintainer);
  await maintainer.getByLabel('Name', { exact: true }).fill('Pet Licences');
  await maintainer.getByLabel('Upload the document').setInputFiles(document);
  await maintainer.getByLabel('Visibility').selectOption('public');
  await maintainer.getByRole('button', { name: 'Create the API' }).click();
  await expect(maintainer).toHaveURL(new RegExp(`/manage/${slug}/apis/pet-licences$`), { timeout: 15_000 });
  await expectAccessible(maintainer);
  await maintainer.goto(`/manage/${slug}/tokens`);
  await maintainer.getByLabel('Name', { exact: true }).fill('Release pipeline');
  await maintainer.getByRole('button', { name: 'Create token' }).click();
  const token = (await maintainer.locator('.secret-once__value').first().textContent())?.trim() ?? '';
  expect(token).toMatch(/^ptt_[A-Za-z0-9]{49}$/);
  const base = new URL(maintainer.url()).origin;
  const published = execFileSync('curl', [
    '-sS', '-o', '-', '-w', '\n%{http_code}', '-X', 'POST',
    '-H', `Authorization: Bearer ${token}`, '--data-binary', `@${document}`,
    `${base}/api/v1/agencies/${slug}/apis/pet-licences/versions?label=2.0.0`,
  ]).toString();
  expect(published.trim().split('\n').pop()).toBe('201');
  // The same token is refused at another agency's endpoint.
  const elsewhere = execFileSync('curl', [
    '-sS', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST',
    '-H', `Authorization: Bearer ${token}`, '--data-binary', `@${document}`,
    `${base}/api/v1/agencies/demo-ipo/apis/pet-licences/versions?label=2.0.0`,
  ]).toString();
  expect(elsewhere).toBe('403');
  await maintainer.goto(`/manage/${slug}/apis/pet-licences`);
  await expect(maintainer.getByText('2.0.0').first()).toBeVisible();

  // Both invitations are used up.
  await owner.reload();
  await expect(owner.getByRole('cell', { name: /^Accepted by/ })).toHaveCount(2);

  // A maintainer of this agency is refused another's pages and this one's log.
  for (const page of ['/manage/demo-ipo', '/manage/demo-ipo/audit', '/manage/demo-ipo/apis/new', '/manage/demo-ipo/apis/data-sets',
    '/manage/demo-ipo/tokens', '/manage/demo-ipo/requests', `/manage/${slug}/audit`, '/admin', '/admin/audit']) {
    const response = await maintainer.goto(page);
    expect(response?.status(), page).toBe(403);
  }
  const csv = await maintainer.request.get('/manage/demo-ipo/audit.csv');
  expect(csv.status()).toBe(403);

  // The owner reads the agency's log: each step with its actor.
  await owner.goto(`/manage/${slug}/audit`);
  await expect(owner.getByRole('heading', { level: 1 })).toHaveText('Audit log');
  const rows = owner.locator('tbody tr');
  await expect(rows.filter({ hasText: 'tenant.create' })).toContainText('Ada Admin');
  await expect(rows.filter({ hasText: 'invitation.redeem' })).toHaveCount(2);
  await expect(rows.filter({ hasText: 'api.create' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'version.publish' }).filter({ hasText: '(token ptt_' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'token.create' })).toHaveCount(1);
  await expectAccessible(owner);
  // Narrowed to one action, and downloaded as CSV.
  await owner.getByLabel('Action').selectOption('invitation.create');
  await owner.getByRole('button', { name: 'Show events' }).click();
  await expect(rows).toHaveCount(2);
  const download = await owner.request.get(`/manage/${slug}/audit.csv?action=invitation.create`);
  expect(download.status()).toBe(200);
  const lines = (await download.text()).trim().split('\r\n');
  expect(lines).toHaveLength(3);
  expect(lines[1]).toContain('Ada Admin');

  await owner.context().close();
  await maintainer.context().close();
});

test('the admin suspends an agency and reactivates it', async ({ page }) => {
  const slug = `suspend-${randomUUID().slice(0, 8)}`;
  await devSignIn(page, 'Ada Admin');
  await page.goto('/admin/agencies/new');
  await page.getByLabel('Name', { exact: true }).fill('Parks Board');
  await page.getByLabel('Short name').fill(slug);
  await page.getByRole('button', { name: 'Create the agency' }).click();
  await page.getByRole('button', { name: 'Suspend the agency' }).click();
  await expect(page.getByRole('alert')).toContainText('Say why the agency is suspended');
  await page.getByLabel('Why is it suspended?').fill('Upstream under maintenance');
  await page.getByRole('button', { name: 'Suspend the agency' }).click();
  await expect(page.getByRole('status')).toContainText('The agency is suspended');
  await expectAccessible(page);
  await page.goto('/admin');
  await expect(page.getByRole('row', { name: new RegExp(slug) })).toContainText('Suspended');
  await page.goto(`/admin/agencies/${slug}`);
  await page.getByRole('button', { name: 'Reactivate the agency' }).click();
  await expect(page.getByRole('status')).toContainText('active again');
});

test('the admin names the portal and its terms, and every page shows them', async ({ page }) => {
  await devSignIn(page, 'Ada Admin');
  await page.goto('/admin/settings');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Platform settings');
  await expectAccessible(page);
  await page.getByLabel('Support page (optional)').fill('not a web address');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('alert')).toContainText('Enter the support page');
  await page.getByLabel('Support page (optional)').fill('https://support.example.gov/');
  await page.getByLabel('Terms of use (Markdown)').fill('Use the APIs **fairly** and keep personal data safe.');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status')).toContainText('Settings saved');
  await page.goto('/');
  await page.getByRole('link', { name: 'Terms of use' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Terms of use');
  await expect(page.locator('.prose strong')).toHaveText('fairly');
  await expectAccessible(page);
});
