// Browser tests drive Debian's Chromium (never a downloaded browser) against
// a Portico started here in development mode on a fresh data directory.
import { defineConfig } from '@playwright/test';
import path from 'node:path';

const portalPort = process.env.PORTICO_E2E_PORTAL_PORT ?? '3310';
const gatewayPort = process.env.PORTICO_E2E_GATEWAY_PORT ?? '8310';
const repoRoot = path.resolve(__dirname, '..');
const binary = process.env.PORTICO_BIN ?? path.join(repoRoot, 'target/debug/portico');
const dataDir = process.env.PORTICO_E2E_DATA_DIR ?? path.join(repoRoot, 'target/e2e-data');


export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${portalPort}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'javascript-on', use: { javaScriptEnabled: true } },
    { name: 'javascript-off', use: { javaScriptEnabled: false }, testIgnore: /hydration/ },
  ],
  webServer: {
    command: `"${binary}" --dev serve --data-dir "${dataDir}" --portal-addr 127.0.0.1:${portalPort} --gateway-addr 127.0.0.1:${gatewayPort}`,
    cwd: repoRoot,
    url: `http://127.0.0.1:${portalPort}/healthz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
