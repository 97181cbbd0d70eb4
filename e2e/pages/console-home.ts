import type { Locator, Page } from '@playwright/test';

/** The console's home page, shown once signed in. */
export class ConsoleHome {
  readonly greeting: Locator;
  readonly role: Locator;
  readonly organisation: Locator;
  readonly signOut: Locator;
  /** The warning that someone got this account's password wrong lately. */
  readonly signInWarning: Locator;
  /** For admins: the members whose password was got wrong lately. */
  readonly failedSignIns: Locator;

  constructor(readonly page: Page) {
    this.greeting = page.getByRole('heading', { level: 1 });
    this.role = page.getByTestId('role');
    this.organisation = page.getByTestId('organisation');
    this.signOut = page.getByRole('navigation').getByRole('button');
    this.signInWarning = page.getByTestId('sign-in-warning');
    this.failedSignIns = page.getByRole('region', { name: 'Connexions échouées' });
  }
}
