import { expect, type Page } from '@playwright/test';
import { invitedRegulator } from '../accounts';
import { test } from '../fixtures';
import { expectUsableLayout } from '../axe';
import { ADMIN, DEMO_PASSWORD, LoginPage } from '../pages/login-page';
import { TeamPage } from '../pages/team';

async function signedInAdmin(page: Page): Promise<void> {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(ADMIN, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/console$/);
}

test('an administrator disables a member: their console closes at once, their sign-in is refused in words, the log says who', async ({ page, browser }) => {
  await signedInAdmin(page);
  const { email, name } = await invitedRegulator(page, 'desactive');

  const context = await browser.newContext();
  const member = await context.newPage();
  const memberLogin = new LoginPage(member);
  await memberLogin.goto();
  await memberLogin.signIn(email, DEMO_PASSWORD);
  await expect(member).toHaveURL(/\/console$/);
  await member.getByRole('link', { name: 'Assistance vidéo' }).click();
  await expect(member).toHaveURL(/\/console\/assist$/);

  const team = new TeamPage(page);
  await team.goto();
  await expect(team.heading).toHaveText("Membres de l'organisation");
  await expect(team.member(name).getByTestId('member-status')).toHaveText('Actif');
  // The administrator cannot lock themselves out.
  await expect(team.disable('Admin SAMU 54')).toHaveCount(0);
  await team.disable(name).click();
  await expect(team.member(name).getByTestId('member-status')).toHaveText('Désactivé');

  // The member's console hears it on its live channel and asks them to sign in.
  await expect(member).toHaveURL(/\/login\?next=%2Fconsole%2Fassist$/);
  await memberLogin.signIn(email, DEMO_PASSWORD);
  await expect(memberLogin.alert).toHaveText(
    "Ce compte est désactivé. Adressez-vous à l'administrateur de votre organisation.",
  );
  await expect(team.events.filter({ hasText: name }).first()).toContainText(
    `${name} : Compte désactivé par Admin SAMU 54`,
  );

  await team.enable(name).click();
  await expect(team.member(name).getByTestId('member-status')).toHaveText('Actif');
  await memberLogin.signIn(email, DEMO_PASSWORD);
  await expect(member).toHaveURL(/\/console\/assist$/);
  await expectUsableLayout(page);
  await context.close();
});

test('a member sees where they are signed in and ends a session left open elsewhere', async ({ page, browser }) => {
  await signedInAdmin(page);
  const { email } = await invitedRegulator(page, 'sessions');
  const edge =
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0';
  const [here, there] = [await browser.newContext(), await browser.newContext({ userAgent: edge })];
  const [desk, other] = [await here.newPage(), await there.newPage()];
  for (const tab of [other, desk]) {
    const login = new LoginPage(tab);
    await login.goto();
    await login.signIn(email, DEMO_PASSWORD);
    await expect(tab).toHaveURL(/\/console$/);
  }

  const sessions = desk.getByRole('region', { name: 'Vos sessions ouvertes' }).getByTestId('session');
  await expect(sessions).toHaveCount(2);
  await expect(sessions.filter({ hasText: 'Cet appareil' })).toHaveCount(1);
  await expect(sessions.filter({ hasText: 'Edge · Windows' })).toContainText('depuis 127.0.0.1');
  await expectUsableLayout(desk);
  await desk.getByRole('button', { name: /^Terminer la session Edge · Windows ouverte / }).click();
  await expect(sessions).toHaveCount(1);
  await expect(sessions).toContainText('Cet appareil');
  // The other browser's console closes at once.
  await expect(other).toHaveURL(/\/login\?next=%2Fconsole$/);
  await here.close();
  await there.close();
});
