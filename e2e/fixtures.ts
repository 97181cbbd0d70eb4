// The `test` every spec uses: Playwright's, plus one guarantee. A context a
// test opens with `browser.newContext()` lives in the worker's browser until
// someone closes it; a test that fails before its own `close()` would leave a
// camera, a call and their encoders running under every later test of that
// worker, on a 2-core machine, and make them fail in turn.
import { test as base } from '@playwright/test';

export const test = base.extend<{ closeLeftContexts: void }>({
  closeLeftContexts: [async ({ browser }, use) => {
    const before = new Set(browser.contexts());
    await use();
    await Promise.all(browser.contexts().filter((context) => !before.has(context)).map((context) => context.close()));
  }, { auto: true }],
});
