import { expect, type Locator, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'regard-demo-2026';
export const REGULATOR = 'regulateur@demo.regard.fr';
export const GP = 'medecin@demo.regard.fr';
export const PHARMACIST = 'pharmacien@demo.regard.fr';
export const ADMIN = 'admin@demo.regard.fr';

/** The clinician sign-in page. */
export class LoginPage {
  readonly heading: Locator;
  readonly email: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  readonly alert: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.email = page.locator('#login-email');
    this.password = page.locator('#login-password');
    this.submit = page.locator('form button[type="submit"]');
    this.alert = page.getByRole('alert');
  }

  async goto() {
    await this.page.goto('/login');
    await expect(this.heading).toBeVisible();
  }

  async signIn(email: string, password: string) {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.submit.click();
  }
}
