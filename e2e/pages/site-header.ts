import type { Locator, Page } from '@playwright/test';

/** The header of every page, with the language switch. */
export class SiteHeader {
  readonly toEnglish: Locator;
  readonly toFrench: Locator;

  constructor(readonly page: Page) {
    this.toEnglish = page.getByRole('button', { name: 'Switch to English' });
    this.toFrench = page.getByRole('button', { name: 'Passer en français' });
  }
}
