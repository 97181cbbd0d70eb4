import { expect } from '@playwright/test';
import { test } from '../fixtures';
import { expectUsableLayout } from '../axe';
import { ConsoleHome } from '../pages/console-home';
import { ADMIN, DEMO_PASSWORD, LoginPage, REGULATOR } from '../pages/login-page';

test('the demo regulator signs in, stays signed in across a reload, and signs out', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });

  // The console sends an anonymous visitor to the sign-in page, and back after.
  await page.goto('/console');
  await expect(page).toHaveURL(/\/login\?next=%2Fconsole$/);

  const login = new LoginPage(page);
  await expect(login.heading).toHaveText('Connexion des soignants');
  await expectUsableLayout(page);
  await login.signIn(REGULATOR, DEMO_PASSWORD);

  const home = new ConsoleHome(page);
  await expect(page).toHaveURL(/\/console$/);
  await expect(home.greeting).toHaveText('Bonjour, Dr Claire Martin');
  await expect(home.role).toHaveText('Médecin régulateur');
  await expect(home.organisation).toContainText('SAMU 54 – Centre 15 de Nancy');
  await expect(home.organisation).toContainText('SAMU – Centre 15');

  // The session lives in an HttpOnly cookie: page scripts cannot read it.
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'regard_session');
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe('Strict');
  expect(await page.evaluate(() => document.cookie)).not.toContain('regard_session');

  await page.reload();
  await expect(home.greeting).toHaveText('Bonjour, Dr Claire Martin');

  await home.signOut.click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/console');
  await expect(page).toHaveURL(/\/login\?next=%2Fconsole$/);
  expect(violations).toEqual([]);
});

test('a wrong password is refused in words, and the e-mail stays typed', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(REGULATOR, 'not the right password');
  await expect(login.alert).toHaveText('Adresse e-mail ou mot de passe incorrect.');
  await expect(login.email).toHaveValue(REGULATOR);
  await expect(login.password).toHaveValue('');
  await expect(page).toHaveURL(/\/login$/);
});

test('an empty form is not sent', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  let sent = false;
  page.on('request', (request) => {
    if (request.url().includes('/api/v1/auth/login')) sent = true;
  });
  await login.submit.click();
  await expect(login.alert).toHaveText('Saisissez votre adresse e-mail et votre mot de passe.');
  expect(sent).toBe(false);
});

test('wrong passwords tried on an account are shown to its owner and to the admin', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  for (let i = 0; i < 2; i++) {
    await login.signIn(ADMIN, 'someone guessing');
    await expect(login.alert).toHaveText('Adresse e-mail ou mot de passe incorrect.');
  }
  await login.signIn(ADMIN, DEMO_PASSWORD);
  const home = new ConsoleHome(page);
  await expect(home.greeting).toHaveText('Bonjour, Admin SAMU 54');
  await expect(home.signInWarning).toContainText('ces 15 dernières minutes : 2');
  await expect(home.failedSignIns).toContainText('Admin SAMU 54 (admin@demo.regard.fr) — échecs : 2');
  await expectUsableLayout(page);
});
