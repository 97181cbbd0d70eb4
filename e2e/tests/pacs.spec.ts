// A series fetched from the hospital's PACS: a real Orthanc (Debian's package
// with its DICOMweb plugin), started beside the server by playwright.config.ts,
// holds this morning's head CT. On the stroke request form the emergency
// physician finds the study (QIDO-RS), attaches its series, which the server
// fetches (WADO-RS); the neurologist reads it in the series viewer.
import { expect } from '@playwright/test';
import { test } from '../fixtures';
import { clinicianPage } from '../pages/assist';
import { PacsPanel, SeriesViewer, SPECIALIST, strokeRequest } from '../pages/expertise';
import { GP } from '../pages/login-page';
import { phantomZip, storeInPacs } from '../phantom';

test('a CT study in the hospital PACS is found, attached from the form and read by the neurologist', async ({ browser }) => {
  const gp = await clinicianPage(browser, GP);
  await storeInPacs(gp.request, phantomZip(40, 256));
  await gp.goto('/console/expertise/new');
  await gp.getByLabel('Spécialité').selectOption('stroke');
  const pacs = new PacsPanel(gp);
  await pacs.open('127.0.0.1');
  // Opened, it lists the studies since yesterday: this morning's scan.
  await expect(pacs.status).toHaveText('Examens trouvés : 1');
  const study = pacs.study(/^FANTOME TETE · Né\(e\) le 02\/03\/1948 · IPP 8002417/);
  await expect(study).toContainText('CT · Scanner cerebral (fantome)');
  await expect(study).toContainText('à 06:15 · 40 images');

  await pacs.search('DUPONT');
  await expect(pacs.status).toHaveText('Aucun examen trouvé.');
  await pacs.search('8002417');
  await expect(pacs.status).toHaveText('Examens trouvés : 1');
  await study.click();
  await expect(study).toHaveAttribute('aria-expanded', 'true');
  const series = await pacs.attach('CT — Crane sans injection (fantome) (40 images)');
  expect(series.slices).toBe(40);
  await expect(gp.getByTestId('chosen-files').locator('li')).toContainText('Scanner cerebral (fantome)');

  // Sent (routine: nothing rings on the other tests' consoles), then read.
  const id = await strokeRequest(gp, { urgency: 'routine', fileIds: [series.id], patient: { last: 'Fantôme', first: 'Tête', born: '1948-03-02' }, nihss: 2 });
  const neuro = await clinicianPage(browser, SPECIALIST);
  await neuro.goto(`/console/expertise/${id}`);
  await neuro.getByRole('button', { name: /^Agrandir Scanner cerebral \(fantome\) \(série de 40 coupes, CT — Crane sans injection/ }).click();
  const viewer = new SeriesViewer(neuro);
  await viewer.drawn(0);
  await expect(viewer.position).toHaveText('Coupe 1 sur 40');
  await neuro.keyboard.press('PageDown');
  await neuro.keyboard.press('PageDown');
  await viewer.drawn(20);
  // The PACS's pixels, windowed for the brain: air black, white matter 89, the skull white.
  expect(await viewer.grey(5, 5)).toBe(0);
  expect(await viewer.grey(128, 128)).toBe(89);
  expect(await viewer.grey(221, 128)).toBe(255);
});
