// Browser tests drive Debian's Chromium (never a downloaded browser) against
// a Portico started here in development mode on a fresh data directory.
import { defineConfig } from '@playwright/test';
import path from 'node:path';

const portalPort = process.env.PORTICO_E2E_PORTAL_PORT ?? '3310';
const gatewayPort = process.env.PORTICO_E2E_GATEWAY_PORT ?? '8310';
const repoRoot = path.resolve(__dirname, '..');
const binary = process.env.PORTICO_BIN ?? path.join(repoRoot, 'target/debug/portico');
const dataDir = process.env.PORTICO_E2E_DATA_DIR ?? path.join(repoRoot, 'target/e2e-data');
// The identity providers the sign-in tests use (end2end/oidc/README.md).
const mockpassPort = process.env.PORTICO_E2E_MOCKPASS_PORT ?? '5356';
const oidcPort = process.env.PORTICO_E2E_OIDC_PORT ?? '9356';
const portal = `http://127.0.0.1:${portalPort}`;
const serverLog = process.env.PORTICO_E2E_SERVER_LOG;


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
  webServer: [
    {
      command: 'node oidc/mockpass.cjs',
      cwd: __dirname,
      env: {
        MOCKPASS_PORT: mockpassPort,
        SP_RP_JWKS_ENDPOINT: `${portal}/.well-known/jwks.json`,
        CP_RP_JWKS_ENDPOINT: `${portal}/.well-known/jwks.json`,
      },
      url: `http://127.0.0.1:${mockpassPort}/singpass/v2/.well-known/openid-configuration`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: 'node oidc/provider.mjs',
      cwd: __dirname,
      env: {
        OIDC_PORT: oidcPort,
        OIDC_PROFILE: 'generic',
        OIDC_REDIRECT_URIS: `${portal}/sign-in/agency-id/callback`,
        OIDC_POST_LOGOUT_REDIRECT_URIS: `${portal}/?signed-out=1`,
        OIDC_SUBJECT: 'e2e-officer',
        OIDC_NAME: 'Oliver Officer',
        OIDC_EMAIL: 'oliver@agency.example',
      },
      url: `http://127.0.0.1:${oidcPort}/.well-known/openid-configuration`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // PORTICO_E2E_SERVER_LOG names a file for Portico's log lines, read
      // when a test fails (scripts/test prints its warnings and errors).
      command: `"${binary}" --dev serve --data-dir "${dataDir}" --portal-addr 127.0.0.1:${portalPort} --gateway-addr 127.0.0.1:${gatewayPort}`
        + (serverLog ? ` >> "${serverLog}"` : ''),
      cwd: repoRoot,
      env: {
        PORTICO_AUTH_CONFIG: path.join(__dirname, 'oidc/e2e-auth.toml'),
        PORTICO_AUTH_SINGPASS_ISSUER: `http://127.0.0.1:${mockpassPort}/singpass/v2`,
        PORTICO_AUTH_CORPPASS_ISSUER: `http://127.0.0.1:${mockpassPort}/corppass/v2`,
        PORTICO_AUTH_AGENCY_ID_ISSUER: `http://127.0.0.1:${oidcPort}`,
      },
      url: `${portal}/healthz`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
