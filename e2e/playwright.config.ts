// Playwright drives Debian's Chromium (never a downloaded browser) against a real
// Regard server that it starts on the port, database and build given by
// scripts/test through the environment, in testing mode (see e2e/clock.ts).
import { defineConfig } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromiumArgs, chromiumPath } from './browser.mjs';

// The tests' own dates (an appointment in ten minutes) are written in the same
// time zone as the browser's (see timezoneId below); workers inherit it.
process.env.TZ = 'Europe/Paris';

const port = process.env.REGARD_E2E_PORT ?? '18080';
const baseURL = `http://127.0.0.1:${port}`;
const server = process.env.REGARD_E2E_SERVER ?? '../target/debug/regard';
const dataDir = process.env.REGARD_E2E_DATA_DIR ?? '../target/e2e-data';
const distDir = process.env.REGARD_E2E_DIST_DIR ?? '../dist';
const smtpPort = process.env.REGARD_E2E_SMTP_PORT ?? '18025';
const maildir = process.env.REGARD_E2E_MAILDIR ?? '../target/e2e-mail';
const python = process.env.REGARD_E2E_PYTHON ?? '../tools/.venv/bin/python';
// The hospital's PACS: Debian's Orthanc with its DICOMweb plugin, its storage
// beside the server's data directory; the demo practice is connected to it.
const orthancPort = process.env.REGARD_E2E_ORTHANC_PORT ?? '18042';
const orthancDir = path.resolve(`${dataDir}-orthanc`);
mkdirSync(orthancDir, { recursive: true });
writeFileSync(path.join(orthancDir, 'orthanc.json'), JSON.stringify({
  Name: 'regard-e2e', StorageDirectory: orthancDir, IndexDirectory: orthancDir, HttpPort: Number(orthancPort),
  DicomServerEnabled: false, RemoteAccessAllowed: false, AuthenticationEnabled: false,
  Plugins: ['/usr/share/orthanc/plugins/libOrthancDicomWeb.so'], DicomWeb: { Enable: true, Root: '/dicom-web/' },
}));
process.env.REGARD_E2E_ORTHANC_URL = `http://127.0.0.1:${orthancPort}`;
// A local OpenID Connect provider shaped like Pro Santé Connect (oidc-provider.mjs).
const pscPort = process.env.REGARD_E2E_PSC_PORT ?? '18090';
const pscIssuer = `http://127.0.0.1:${pscPort}`;
const psc = ` --psc-issuer ${pscIssuer} --psc-client-id regard --psc-client-secret regard-test-secret`;
// SQLite in the data directory unless scripts/test names a PostgreSQL database.
const database = process.env.REGARD_E2E_DATABASE_URL ? ` --database-url ${process.env.REGARD_E2E_DATABASE_URL}` : '';


// What tests the pages, the browsers or the network rather than what the
// server stores: layouts at 320 px, accessibility, languages, the page's
// weight, the PWA, relays, shaped links, the other browser engines.
// scripts/test runs them once, on SQLite; its PostgreSQL run
// (REGARD_E2E_SCOPE=storage) keeps the scenarios that store and read data.
const pagesOnly = [
  'accessibility', 'console-layout', 'engines', 'engines-consultation', 'first-screen', 'language', 'languages',
  'layout', 'network', 'page-weight', 'pwa', 'relay', 'shaped-network', 'source',
];

export default defineConfig({
  testDir: './tests',
  // The cluster's own tests (cluster.spec.ts) run against the cluster, with cluster.config.ts.
  testIgnore: [
    '**/cluster.spec.ts',
    ...(process.env.REGARD_E2E_SCOPE === 'storage' ? pagesOnly.map((name) => `**/${name}.spec.ts`) : []),
  ],
  fullyParallel: true,
  // Two cores: one for the server, one for the browser.
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  // A guard against a hung test, not a measure of speed (figures are the
  // benchmarks' job): a video scenario on a busy 2-core machine takes a
  // minute where it takes twenty seconds on a quiet one.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    locale: 'fr-FR',
    // The people Regard serves are in France: a browser on UTC would start a
    // follow-up on yesterday's date between midnight in Paris and midnight UTC.
    timezoneId: 'Europe/Paris',
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    trace: 'retain-on-failure',
  },
  webServer: [
    {
      // A real SMTP server for the invitations, storing mail in a Maildir (see mailbox.ts).
      command: `${python} -m aiosmtpd -n -l 127.0.0.1:${smtpPort} -c aiosmtpd.handlers.Mailbox ${maildir}`,
      port: Number(smtpPort),
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `/usr/sbin/Orthanc ${path.join(orthancDir, 'orthanc.json')}`,
      url: `http://127.0.0.1:${orthancPort}/system`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `node oidc-provider.mjs --port=${pscPort} --redirect=${baseURL}/api/v1/auth/psc/callback --secret=regard-test-secret`,
      url: `${pscIssuer}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'ignore',
    },
    {
      command: `${server} serve --listen 127.0.0.1:${port} --public-url ${baseURL} --data-dir ${dataDir} --dist-dir ${distDir} --seed-demo --smtp-url smtp://127.0.0.1:${smtpPort} --scheduler-seconds 1 --monitoring-retention-days 1 --demo-pacs-url http://127.0.0.1:${orthancPort}/dicom-web --testing${psc}${database}`,
      url: `${baseURL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: { REGARD_LOG: 'warn' },
    },
  ],
});
