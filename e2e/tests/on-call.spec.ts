// Télé-AVC's first minutes: an urgent stroke request rings the neurologist on
// call at once, on any page of her console, and the fallback's too once the
// set time has passed untaken; whoever takes it stops both ringing, and the
// requesting physician sees whom it rang and who took it.
import { expect, test, type Page } from '@playwright/test';
import { clinicianPage } from '../pages/assist';
import { Expertise, SPECIALIST } from '../pages/expertise';
import { GP } from '../pages/login-page';
import { PHOTO } from '../images';

const FALLBACK = 'neurologue@demo.regard.fr';

/** An urgent stroke request from the GP's practice to the demo hospital, through the API. */
async function urgentStrokeRequest(gp: Page): Promise<string> {
  const sites: { id: string; name: string }[] = await (await gp.request.get('/api/v1/expertise/sites')).json();
  const site = sites.find((s) => s.name === 'CHRU de Nancy – Télé-expertise')!;
  const scan = await gp.request.post('/api/v1/expertise/files?name=scanner.png', {
    headers: { 'content-type': 'application/octet-stream' }, data: PHOTO,
  });
  expect(scan.status()).toBe(201);
  const answers: Record<string, unknown> = {
    onset: { type: 'text', value: '08:40' }, onset_known: { type: 'boolean', value: true },
    anticoagulant: { type: 'choice', value: 'none' }, systolic: { type: 'integer', value: 165 },
    question: { type: 'text', value: 'Thrombolyse ?' },
  };
  for (const item of ['1a', '1b', '1c', '2', '3', '4', '5a', '5b', '6a', '6b', '7', '8', '9', '10', '11']) {
    answers[`nihss_${item}`] = { type: 'integer', value: 1 };
  }
  const sent = await gp.request.post('/api/v1/expertise', {
    data: { expert_site_id: site.id, specialty: 'stroke', urgency: 'urgent', answers,
      patient: { last_name: 'Henry', first_name: 'Paul', birth_date: '1950-01-01' }, file_ids: [(await scan.json()).id] },
  });
  expect(sent.status()).toBe(201);
  return (await sent.json()).id;
}

test('an urgent stroke request rings the neurologist on call, then the fallback; taking it stops both and the requester sees who', async ({ browser }) => {
  test.setTimeout(90_000);
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
  await expect(ringing(onCall)).toHaveCount(0);
  await expect(ringing(fallback)).toHaveCount(0);
  await expect(gp.getByText(/pris en charge par Dr Marc Vidal \(\d{2}:\d{2}\)/)).toBeVisible();
  await expect(gp.getByTestId('rung')).toHaveCount(0);
});
