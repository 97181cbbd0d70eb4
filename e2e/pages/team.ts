import type { Locator, Page } from '@playwright/test';

/** For an organisation's administrators: its members and its account log. */
export class TeamPage {
  readonly heading: Locator;
  readonly events: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.events = page.getByTestId('account-event');
  }

  async goto() {
    await this.page.getByRole('link', { name: 'Équipe' }).click();
  }

  member(name: string): Locator {
    return this.page.getByTestId('member').filter({ hasText: name });
  }

  disable(name: string): Locator {
    return this.page.getByRole('button', { name: `Désactiver ${name}` });
  }

  enable(name: string): Locator {
    return this.page.getByRole('button', { name: `Réactiver ${name}` });
  }
}
