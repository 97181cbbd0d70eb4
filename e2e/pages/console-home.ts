import type { Locator, Page } from '@playwright/test';

/** The console's home page, shown once signed in. */
export class ConsoleHome {
  readonly greeting: Locator;
  readonly role: Locator;
  readonly organisation: Locator;
  readonly signOut: Locator;

  constructor(readonly page: Page) {
    this.greeting = page.getByRole('heading', { level: 1 });
    this.role = page.getByTestId('role');
    this.organisation = page.getByTestId('organisation');
    this.signOut = page.getByRole('navigation').getByRole('button');
  }
}
