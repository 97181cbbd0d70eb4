import { expect, type Locator, type Page } from '@playwright/test';
import { PHOTO } from '../images';

export const SPECIALIST = 'specialiste@demo.regard.fr';

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
    await this.page.getByLabel('Ajouter des photos ou des fichiers DICOM').setInputFiles(
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
