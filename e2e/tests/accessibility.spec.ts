import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

for (const [name, path] of [['sign-in page', '/login'], ['patient landing page', '/p']]) {
  test(`the ${name} has no serious or critical accessibility violation`, async ({ page }) => {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    const blocking = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    expect(blocking).toEqual([]);
    // axe really ran: it checked many rules on this page.
    expect(results.passes.length).toBeGreaterThan(10);
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
