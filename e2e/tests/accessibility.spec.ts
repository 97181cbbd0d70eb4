import { expect } from '@playwright/test';
import { test } from '../fixtures';
import { blockingViolations } from '../axe';

for (const [name, path] of [['sign-in page', '/login'], ['forgotten password page', '/forgot'], ['patient landing page', '/p']]) {
  test(`the ${name} has no serious or critical accessibility violation`, async ({ page }) => {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    expect(await blockingViolations(page)).toEqual([]);
  });
}

test('every control on the sign-in page has an accessible name', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  for (const role of ['button', 'textbox', 'link'] as const) {
    for (const control of await page.getByRole(role).all()) {
      const name = await control.evaluate((el) => {
        const labelled = (el as HTMLInputElement).labels?.[0]?.textContent ?? '';
        return (el.getAttribute('aria-label') ?? labelled ?? '') + (el.textContent ?? '');
      });
      expect(name.trim(), `${role} without a name`).not.toBe('');
    }
  }
});
