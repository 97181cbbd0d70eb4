import type { Locator, Page } from '@playwright/test';

/** The second factor: the code asked after the password, and the
 *  enrolment of an authenticator app (on the console's home or at sign-in). */
export class SecondFactor {
  readonly card: Locator;
  readonly qrCode: Locator;
  readonly key: Locator;
  readonly enrolCode: Locator;
  readonly enrol: Locator;
  readonly recoveryCodes: Locator;
  readonly written: Locator;
  readonly code: Locator;
  readonly confirm: Locator;

  constructor(readonly page: Page) {
    this.card = page.getByRole('region', { name: 'Double authentification' });
    this.qrCode = page.getByRole('img', { name: "Code QR à scanner avec l'application d'authentification" });
    this.key = page.getByTestId('totp-secret');
    this.enrolCode = page.getByLabel("2. Saisissez le code à 6 chiffres que l'application affiche.");
    this.enrol = page.getByRole('button', { name: 'Activer', exact: true });
    this.recoveryCodes = page.getByTestId('recovery-codes').locator('li');
    this.written = page.getByRole('button', { name: "J'ai noté mes codes, continuer" });
    this.code = page.getByLabel('Code à 6 chiffres, ou code de secours');
    this.confirm = page.getByRole('button', { name: 'Valider' });
  }

  async typeCode(code: string) {
    await this.code.fill(code);
    await this.confirm.click();
  }
}
