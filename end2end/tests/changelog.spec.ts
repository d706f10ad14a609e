// The changelog between two versions of an API, as a visitor meets it. A
// second version of the demo Petstore (an operation removed, a required
// parameter added) is imported with the CLI first, into the server's data.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { expectAccessible } from './a11y';

const repoRoot = path.resolve(__dirname, '..', '..');
const binary = process.env.PORTICO_BIN ?? path.join(repoRoot, 'target/debug/portico');
const dataDir = process.env.PORTICO_E2E_DATA_DIR ?? path.join(repoRoot, 'target/e2e-data');

test.beforeAll(() => {
  const doc = JSON.parse(fs.readFileSync(path.join(repoRoot, 'src/demo/specs/petstore.json'), 'utf8'));
  delete doc.paths['/user/logout'];
  doc.paths['/pet/findByStatus'].get.parameters.push({
    name: 'shelter',
    in: 'query',
    required: true,
    schema: { type: 'string' },
  });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'portico-e2e-')), 'petstore.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  // Both projects run this; whichever comes second finds the version there.
  // Their imports may also collide in the database, so one retry.
  const env = { ...process.env };
  delete env.PORTICO_DATABASE_URL;
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync(
        binary,
        ['import', '--data-dir', dataDir, '--agency', 'demo-animals', '--api', 'petstore', '--version', '1.0.1', file],
        { stdio: 'pipe', env },
      );
      break;
    } catch (err) {
      const stderr = String((err as { stderr?: Buffer }).stderr ?? '');
      if (stderr.includes('already has a version')) break;
      if (attempt >= 3) throw new Error(`portico import failed: ${stderr}`);
    }
  }
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test('an API page links to the changes from the previous version', async ({ page }) => {
  await page.goto('/apis/demo-animals/petstore');
  const versions = page.getByRole('table', { name: 'Versions of the OpenAPI document' });
  await versions.getByRole('link', { name: /Changes from the previous version/ }).click();
  await expect(page).toHaveURL(/\/apis\/demo-animals\/petstore\/changelog\?from=1\.0\.0&to=1\.0\.1$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Changes from 1.0.0 to 1.0.1');
  await expect(page.getByText(/^2 breaking changes, 1 operation removed, 1 operation changed$/)).toBeVisible();
  const breaking = page.getByRole('table', { name: 'Breaking changes from 1.0.0 to 1.0.1' });
  await expect(breaking.getByRole('rowheader', { name: /GET \/user\/logout/ })).toBeVisible();
  await expect(breaking.getByText('Breaking', { exact: true })).toHaveCount(2);
  await expectAccessible(page);
});

test('two versions are chosen with a plain GET form', async ({ page }) => {
  await page.goto('/apis/demo-animals/petstore/changelog');
  await page.getByLabel('From version').selectOption('1.0.1');
  await page.getByLabel('To version').selectOption('1.0.0');
  await page.getByRole('button', { name: 'Compare versions' }).click();
  await expect(page).toHaveURL(/from=1\.0\.1&to=1\.0\.0/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Changes from 1.0.1 to 1.0.0');
  await expect(page.getByRole('table', { name: 'Operations added from 1.0.1 to 1.0.0' })).toContainText(
    'GET /user/logout',
  );
  await expectAccessible(page);
});

test('an unknown version answers 404 and says which', async ({ page }) => {
  const response = await page.goto('/apis/demo-animals/petstore/changelog?to=9.9');
  expect(response?.status()).toBe(404);
  await expect(page.getByText("API 'petstore' has no version '9.9'")).toBeVisible();
  await expectAccessible(page);
});
