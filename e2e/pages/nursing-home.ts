import { expect, type Browser, type Locator, type Page } from '@playwright/test';
import { DEMO_PASSWORD, LoginPage } from './login-page';

export const NURSE = 'infirmiere@demo.regard.fr';

/** The nursing home's tablet, landscape, with the demo nurse signed in. */
export async function nurseTablet(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1024, height: 768 },
    isMobile: true,
    hasTouch: true,
    locale: 'fr-FR',
  });
  const page = await context.newPage();
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(NURSE, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/console$/);
  return page;
}

/** The residents list and one resident's page, as the nurse uses them. */
export class Residents {
  readonly search: Locator;
  readonly list: Locator;
  readonly reason: Locator;
  readonly call: Locator;
  readonly history: Locator;

  constructor(readonly page: Page) {
    this.search = page.getByLabel('Rechercher un résident (nom ou chambre)');
    this.list = page.getByRole('region', { name: 'Résidents', exact: true });
    this.reason = page.getByLabel('Motif de l\'appel');
    this.call = page.getByRole('button', { name: 'Appeler le régulateur' });
    this.history = page.getByTestId('call-history').locator('li');
  }

  /** From the console's navigation to the resident's page, by a search. */
  async open(search: string, name: string) {
    await this.page.getByRole('link', { name: 'Résidents', exact: true }).click();
    await this.search.fill(search);
    // The list found for what was typed, not the one it replaces.
    await expect(this.list).toHaveAttribute('aria-busy', 'false');
    await this.list.getByRole('link', { name }).click();
    await expect(this.page).toHaveURL(/\/console\/residents\/[0-9a-f-]{36}$/);
  }
}

/** The call ringing on every page of the regulator's console. */
export class RingingCall {
  readonly banner: Locator;

  constructor(readonly page: Page) {
    this.banner = page.getByTestId('ringing');
  }

  async take(text: string) {
    const call = this.banner.locator('li').filter({ hasText: text });
    await call.getByRole('button', { name: 'Prendre l\'appel' }).click();
    await expect(this.page).toHaveURL(/\/console\/assist\/[0-9a-f-]{36}$/);
  }
}
