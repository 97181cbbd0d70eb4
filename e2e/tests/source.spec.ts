import { expect } from '@playwright/test';
import { test } from '../fixtures';

// AGPL-3.0 section 13: every page offers the source of the Regard serving it.
// By default `/source` is the archive the build packed (scripts/lib.sh, pack_source).
for (const path of ['/login', '/p', '/v/not-a-link']) {
  test(`${path} links to the source code, which downloads`, async ({ page }) => {
    await page.goto(path);
    const link = page.getByRole('contentinfo').getByRole('link', { name: 'Code source' });
    await expect(link).toHaveAttribute('href', '/source');
    // Clicked, it leaves the app (the console's router must not take it for one of its pages).
    const download = page.waitForEvent('download');
    await link.click();
    expect((await download).suggestedFilename()).toBe('regard-source.tar.gz');
  });
}

test('the source archive is the gzip of a tarball of Regard', async ({ request }) => {
  const answer = await request.get('/source');
  expect(answer.status()).toBe(200);
  expect(answer.headers()['content-type']).toBe('application/gzip');
  const bytes = await answer.body();
  expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
  expect(bytes.length).toBeGreaterThan(100_000);
});
