import { expect } from '@playwright/test';
import { test } from '../fixtures';
import { LoginPage } from '../pages/login-page';
import { LanguagePicker, SiteHeader } from '../pages/site-header';

test('French by default, English on request, and the choice survives a reload', async ({ browser }) => {
  // A browser that prefers English still gets French first: Regard serves French services.
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const login = new LoginPage(page);
  const header = new SiteHeader(page);

  await login.goto();
  await expect(login.heading).toHaveText('Connexion des soignants');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');

  await header.toEnglish.click();
  await expect(login.heading).toHaveText('Clinician sign-in');
  await expect(login.submit).toHaveText('Sign in');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await page.reload();
  await expect(login.heading).toHaveText('Clinician sign-in');

  // The choice holds on the patient pages too (one cookie for the site), and
  // one made there holds back on the console.
  await page.goto('/p');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Regard: seeing you to care for you better');
  await new LanguagePicker(page).choose('Français');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Regard : voir pour mieux vous soigner');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Regard : voir pour mieux vous soigner');
  await login.goto();
  await expect(login.heading).toHaveText('Connexion des soignants');
  await context.close();
});
