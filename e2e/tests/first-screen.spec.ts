import { expect } from '@playwright/test';
import { test } from '../fixtures';
import { expectOnFirstScreen } from '../axe';
import { AssistDesk, clinicianPage, regulatorPage } from '../pages/assist';
import { invitationLink, PatientConsultation } from '../pages/consultation';
import { GP } from '../pages/login-page';
import { MonitoringDesk, PatientFollowUp } from '../pages/monitoring';

// The smallest phone people still carry: 320 × 568 CSS px (iPhone SE, first generation).
const SMALL_PHONE = { viewport: { width: 320, height: 568 }, isMobile: true, hasTouch: true, locale: 'fr-FR' };

test('on a 320 × 568 phone every patient page shows its main action without scrolling', async ({ browser }) => {
  // Every patient page at 320 px, each reached through its real flow: up to two minutes on a busy 2-core machine.
  test.setTimeout(180_000);
  // The caller: accept the video.
  const assist = await new AssistDesk(await regulatorPage(browser)).start('06 12 34 56 01');
  const caller = await (await browser.newContext(SMALL_PHONE)).newPage();
  await caller.goto(await assist.link());
  await expectOnFirstScreen(caller, caller.getByRole('button', { name: 'Accepter la vidéo' }));

  // The consultation's patient: enter, then go to the waiting room.
  const gpPage = await clinicianPage(browser, GP);
  const link = await invitationLink(gpPage, { lastName: 'Petit', firstName: 'Écran', birthDate: '1980-02-03', phone: '06 12 34 56 02' });
  const patient = new PatientConsultation(await (await browser.newContext(SMALL_PHONE)).newPage());
  await patient.page.goto(link);
  await expectOnFirstScreen(patient.page, patient.page.getByRole('button', { name: 'J\'accepte et je continue' }));
  await patient.enter('1980-02-03');
  await expectOnFirstScreen(patient.page, patient.page.getByRole('button', { name: 'Entrer en salle d\'attente' }));

  // The monitored patient: start, then send the day's questionnaire.
  const desk = new MonitoringDesk(gpPage);
  await desk.goto();
  await desk.enrol({ lastName: 'Petit', firstName: 'Suivi', birthDate: '1970-04-05', phone: '06 12 34 56 03', email: `petit.${Date.now()}@example.org` });
  await desk.goto();
  const followUp = new PatientFollowUp(await (await browser.newContext(SMALL_PHONE)).newPage());
  await followUp.page.goto(await desk.smsLink('06 12 34 56 03'));
  await expectOnFirstScreen(followUp.page, followUp.page.getByRole('button', { name: 'J\'accepte et je commence' }));
  await followUp.join('1970-04-05');
  await expect(followUp.heading).toHaveText('Suivi Covid-19 à domicile');
  await expectOnFirstScreen(followUp.page, followUp.questionnaire(1).getByRole('button', { name: 'Envoyer mes réponses' }));
});
