// The browser tests of a cluster (tests/cluster.spec.ts): scripts/cluster
// starts PostgreSQL, NATS, two Regard nodes and HAProxy on loopback, and the
// browsers reach Regard through HAProxy only, as in production.
import { defineConfig } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromiumArgs, chromiumPath } from './browser.mjs';
import { clusterDir } from './cluster';

process.env.TZ = 'Europe/Paris';
const port = process.env.REGARD_CLUSTER_PORT ?? '18180';
const baseURL = `http://127.0.0.1:${port}`;
mkdirSync(clusterDir, { recursive: true });

export default defineConfig({
  testDir: './tests',
  testMatch: ['cluster.spec.ts'],
  // The tests kill nodes: one at a time.
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  timeout: 120_000,
  expect: { timeout: 15_000 },
  use: {
    baseURL,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: path.resolve('../scripts/cluster'),
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    // The script's own trap stops the nodes, HAProxy, NATS and PostgreSQL.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
    env: {
      REGARD_CLUSTER_PORT: port,
      // Each of the three tests kills one node; the fourth stays up.
      REGARD_CLUSTER_NODES: '4',
      REGARD_CLUSTER_DIR: clusterDir,
      REGARD_BIN: path.resolve(process.env.REGARD_E2E_SERVER ?? '../target/debug/regard'),
      REGARD_DIST_DIR: path.resolve(process.env.REGARD_E2E_DIST_DIR ?? '../dist'),
      REGARD_LOG: 'warn',
    },
  },
});
