import { expect } from '@playwright/test';
import { test } from '../fixtures';
import { blockingViolations, expectUsableLayout } from '../axe';
import { messagesTo } from '../mailbox';
import { clinicianPage } from '../pages/assist';
import { Expertise, SPECIALIST } from '../pages/expertise';
import { GP } from '../pages/login-page';

test('a GP asks a dermatologist, answers her question and reads the opinion, also by e-mail', async ({ browser }) => {
  // A name of this run only: the queue and the mailbox outlive one test run.
  const last = `Roy${Date.now().toString(36).replace(/[0-9]/g, '')}`;
  const gp = new Expertise(await clinicianPage(browser, GP));
  await gp.openDesk();
  const question = 'Naevus atypique du dos : exérèse à prévoir ?';
  await gp.sendDermatology({ last, first: 'Léa', born: '1961-04-09' }, ['ensemble.png', 'gros-plan.png'], question);
  const id = gp.page.url().split('/').pop()!;
  const mailsAboutIt = () => messagesTo(GP).filter((m) => m.includes(`/console/expertise/${id}`));
  expect(await blockingViolations(gp.page)).toEqual([]);
  await expectUsableLayout(gp.page);

  // The specialist's console shows something waits; the queue has the request.
  const expert = new Expertise(await clinicianPage(browser, SPECIALIST));
  await expect(expert.page.getByTestId('expertise-badge')).toBeVisible();
  await expert.openDesk();
  const row = expert.page.getByTestId('expertise-queue').locator('tr').filter({ hasText: last });
  await expect(row).toContainText('Dermatologie');
  await expect(row).toContainText('Envoyée');
  await expert.open(`${last} Léa`);
  await expect(expert.page.getByTestId('expertise-answers')).toContainText(question);
  await expect(expert.gallery).toHaveCount(2);
  await expectUsableLayout(expert.page);

  // The photos open in the viewer, zoom, and close with Escape.
  await expert.page.getByRole('button', { name: 'Agrandir ensemble.png' }).click();
  const viewer = expert.page.getByRole('dialog', { name: 'ensemble.png' });
  await expect(viewer).toBeVisible();
  await viewer.getByRole('button', { name: 'Zoomer', exact: true }).click();
  await expect(viewer.getByTestId('zoom-level')).toHaveText('125 %');
  await expect(viewer.locator('img')).toHaveAttribute('style', /scale\(1\.25\)/);
  await expert.page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  // Meanwhile the GP is on the tele-expertise desk (an open request counts as read).
  await gp.page.goto('/console/expertise');
  await expert.page.getByRole('button', { name: 'Prendre en charge' }).click();
  await expect(expert.status).toHaveText('Prise en charge');
  await expert.write('Votre message au demandeur', 'Les bords sont-ils irréguliers depuis longtemps ?',
    'Demander des précisions', 'Précisions demandées');

  // The GP is told: an e-mail without health data, and the console's list, live.
  await expect.poll(() => mailsAboutIt().length).toBe(1);
  expect(mailsAboutIt()[0]).not.toContain(last);
  const sent = gp.page.getByTestId('expertise-sent').locator('tr').filter({ hasText: last });
  await expect(sent).toContainText('Précisions demandées');
  await expect(sent).toContainText('nouveau');
  await gp.open(`${last} Léa`);
  await expect(gp.thread.nth(2)).toContainText('Les bords sont-ils irréguliers depuis longtemps ?');
  await gp.write('Votre réponse au spécialiste', 'Depuis deux mois environ.', 'Répondre', 'Prise en charge');

  await expert.page.reload();
  await expect(expert.thread.nth(3)).toContainText('Depuis deux mois environ.');
  const opinion = 'Lésion suspecte : exérèse complète avec marges de 2 mm, sous 4 semaines.';
  await expert.write('Votre message au demandeur', opinion, 'Rendre l\'avis', 'Avis rendu');

  await expect.poll(() => mailsAboutIt().length).toBe(2);
  await gp.page.reload();
  await expect(gp.status).toHaveText('Avis rendu');
  await expect(gp.thread.last()).toContainText(opinion);
  await expect(gp.thread.last()).toContainText('Avis du spécialiste');
  await gp.page.getByRole('button', { name: 'Clôturer la demande' }).click();
  await expect(gp.status).toHaveText('Clôturée');
});
