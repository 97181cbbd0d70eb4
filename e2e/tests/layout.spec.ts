import { expect } from '@playwright/test';
import { test } from '../fixtures';

test.use({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });

for (const path of ['/p', '/login']) {
  test(`${path} fits a 320 px wide phone without horizontal scrolling`, async ({ page }) => {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(clientWidth).toBe(320);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  });
}

test('patient page touch targets are at least 44 px high', async ({ page }) => {
  await page.goto('/p');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  for (const control of await page.getByRole('button').all()) {
    const box = await control.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
  }
});
