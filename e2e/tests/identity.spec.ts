// A clinician's identity: a second factor enrolled and used (codes computed
// from the key, as the app would), Pro Santé Connect through a real local
// OpenID Connect provider shaped like it, and the RPPS number an
// administrator records.
import { expect } from '@playwright/test';
import { test } from '../fixtures';
import { invitedRegulator } from '../accounts';
import { expectUsableLayout } from '../axe';
import { ConsoleHome } from '../pages/console-home';
import { ADMIN, DEMO_PASSWORD, LoginPage } from '../pages/login-page';
import { SecondFactor } from '../pages/second-factor';
import { TeamPage } from '../pages/team';
import { nextCode, totp } from '../totp';

test('a member enrols an authenticator app, then signs in with a code; a recovery code works once', async ({ page, browser }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(ADMIN, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/console$/);
  const member = await invitedRegulator(page, 'deuxfacteurs');

  const context = await browser.newContext();
  const own = await context.newPage();
  const ownLogin = new LoginPage(own);
  await ownLogin.goto();
  await ownLogin.signIn(member.email, DEMO_PASSWORD);
  await expect(own).toHaveURL(/\/console$/);
  const factor = new SecondFactor(own);
  await expect(factor.card).toContainText('Désactivée');
  await factor.card.getByRole('button', { name: 'Activer la double authentification' }).click();
  await expect(factor.qrCode).toBeVisible();
  const key = (await factor.key.textContent()) ?? '';
  expect(key.replace(/ /g, '')).toMatch(/^[A-Z2-7]{32}$/);
  await expectUsableLayout(own);
  await factor.enrolCode.fill('000000' === totp(key) ? '111111' : '000000');
  await factor.enrol.click();
  await expect(own.getByRole('alert')).toContainText("Ce code n'est pas le bon");
  await factor.enrolCode.fill(totp(key));
  await factor.enrol.click();
  await expect(factor.recoveryCodes).toHaveCount(10);
  const recovery = (await factor.recoveryCodes.allTextContents()).map((c) => c.trim());
  await factor.written.click();
  await expect(factor.card).toContainText('Activée');

  // Signed out, the password alone no longer opens the console.
  await new ConsoleHome(own).signOut.click();
  await ownLogin.goto();
  await ownLogin.signIn(member.email, DEMO_PASSWORD);
  await expect(own.getByRole('heading', { level: 1 })).toHaveText('Double authentification');
  await expectUsableLayout(own);
  await factor.typeCode('123456' === nextCode(key) ? '654321' : '123456');
  await expect(own.getByRole('alert')).toContainText("Ce code n'est pas le bon");
  await factor.typeCode(nextCode(key));
  await expect(own).toHaveURL(/\/console$/);
  await expect(new ConsoleHome(own).greeting).toContainText(member.name);

  // A lost phone: a recovery code, typed in lower case, once.
  await new ConsoleHome(own).signOut.click();
  await ownLogin.goto();
  await ownLogin.signIn(member.email, DEMO_PASSWORD);
  await factor.typeCode(recovery[0].toLowerCase());
  await expect(own).toHaveURL(/\/console$/);
  await new ConsoleHome(own).signOut.click();
  await ownLogin.goto();
  await ownLogin.signIn(member.email, DEMO_PASSWORD);
  await factor.typeCode(recovery[0]);
  await expect(own.getByRole('alert')).toContainText("Ce code n'est pas le bon");
  await context.close();

  // The administrator reads it all in the account log.
  const team = new TeamPage(page);
  await team.goto();
  await expect(team.member(member.name)).toContainText('Double authentification');
  const events = team.events.filter({ hasText: member.name });
  await expect(events.filter({ hasText: 'Code de secours utilisé' })).toHaveCount(1);
  await expect(events.filter({ hasText: 'Double authentification activée' })).toHaveCount(1);
});

test('a doctor signs in with Pro Santé Connect as the account with their RPPS number; an unknown one is told why', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  const psc = page.getByRole('link', { name: "S'identifier avec Pro Santé Connect" });
  await psc.click();
  // The provider's sign-in page (a CPS card, in real life).
  await expect(page.getByRole('heading', { name: 'Pro Santé Connect — fournisseur de test' })).toBeVisible();
  await page.getByRole('button', { name: /Dr Jean Inconnu/ }).click();
  await expect(page).toHaveURL(/\/login\?psc=unknown$/);
  await expect(page.getByTestId('psc-refusal')).toHaveText(
    "Aucun compte Regard n'est rattaché à votre identité Pro Santé Connect. Demandez à l'administrateur de votre organisation d'enregistrer votre numéro RPPS ou ADELI sur votre compte.",
  );
  await expectUsableLayout(page);

  // The provider remembers who signed in there (as PSC does): another
  // identity starts from a browser that forgot it. The page that sent to the
  // sign-in is where it ends, as with a password.
  await page.context().clearCookies();
  await page.goto('/login?next=%2Fconsole%2Fconsultations');
  await psc.click();
  await page.getByRole('button', { name: /Dr Paul Durand — carte CPS/ }).click();
  await expect(page).toHaveURL(/\/console\/consultations$/);
  await page.getByRole('link', { name: 'Accueil', exact: true }).click();
  const home = new ConsoleHome(page);
  await expect(home.greeting).toContainText('Dr Paul Durand');
  await expect(home.organisation).toContainText('Cabinet médical du Parc');
});

test("an administrator records a member's RPPS number; a mistyped one is refused", async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(ADMIN, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/console$/);
  const member = await invitedRegulator(page, 'rpps');
  const team = new TeamPage(page);
  await team.goto();
  const line = team.member(member.name);
  await expect(line.getByTestId('national-id')).toHaveText('Aucun n° RPPS ni ADELI');
  await line.getByRole('button', { name: `Modifier le n° RPPS ou ADELI de ${member.name}` }).click();
  const field = line.getByLabel(`N° RPPS (11 chiffres) ou ADELI (9 caractères) de ${member.name}`);
  await field.fill('100 067 890 18');
  await line.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(line.getByRole('alert')).toHaveText(
    "Ce n'est pas un numéro RPPS (11 chiffres) ni ADELI (9 caractères) : vérifiez chaque chiffre.",
  );
  await expect(field).toHaveValue('100 067 890 18');
  await expectUsableLayout(page);
  await field.fill('100 067 890 19');
  await line.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(line.getByTestId('national-id')).toHaveText('RPPS 10006789019');
  await expect(team.events.filter({ hasText: member.name }).first()).toContainText('N° RPPS ou ADELI modifié');
});
