import { expect, type Locator, type Page } from '@playwright/test';
import { PHOTO } from '../images';

export const SPECIALIST = 'specialiste@demo.regard.fr';
export const STROKE_SITE = 'CHRU de Nancy – Télé-expertise';

/**
 * A stroke request from `gp`'s practice to the demo hospital, through the API:
 * onset at 08:40, no anticoagulant, every NIHSS item scored `nihss`.
 */
export async function strokeRequest(gp: Page, request: {
  urgency: 'urgent' | 'routine'; fileIds: string[]; patient: { last: string; first: string; born: string }; nihss: number;
}): Promise<string> {
  const sites: { id: string; name: string }[] = await (await gp.request.get('/api/v1/expertise/sites')).json();
  const answers: Record<string, unknown> = {
    onset: { type: 'text', value: '08:40' }, onset_known: { type: 'boolean', value: true },
    anticoagulant: { type: 'choice', value: 'none' }, systolic: { type: 'integer', value: 165 },
    question: { type: 'text', value: 'Thrombolyse ?' },
  };
  for (const item of ['1a', '1b', '1c', '2', '3', '4', '5a', '5b', '6a', '6b', '7', '8', '9', '10', '11']) {
    answers[`nihss_${item}`] = { type: 'integer', value: request.nihss };
  }
  const { last, first, born } = request.patient;
  const sent = await gp.request.post('/api/v1/expertise', {
    data: { expert_site_id: sites.find((s) => s.name === STROKE_SITE)!.id, specialty: 'stroke', urgency: request.urgency,
      answers, patient: { last_name: last, first_name: first, birth_date: born }, file_ids: request.fileIds },
  });
  expect(sent.status()).toBe(201);
  return (await sent.json()).id;
}

/** The tele-expertise pages of the console, as either side uses them. */
export class Expertise {
  readonly status: Locator;
  readonly thread: Locator;
  readonly gallery: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByTestId('expertise-status');
    this.thread = page.getByTestId('expertise-thread').locator('li');
    this.gallery = page.getByTestId('expertise-gallery').locator('li');
  }

  async openDesk() {
    await this.page.getByRole('link', { name: /^Télé-expertise/ }).click();
    await expect(this.page).toHaveURL(/\/console\/expertise$/);
  }

  /** A dermatology request with photos, from the desk to the sent request's page. */
  async sendDermatology(patient: { last: string; first: string; born: string }, photos: string[], question: string) {
    // The desk redraws its list when it arrives, and a waiting-room alert may push
    // it down: a click landing in that instant is lost, so it is tried again until
    // the form's page opens.
    await expect(async () => {
      await this.page.getByRole('link', { name: 'Nouvelle demande d\'avis' }).click();
      await expect(this.page).toHaveURL(/\/console\/expertise\/new/, { timeout: 1000 });
    }).toPass();
    await expect(this.page.getByLabel('Spécialité')).toHaveValue('dermatology');
    await this.page.getByLabel('Nom du patient').fill(patient.last);
    await this.page.getByLabel('Prénom').fill(patient.first);
    await this.page.getByLabel('Date de naissance').fill(patient.born);
    await this.page.getByLabel('Ajouter des photos, des fichiers DICOM ou une série', { exact: false }).setInputFiles(
      photos.map((name) => ({ name, mimeType: 'image/png', buffer: PHOTO })),
    );
    await expect(this.page.getByTestId('chosen-files').locator('li')).toHaveCount(photos.length);
    await this.page.getByLabel('Tronc').check();
    await this.page.getByLabel('Depuis combien de semaines ?').fill('6');
    await this.page.getByLabel('Augmente de taille').check();
    await this.page.getByLabel('Non', { exact: true }).check();
    await this.page.getByLabel('Votre question au dermatologue').fill(question);
    await this.page.getByRole('button', { name: 'Envoyer la demande' }).click();
    await expect(this.page).toHaveURL(/\/console\/expertise\/[0-9a-f-]{36}$/);
    await expect(this.status).toHaveText('Envoyée');
  }

  /** A request of the list or the queue, by its patient. */
  async open(patient: string) {
    await this.page.getByRole('link', { name: patient }).click();
    await expect(this.page).toHaveURL(/\/console\/expertise\/[0-9a-f-]{36}$/);
  }

  /** Writes in the thread and takes the step the button names. */
  async write(label: string, text: string, button: string, status: string) {
    await this.page.getByLabel(label).fill(text);
    await this.page.getByRole('button', { name: button }).click();
    await expect(this.status).toHaveText(status);
  }

  /** The stroke timeline's card. */
  get strokeTimeline(): Locator {
    return this.page.getByTestId('stroke-timeline').locator('li');
  }

  /**
   * Records a time on the stroke timeline, `minutesAgo` before now on the
   * browser's clock (date and time as a person types them, across midnight
   * too), with the decision's treatment and reasons when it is one.
   */
  async recordStrokeTime(step: string, minutesAgo: number, decision?: { treatment: string; reasons: string }) {
    const { date, time } = await this.page.evaluate((ago) => {
      const at = new Date(Date.now() - ago * 60_000);
      const two = (n: number) => String(n).padStart(2, '0');
      return {
        date: `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}`,
        time: `${two(at.getHours())}:${two(at.getMinutes())}`,
      };
    }, minutesAgo);
    const form = this.page.locator('form.stroke-entry');
    const entries = await this.page.getByTestId('stroke-history').count()
      ? Number((await this.page.getByTestId('stroke-history').getAttribute('data-count')) ?? 0) : 0;
    await form.getByLabel('Étape').selectOption({ label: step });
    await form.getByLabel('Date').fill(date);
    await form.getByLabel('Heure').fill(time);
    if (decision) {
      await form.getByLabel('Traitement décidé').selectOption({ label: decision.treatment });
      await form.getByLabel('Motifs de la décision').fill(decision.reasons);
    }
    await form.getByRole('button', { name: 'Enregistrer' }).click();
    await expect(this.page.getByTestId('stroke-history')).toHaveAttribute('data-count', String(entries + 1));
  }
}

/** The series viewer, open over a request's page. */
export class SeriesViewer {
  readonly dialog: Locator;
  readonly canvas: Locator;
  readonly position: Locator;
  readonly stage: Locator;

  constructor(readonly page: Page) {
    this.dialog = page.getByRole('dialog');
    this.canvas = page.getByTestId('series-canvas');
    this.position = page.getByTestId('series-position');
    this.stage = this.dialog.locator('.image-viewer-stage');
  }

  /** Waits until slice `number` (from 0) is drawn on the canvas. */
  async drawn(number: number) {
    await expect(this.canvas).toHaveAttribute('data-drawn', String(number), { timeout: 20_000 });
  }

  /** The grey level at (`x`, `y`) of the canvas, in the slice's own pixels. */
  async grey(x: number, y: number): Promise<number> {
    return this.canvas.evaluate((c: HTMLCanvasElement, [px, py]) => c.getContext('2d')!.getImageData(px, py, 1, 1).data[0], [x, y]);
  }

  /** A digest of every pixel drawn: two different pictures never share one. */
  async picture(): Promise<string> {
    return this.canvas.evaluate(async (c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const digest = await crypto.subtle.digest('SHA-256', data);
      return Array.from(new Uint8Array(digest)).map((b) => b.toString(16).padStart(2, '0')).join('');
    });
  }
}

/** The request form's panel that attaches a series from the site's PACS. */
export class PacsPanel {
  readonly status: Locator;

  constructor(readonly page: Page) {
    this.status = page.locator('.pacs').getByRole('status');
  }

  /** Opens the panel: it lists the studies since yesterday at once. */
  async open(host: string) {
    await this.page.getByText(`Importer une série depuis le PACS (${host})`).click();
  }

  async search(text: string) {
    await this.page.getByLabel(/^Patient : IPP/).fill(text);
    await this.page.getByLabel(/^Patient : IPP/).press('Enter');
  }

  study(name: RegExp): Locator {
    return this.page.getByRole('button', { name });
  }

  /** Attaches a series; returns the file the server made of it. */
  async attach(series: string): Promise<{ id: string; slices: number }> {
    const imported = this.page.waitForResponse((r) => r.url().endsWith('/api/v1/expertise/pacs/import'), { timeout: 60_000 });
    const button = this.page.getByRole('button', { name: `Joindre la série ${series}` });
    await button.click();
    const response = await imported;
    expect(response.status()).toBe(201);
    await expect(button).toHaveText('Jointe');
    return response.json();
  }
}
