// A CT series read in the browser: the neurologist opens a synthetic head CT of
// 200 slices of 512 × 512 sent with a stroke request, scrolls with the wheel,
// the keys and a drag, and switches windows; what the canvas shows is read
// back pixel by pixel. The requesting physician sends series from the form,
// and is told in words when the files are not one series.
import { expect } from '@playwright/test';
import { test } from '../fixtures';
import { clinicianPage } from '../pages/assist';
import { SeriesViewer, SPECIALIST, strokeRequest } from '../pages/expertise';
import { GP } from '../pages/login-page';
import { phantomZip, twoSeparateImages, uploadSeries } from '../phantom';
import { readFileSync } from 'node:fs';

test('the neurologist scrolls a 200-slice CT to slice 150 and switches to the stroke window; the pixels follow', async ({ browser }) => {
  const gp = await clinicianPage(browser, GP);
  const series = await uploadSeries(gp.request, phantomZip(200, 512));
  expect(series.slices).toBe(200);
  // Routine: nothing rings on the other tests' consoles.
  const id = await strokeRequest(gp, { urgency: 'routine', fileIds: [series.id], patient: { last: 'Fantôme', first: 'Tête', born: '1948-03-02' }, nihss: 0 });

  const neuro = await clinicianPage(browser, SPECIALIST);
  await neuro.goto(`/console/expertise/${id}`);
  await neuro.getByRole('button', { name: /^Agrandir Scanner cérébral \(série de 200 coupes, CT — Crane sans injection/ }).click();
  const viewer = new SeriesViewer(neuro);
  await expect(viewer.dialog).toBeVisible();
  await viewer.drawn(0);
  await expect(viewer.position).toHaveText('Coupe 1 sur 200');
  const first = await viewer.picture();
  // The phantom's centre is white matter (28 HU): 89 in the brain window (W 80, L 40).
  expect(await viewer.grey(256, 256)).toBe(89);

  // The wheel, then the keys, then a drag down of 4 px (a slice).
  await viewer.stage.hover();
  for (let i = 0; i < 5; i++) await neuro.mouse.wheel(0, 100);
  await viewer.drawn(5);
  for (let i = 0; i < 14; i++) await neuro.keyboard.press('PageDown');
  await viewer.drawn(145);
  for (let i = 0; i < 5; i++) await neuro.keyboard.press('ArrowDown');
  await viewer.drawn(150);
  await neuro.keyboard.press('ArrowUp');
  await viewer.drawn(149);
  const box = (await viewer.stage.boundingBox())!;
  await neuro.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await neuro.mouse.down();
  await neuro.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + 4, { steps: 2 });
  await neuro.mouse.up();
  await viewer.drawn(150);
  await expect(viewer.position).toHaveText('Coupe 151 sur 200');
  const brainAt150 = await viewer.picture();
  expect(brainAt150).not.toBe(first);

  // Slice 150: grey matter at (396, 256), the ischaemic area at (362, 205).
  const [grey, ischaemic] = [[396, 256], [362, 205]] as const;
  expect(await viewer.grey(...grey)).toBe(121);
  expect(await viewer.grey(...ischaemic)).toBe(102);
  await viewer.dialog.getByRole('button', { name: 'AVC' }).click();
  await expect(viewer.dialog.getByRole('button', { name: 'AVC' })).toHaveAttribute('aria-pressed', 'true');
  // The narrow stroke window (W 40, L 40) doubles the contrast of the hypodensity.
  await expect.poll(() => viewer.grey(...ischaemic)).toBe(76);
  expect(await viewer.grey(...grey)).toBe(114);
  expect(await viewer.grey(256, 256)).toBe(51);
  expect(await viewer.picture()).not.toBe(brainAt150);

  // A window typed by hand: centre 1000, width 10 shows everything below as black.
  await viewer.dialog.getByLabel('Centre (UH)').fill('1000');
  await viewer.dialog.getByLabel('Centre (UH)').press('Enter');
  await expect.poll(() => viewer.grey(...grey)).toBe(0);
  await expect(viewer.dialog.getByRole('button', { name: 'AVC' })).toHaveAttribute('aria-pressed', 'false');
  // The arrow keys in the field change the centre, not the slice.
  await viewer.dialog.getByLabel('Centre (UH)').press('ArrowUp');
  await expect(viewer.dialog.getByLabel('Centre (UH)')).toHaveValue('1001');
  await expect(viewer.position).toHaveText('Coupe 151 sur 200');

  await neuro.keyboard.press('Escape');
  await expect(viewer.dialog).toHaveCount(0);
});

test('a series chosen on the request form is sent as one; files that are not one series are refused in words, separate images sent one by one', async ({ browser }) => {
  const gp = await clinicianPage(browser, GP);
  await gp.goto('/console/expertise/new');
  await gp.getByLabel('Spécialité').selectOption('stroke');
  const chooser = gp.getByLabel('Ajouter des photos, des fichiers DICOM ou une série');
  await chooser.setInputFiles([{ name: 'scanner.zip', mimeType: 'application/zip', buffer: readFileSync(phantomZip(20, 128)) }]);
  const chosen = gp.getByTestId('chosen-files').locator('li');
  await expect(chosen).toHaveCount(1);
  await expect(chosen).toContainText('scanner.zip');

  await chooser.setInputFiles([
    { name: 'scanner.zip', mimeType: 'application/zip', buffer: readFileSync(phantomZip(20, 128)) },
    { name: 'compte-rendu.dcm', mimeType: 'application/dicom', buffer: Buffer.from('Compte rendu : RAS') },
  ]);
  await expect(gp.getByRole('alert').filter({ hasText: 'Envoyez les fichiers DICOM d\'une seule série, ou un zip de ces fichiers.' })).toBeVisible();
  await expect(chosen).toHaveCount(1);

  // Two DICOM images of different series, chosen together: not refused, each sent as an image of its own.
  await chooser.setInputFiles(twoSeparateImages());
  await expect(chosen).toHaveCount(3);
  await expect(chosen.nth(1)).toContainText('radio-face.dcm');
  await expect(chosen.nth(2)).toContainText('radio-profil.dcm');
});
