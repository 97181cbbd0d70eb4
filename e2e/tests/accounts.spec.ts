import { expect } from '@playwright/test';
import { test } from '../fixtures';
import { accountLink, invitedRegulator } from '../accounts';
import { expectUsableLayout } from '../axe';
import { ConsoleHome } from '../pages/console-home';
import { ADMIN, DEMO_PASSWORD, LoginPage } from '../pages/login-page';
import { TeamPage } from '../pages/team';

const CHOSEN = 'une phrase de passe bien à moi';

test('an administrator invites a member by e-mail; the member chooses a password and signs in', async ({ page, browser }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(ADMIN, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/console$/);
  const team = new TeamPage(page);
  await team.goto();
  const stamp = `${Date.now()}`.slice(-7);
  const email = `invitee.${stamp}@demo.regard.fr`;
  const name = `Dr Invitée ${stamp}`;
  const invite = page.getByRole('region', { name: 'Inviter un membre' });
  await invite.getByLabel('Adresse e-mail').fill(email);
  await invite.getByLabel('Nom affiché (ex. Dr Jeanne Petit)').fill(name);
  await expect(invite.getByLabel('Rôle')).toHaveValue('regulator');
  await invite.getByRole('button', { name: "Envoyer l'invitation" }).click();
  await expect(invite.getByRole('status')).toHaveText(`Invitation envoyée à ${email}.`);
  await expect(team.member(name).getByTestId('member-status')).toHaveText('Invitation envoyée');
  await expectUsableLayout(page);

  const link = await accountLink(email, 'invitation');
  const context = await browser.newContext();
  const invitee = await context.newPage();
  await invitee.goto(link);
  await expect(invitee.getByRole('heading', { level: 1 })).toHaveText(`Bienvenue, ${name}`);
  await expect(invitee.getByLabel('Adresse e-mail')).toHaveValue(email);
  await expectUsableLayout(invitee);
  const [password, again] = [invitee.locator('#new-password'), invitee.locator('#confirm-password')];
  await password.fill('trop court');
  await again.fill('trop court');
  await invitee.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(invitee.getByRole('alert')).toHaveText('Choisissez un mot de passe de 12 caractères au moins.');
  await password.fill(CHOSEN);
  await again.fill(`${CHOSEN}!`);
  await invitee.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(invitee.getByRole('alert')).toHaveText('Les deux mots de passe ne sont pas identiques.');
  await again.fill(CHOSEN);
  await invitee.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(invitee.getByRole('status')).toContainText('Votre mot de passe est enregistré.');

  await invitee.getByRole('link', { name: 'Se connecter' }).click();
  const inviteeLogin = new LoginPage(invitee);
  await inviteeLogin.signIn(email, CHOSEN);
  await expect(new ConsoleHome(invitee).greeting).toHaveText(`Bonjour, ${name}`);
  // The link worked once.
  await invitee.goto(link);
  await expect(invitee.getByRole('heading', { level: 1 })).toHaveText('Ce lien ne fonctionne plus');
  await context.close();

  await page.reload();
  await expect(team.member(name).getByTestId('member-status')).toHaveText('Actif');
  const events = team.events.filter({ hasText: name });
  await expect(events.first()).toContainText(`${name} : Connexion`);
  await expect(events.filter({ hasText: 'Invitation acceptée, mot de passe choisi' })).toHaveCount(1);
  await expect(events.filter({ hasText: 'Invitation envoyée par Admin SAMU 54' })).toHaveCount(1);
});

test('a member who forgot their password gets a link by e-mail, and the old password opens nothing', async ({ page, browser }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(ADMIN, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/console$/);
  const { email, name } = await invitedRegulator(page, 'oubli');

  const context = await browser.newContext();
  const member = await context.newPage();
  const memberLogin = new LoginPage(member);
  await memberLogin.goto();
  await member.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
  await expect(member.getByRole('heading', { level: 1 })).toHaveText('Mot de passe oublié');
  await expectUsableLayout(member);
  await member.getByLabel('Adresse e-mail').fill(email);
  await member.getByRole('button', { name: 'Recevoir le lien' }).click();
  await expect(member.getByTestId('reset-sent')).toHaveText(
    `Si un compte existe pour ${email}, un e-mail vient de partir. Ouvrez le lien qu'il contient dans les 30 minutes.`,
  );

  await member.goto(await accountLink(email, 'reset'));
  await expect(member.getByRole('heading', { level: 1 })).toHaveText('Nouveau mot de passe');
  await member.locator('#new-password').fill(CHOSEN);
  await member.locator('#confirm-password').fill(CHOSEN);
  await member.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(member.getByRole('status')).toContainText('Votre mot de passe est enregistré.');

  await memberLogin.goto();
  await memberLogin.signIn(email, DEMO_PASSWORD);
  await expect(memberLogin.alert).toHaveText('Adresse e-mail ou mot de passe incorrect.');
  await memberLogin.signIn(email, CHOSEN);
  await expect(new ConsoleHome(member).greeting).toHaveText(`Bonjour, ${name}`);
  await context.close();
});
