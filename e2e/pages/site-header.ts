import { expect, type Locator, type Page } from '@playwright/test';
import { blockingViolations, overflowsWidth } from '../axe';

/** The header of every page, with the language switch. */
export class SiteHeader {
  readonly toEnglish: Locator;
  readonly toFrench: Locator;

  constructor(readonly page: Page) {
    this.toEnglish = page.getByRole('button', { name: 'Switch to English' });
    this.toFrench = page.getByRole('button', { name: 'Passer en français' });
  }
}

/** The patient pages' list of languages, each named in itself. */
export class LanguagePicker {
  readonly toggle: Locator;

  constructor(readonly page: Page) {
    this.toggle = page.locator('details.language-picker > summary');
  }

  async choose(ownName: string) {
    await this.toggle.click();
    await this.page.getByRole('button', { name: ownName, exact: true }).click();
  }
}

/** The page, switched to each patient language in turn (the longest words
 *  are not the same in each), still fits 320 px with no blocking violation;
 *  ends back in French. */
export async function everyLanguageFits(page: Page, what: string) {
  const picker = new LanguagePicker(page);
  for (const [code, name] of [['en', 'English'], ['ar', 'العربية'], ['pt', 'Português'], ['es', 'Español'], ['it', 'Italiano'],
    ['tr', 'Türkçe'], ['uk', 'Українська'], ['ru', 'Русский'], ['ro', 'Română'], ['fr', 'Français']]) {
    await picker.choose(name);
    await expect(page.locator('html')).toHaveAttribute('lang', code);
    expect(await overflowsWidth(page), `${what} in ${code}`).toBe(false);
    expect(await blockingViolations(page), `${what} in ${code}`).toEqual([]);
  }
}
