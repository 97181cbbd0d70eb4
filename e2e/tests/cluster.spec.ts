// Regard as a cluster (scripts/cluster: PostgreSQL, NATS, three nodes behind
// HAProxy; e2e/cluster.config.ts). The two sides of a call reach different
// nodes (HAProxy's drain sends each where the test wants); the video plays and
// the chat crosses. Then the node holding the clinician's socket is killed
// (SIGKILL): the page reconnects through the same address to a node still up,
// and the video comes back with no new link and no reload. The time from the
// kill to the first frame of the renewed video is recorded (annotation
// `failover`; the figure to watch is the benchmark's, BENCHMARKS.md).
import { expect, type Page, type TestInfo } from '@playwright/test';
import { test } from '../fixtures';
import { everyNode, kill, nodes, onlyTo, type Node } from '../cluster';
import { AssistDesk, CallerPage, callerContext, clinicianPage, regulatorPage } from '../pages/assist';
import { ConsultationRoom, PatientConsultation, invitation, patientPhone } from '../pages/consultation';
import { GP } from '../pages/login-page';

const VIDEO = 'video.remote-video';

/** Remembers the stream the page's video shows now. */
async function markStream(page: Page) {
  await page.evaluate((selector) => {
    (window as unknown as { streamBefore: unknown }).streamBefore = (document.querySelector(selector) as HTMLVideoElement).srcObject;
  }, VIDEO);
}

/** When (epoch ms) the page presented the first frame of a stream other than the marked one. */
async function firstFrameOfNewStream(page: Page): Promise<number> {
  await page.waitForFunction((selector) => {
    const video = document.querySelector(selector) as HTMLVideoElement | null;
    return !!video?.srcObject && video.srcObject !== (window as unknown as { streamBefore: unknown }).streamBefore;
  }, VIDEO, { timeout: 30_000 });
  return page.evaluate((selector) => new Promise<number>((resolve) => {
    (document.querySelector(selector) as HTMLVideoElement).requestVideoFrameCallback(() => resolve(Date.now()));
  }), VIDEO);
}

/** Kills `node` and resolves with the milliseconds until `page` shows a frame of the renewed video. */
async function failover(page: Page, node: Node, testInfo: TestInfo, who: string): Promise<number> {
  await markStream(page);
  const killedAt = Date.now();
  kill(node);
  const ms = (await firstFrameOfNewStream(page)) - killedAt;
  testInfo.annotations.push({ type: 'failover', description: `${who}'s node killed → first new frame: ${ms} ms` });
  return ms;
}

test.afterEach(async () => {
  await everyNode();
});

test('a video assist whose regulator and caller are on two nodes goes on when the regulator\'s node dies', async ({ browser }, testInfo) => {
  const [node1, node2] = nodes();
  // The regulator's console and the case's socket on node 1.
  await onlyTo(node1);
  const regulator = await regulatorPage(browser);
  const assist = await new AssistDesk(regulator).start('06 12 34 56 78');
  await expect(assist.state).toHaveText('En attente de l\'appelant');
  const link = await assist.link();
  // The caller's phone on node 2.
  await onlyTo(node2);
  const phone = await callerContext(browser);
  const caller = new CallerPage(await phone.newPage());
  await caller.page.goto(link);
  await caller.accept.click();
  await expect(caller.status).toHaveText('Le médecin vous voit.');
  await assist.videoPlays();
  await expect(assist.state).toHaveText('Vidéo en direct');
  await everyNode();

  // The silent chat and a snapshot cross from one node to the other, both ways.
  const chat = caller.page.getByRole('region', { name: 'Messages avec le médecin' });
  await assist.sendText('Restez près de lui');
  await expect(chat.getByRole('log').locator('li').last().locator('p')).toHaveText('Restez près de lui');
  await chat.getByLabel('Votre message').fill('Il respire');
  await chat.getByRole('button', { name: 'Envoyer', exact: true }).click();
  await expect(assist.chat.last().locator('p')).toHaveText('Il respire');
  await assist.snapshot.click();
  await expect(assist.gallery).toHaveCount(1);

  // Node 1 dies: the console finds another node through HAProxy, the caller's phone
  // (on node 2) offers again, and the regulator sees the scene once more.
  expect(await failover(regulator, node1, testInfo, 'regulator')).toBeGreaterThan(0);
  await assist.videoPlays();
  await expect(assist.state).toHaveText('Vidéo en direct');
  await expect(caller.status).toHaveText('Le médecin vous voit.');
  // The same case goes on: the chat still crosses, and the link was not resent.
  await assist.sendText('Les secours arrivent');
  await expect(chat.getByRole('log').locator('li').last().locator('p')).toHaveText('Les secours arrivent');
  await expect(regulator.locator('a[href*="/v/"]')).toHaveCount(1);
  await Promise.all([phone.close(), regulator.context().close()]);
});

test('a teleconsultation goes on when the GP\'s node dies, and the last message is in both chats', async ({ browser }, testInfo) => {
  const alive = nodes().slice(1);
  const [gpNode, patientNode] = [alive[1], alive[0]];
  const gpPage = await clinicianPage(browser, GP);
  const { id, link } = await invitation(gpPage, {
    lastName: 'Martin', firstName: 'Claire', birthDate: '1971-06-02', phone: '06 55 44 33 22', language: 'fr',
  });
  await gpPage.goto(`/console/consultations/${id}`);
  const room = new ConsultationRoom(gpPage);
  // The patient's socket (opened in the waiting room) on one node, the GP's
  // (opened on admitting) on the other.
  await onlyTo(patientNode);
  const patient = new PatientConsultation(await (await patientPhone(browser)).newPage());
  await patient.page.goto(link);
  await patient.enter('1971-06-02');
  await patient.toWaitingRoom();
  await onlyTo(gpNode);
  await room.admit();
  await room.patientVideoPlays();
  await patient.doctorVideoPlays();
  await everyNode();

  // The GP writes, and starts another message; the GP's node dies right after.
  await room.say('Je vais vous examiner.');
  await expect(patient.chat).toContainText('Je vais vous examiner.');
  const draft = gpPage.getByLabel('Votre message');
  await draft.fill('Pouvez-vous approcher');
  expect(await failover(gpPage, gpNode, testInfo, 'GP')).toBeGreaterThan(0);
  await expect(draft).toHaveValue('Pouvez-vous approcher');
  await room.patientVideoPlays();
  await patient.doctorVideoPlays();
  await expect(room.status).toHaveText('En consultation');
  for (const chat of [room.chat, patient.chat]) await expect(chat).toContainText('Je vais vous examiner.');
  await patient.say('Je vous vois de nouveau.');
  await expect(room.chat).toContainText('Je vous vois de nouveau.');
  await Promise.all([patient.page.context().close(), gpPage.context().close()]);
});
