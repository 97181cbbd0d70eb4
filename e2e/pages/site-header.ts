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
