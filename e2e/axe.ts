import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page } from '@playwright/test';

/** Runs axe-core on the page and returns its serious and critical violations. */
export async function blockingViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  // axe really ran: it checked many rules on this page.
  expect(results.passes.length).toBeGreaterThan(10);
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Whether the page scrolls sideways at its viewport width. */
export async function overflowsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

/**
 * Checks the page as a person would use it, at a phone's and a desktop's width:
 * no sideways scrolling, and every visible text field, text area and list at
 * least 120 px wide and inside its container. (A test that types into a field
 * passes even when the field is 28 px wide; this one does not.) The viewport
 * is put back afterwards.
 */
export async function expectUsableLayout(page: Page, widths = [320, 1280]) {
  const original = page.viewportSize();
  for (const width of widths) {
    await page.setViewportSize({ width, height: original?.height ?? 800 });
    // One frame for the new width's layout.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done(null))));
    expect(await overflowsWidth(page), `the page scrolls sideways at ${width} px on ${page.url()}`).toBe(false);
    const narrow = await page.evaluate(() => {
      const found: string[] = [];
      const skipped = ['hidden', 'checkbox', 'radio', 'file', 'range', 'submit', 'button', 'color', 'image', 'reset'];
      for (const field of document.querySelectorAll<HTMLElement>('input, textarea, select')) {
        if (field instanceof HTMLInputElement && skipped.includes(field.type)) continue;
        const box = field.getBoundingClientRect();
        const style = getComputedStyle(field);
        // Not shown, or visually hidden (1 px, clipped) for screen readers only.
        if (box.width <= 1 || box.height <= 1 || style.visibility === 'hidden' || style.display === 'none') continue;
        const name = field.id || field.getAttribute('name') || field.outerHTML.slice(0, 80);
        if (box.width < 120) found.push(`${name} is ${Math.round(box.width)} px wide`);
        const container = field.parentElement?.getBoundingClientRect();
        if (container && (box.right > container.right + 1 || box.left < container.left - 1)) {
          found.push(`${name} overflows its container`);
        }
      }
      return found;
    });
    expect(narrow, `at ${width} px on ${page.url()}`).toEqual([]);
  }
  if (original) await page.setViewportSize(original);
}

/**
 * Fails unless `action` is fully on the first screen of `page` (scrolled to
 * the top): on a small phone, the one thing to do must not hide below the fold.
 */
export async function expectOnFirstScreen(page: Page, action: Locator) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(action).toBeVisible();
  const box = (await action.boundingBox())!;
  const height = page.viewportSize()!.height;
  expect(box.y, 'the main action starts on screen').toBeGreaterThanOrEqual(0);
  expect(box.y + box.height, `the main action ends within the first ${height} px`).toBeLessThanOrEqual(height);
}
