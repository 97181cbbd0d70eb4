// Télé-AVC's first minutes: an urgent stroke request rings the neurologist on
// call at once, on any page of her console, and the fallback's too once the
// set time has passed untaken; whoever takes it stops both ringing, and the
// requesting physician sees whom it rang and who took it. Then both sides
// record the stroke's times and the decision; both read the timeline, the
// delays from the door, and the month's figures.
import { expect, type Page } from '@playwright/test';
import { test } from '../fixtures';
import { clinicianPage } from '../pages/assist';
import { Expertise, SPECIALIST, strokeRequest } from '../pages/expertise';
import { GP } from '../pages/login-page';
import { phantomZip, uploadSeries } from '../phantom';
import { videoPlays } from '../pages/video';

const FALLBACK = 'neurologue@demo.regard.fr';

/** An urgent stroke request with a CT series from the GP's practice to the demo hospital, through the API. */
async function urgentStrokeRequest(gp: Page): Promise<string> {
  const scan = await uploadSeries(gp.request, phantomZip(40, 256));
  return strokeRequest(gp, { urgency: 'urgent', fileIds: [scan.id], patient: { last: 'Henry', first: 'Paul', born: '1950-01-01' }, nihss: 1 });
}

test('an urgent stroke request rings the neurologist on call, then the fallback; taking it stops both; the timeline is timed on both sides', async ({ browser }) => {
  // Three consoles, a live call between two of them and a dozen recorded steps.
  test.setTimeout(180_000);
  const [onCall, fallback, gp] = await Promise.all([clinicianPage(browser, SPECIALIST), clinicianPage(browser, FALLBACK), clinicianPage(browser, GP)]);

  // Dr Leroy sets the stroke rota on her desk: herself on call, Dr Vidal as fallback.
  await new Expertise(onCall).openDesk();
  const stroke = onCall.getByRole('group', { name: 'AVC (Télé-AVC)' });
  await stroke.getByLabel('De garde').selectOption({ label: 'Dr Inès Leroy' });
  await stroke.getByLabel('Recours', { exact: true }).selectOption({ label: 'Dr Marc Vidal' });
  await stroke.getByLabel('Recours appelé après (minutes)').fill('5');
  await stroke.getByRole('button', { name: 'Enregistrer la garde' }).click();
  await expect(stroke.getByText('Garde enregistrée.')).toBeVisible();
  await onCall.goto('/console');

  // The month's figures before this test's decision (the suite's server is shared).
  type Month = { month: string; site: string; decided: number; thrombolysis: number; thrombectomy: number; needle_within_60: number };
  const months: Month[] = await (await gp.request.get('/api/v1/expertise/stroke-usage')).json();
  const before = months.find((m) => m.site === 'CHRU de Nancy – Télé-expertise' && m.month === new Date().toISOString().slice(0, 7))
    ?? { decided: 0, thrombolysis: 0, thrombectomy: 0, needle_within_60: 0 };
  const id = await urgentStrokeRequest(gp);
  const ringing = (page: Page) => page.getByTestId('ringing-requests');
  await expect(ringing(onCall)).toContainText('AVC (Télé-AVC) — Henry Paul, de Cabinet médical du Parc');
  await expect(onCall).toHaveTitle(/^\(1\) Demande urgente/);
  // The requester sees whom it rings, and when the fallback will be.
  await gp.goto(`/console/expertise/${id}`);
  await expect(gp.getByTestId('rung')).toContainText('Sonne chez Dr Inès Leroy (de garde), puis aussi chez Dr Marc Vidal à');
  await expect(ringing(fallback)).toHaveCount(0);

  // The set time passes untaken (brought to two seconds from now): the
  // fallback's console asks again when its turn comes, and rings.
  expect((await gp.request.post(`/api/testing/expertise/${id}/escalate-in/2000`)).status()).toBe(204);
  await expect(ringing(fallback)).toContainText('Vous êtes appelé en recours', { timeout: 10_000 });
  await expect(ringing(onCall)).toBeVisible();

  await ringing(fallback).getByRole('button', { name: 'Prendre la demande' }).click();
  await expect(fallback).toHaveURL(new RegExp(`/console/expertise/${id}$`));
  await expect(new Expertise(fallback).status).toHaveText('Prise en charge');
  await expect(new Expertise(fallback).gallery).toContainText('série de 40 coupes');
  await expect(ringing(onCall)).toHaveCount(0);
  await expect(ringing(fallback)).toHaveCount(0);
  await expect(gp.getByText(/pris en charge par Dr Marc Vidal \(\d{2}:\d{2}\)/)).toBeVisible();
  await expect(gp.getByTestId('rung')).toHaveCount(0);

  // Live video between the two sites, at once: each side starts it from the
  // request; picture and sound both ways.
  const remote = '[data-testid=live-video] video.remote-video';
  for (const page of [gp, fallback]) {
    await page.getByTestId('live-video').getByRole('button', { name: 'Démarrer la vidéo' }).click();
  }
  for (const page of [gp, fallback]) {
    await videoPlays(page, remote);
    await page.waitForFunction((selector) => {
      const stream = (document.querySelector(selector) as HTMLVideoElement).srcObject as MediaStream | null;
      return stream?.getAudioTracks().some((t) => t.readyState === 'live' && !t.muted) ?? false;
    }, remote);
  }
  const live = (page: Page) => page.getByTestId('live-state');
  await expect(live(gp)).toHaveText('En direct avec CHRU de Nancy – Télé-expertise');
  await expect(live(fallback)).toHaveText('En direct avec Cabinet médical du Parc');

  // The neurologist asks for the arms: the bedside's screen says it, large,
  // until someone there says it is done.
  await fallback.getByRole('group', { name: 'Demander à l\'équipe au lit du patient de montrer :' })
    .getByRole('button', { name: 'Les bras' }).click();
  const ask = gp.getByTestId('camera-ask');
  await expect(ask).toContainText('Le spécialiste demande : Montrez les deux bras, tendus devant le patient.');
  await expect(fallback.getByText('Demande affichée au lit du patient : « Montrez les deux bras, tendus devant le patient. »')).toBeVisible();
  await ask.getByRole('button', { name: 'C\'est fait' }).click();
  await expect(ask).toHaveCount(0);

  // The NIHSS, scored again during the call: the neurologist's change reaches
  // the emergency department at once, with who made it.
  await expect(gp.getByTestId('nihss-total')).toHaveText('15');
  await fallback.getByLabel('NIHSS 5a. Motricité membre supérieur gauche (0–4)').selectOption('3');
  await expect(gp.getByTestId('nihss-total')).toHaveText('17');
  const armRow = gp.getByTestId('nihss').getByRole('row').filter({ hasText: 'NIHSS 5a.' });
  await expect(armRow.getByRole('combobox')).toHaveValue('3');
  await expect(armRow).toContainText(/Dr Marc Vidal, \d{2}:\d{2}/);

  // The stroke timeline, filled by both sides during the call; a time out of order is refused in words.
  const requester = new Expertise(gp);
  const neurologist = new Expertise(fallback);
  await requester.recordStrokeTime('Dernière fois vu normal', 150);
  await requester.recordStrokeTime('Arrivée aux urgences', 50);
  const form = gp.locator('form.stroke-entry');
  await form.getByLabel('Étape').selectOption({ label: 'Imagerie' });
  await form.getByLabel('Heure').fill('00:00');
  await form.getByLabel('Date').fill('2026-01-01');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByRole('alert')).toHaveText(/^Cette heure date de plus de trois jours/);
  await requester.recordStrokeTime('Imagerie', 35);
  await expect(neurologist.strokeTimeline.filter({ hasText: 'Imagerie' })).toHaveCount(1);
  // The decision and the needle come after the request was taken, a minute or
  // four ahead of the browser's clock (the server allows five for a clock that runs fast).
  await neurologist.recordStrokeTime('Décision', -1, {
    treatment: 'Thrombolyse', reasons: "NIHSS 15, vu normal il y a 2 h 30, pas d'anticoagulant, scanner sans saignement.",
  });
  await expect(requester.strokeTimeline.filter({ hasText: 'Thrombolyse — NIHSS 15' })).toHaveCount(1);
  await requester.recordStrokeTime('Début de la thrombolyse (bolus)', -4);
  const steps = [/Dernière fois vu normal$/, /Arrivée aux urgences$/, /Imagerie$/, /Demande envoyée$/,
    /Prise par Dr Marc Vidal$/, /Vidéo en direct$/, /Décision Thrombolyse — NIHSS 15/, /Début de la thrombolyse \(bolus\)$/];
  for (const page of [gp, fallback]) {
    const side = new Expertise(page);
    await expect(side.strokeTimeline).toHaveCount(steps.length);
    for (const [i, step] of steps.entries()) {
      await expect(side.strokeTimeline.nth(i)).toHaveText(new RegExp(`^\\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2} ${step.source}`));
    }
    await expect(page.getByTestId('door-to-decision')).toHaveText(/^5[12] min$/);
    await expect(page.getByTestId('door-to-needle')).toHaveText(/^5[45] min$/);
  }

  // Every change redrew the request's page; the call went on.
  await expect(live(gp)).toHaveText('En direct avec CHRU de Nancy – Télé-expertise');
  await expect(live(fallback)).toHaveText('En direct avec Cabinet médical du Parc');

  // The month's figures, for the requesting practice.
  await gp.goto('/console/expertise');
  await gp.getByRole('link', { name: 'Télé-AVC : activité par mois' }).click();
  const row = gp.getByTestId('stroke-usage').getByRole('row').filter({ hasText: 'CHRU de Nancy' });
  await expect(row.getByRole('cell').nth(2)).toHaveText(`${before.decided + 1} / ${before.thrombolysis + 1} / ${before.thrombectomy}`);
  await expect(row.getByRole('cell').nth(5)).toHaveText(/^\d+ min$/);
  await expect(row.getByRole('cell').nth(6)).toHaveText(`${before.needle_within_60 + 1} / ${before.thrombolysis + 1}`);
  // The worker's browser outlives the test: a console left open would keep its
  // camera and call running under the next tests.
  await Promise.all([onCall, fallback, gp].map((page) => page.context().close()));
});
