// The shaped-link video benchmark (scripts/bench-shaped-video), run by
// Playwright's runner for its TypeScript and fixtures; not part of the tests.
import { defineConfig } from '@playwright/test';
import { benchArgs, chromiumPath } from '../browser.mjs';

export default defineConfig({
  testDir: '.',
  testMatch: 'shaped-video.bench.ts',
  workers: 1,
  reporter: [['list']],
  use: { launchOptions: { executablePath: chromiumPath, args: benchArgs } },
});
