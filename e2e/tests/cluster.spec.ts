// Regard as a cluster (scripts/cluster: PostgreSQL, NATS, four nodes behind
// HAProxy; e2e/cluster.config.ts). The two sides of a call reach different
// nodes (HAProxy's drain sends each where the test wants); the video plays and
// the chat crosses. Then the node holding one side's socket is killed
// (SIGKILL): the clinician's, or the nursing home tablet's. That page
// reconnects through the same address to a node still up, and the patient's
// side restarts ICE on the peer connection both sides kept: no new link, no
// reload, no new connection, the video goes on. The time from
// the kill to the first frame after the restart, and the longest wait between
// two frames meanwhile, are recorded (annotation `failover`; the figures to
// watch are the benchmark's, BENCHMARKS.md).
import { expect, type Page, type TestInfo } from '@playwright/test';
import { test } from '../fixtures';
import { alive, everyNode, kill, onlyTo, type Node } from '../cluster';
import { AssistCase, AssistDesk, CallerPage, callerContext, clinicianPage, regulatorPage } from '../pages/assist';
import { ConsultationRoom, PatientConsultation, invitation, patientPhone } from '../pages/consultation';
import { GP } from '../pages/login-page';
import { Residents, RingingCall, nurseTablet } from '../pages/nursing-home';
import { watchPeerConnections } from '../relay';
import { videoPlays } from '../pages/video';

const VIDEO = 'video.remote-video';

/** The page's latest peer connection: how many the page made, its state, and
 *  the ICE session its transport uses (the local username fragment, new at
 *  each restart, and whether it is connected). */
async function call(page: Page) {
  return page.evaluate(async () => {
    const made = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections;
    const pc = made.at(-1);
    const transport = pc && [...(await pc.getStats()).values()].find((s) => s.type === 'transport');
    return {
      made: made.length, state: pc?.connectionState,
      ufrag: transport?.iceLocalUsernameFragment as string | undefined, ice: transport?.iceState as string | undefined,
    };
  });
}

/** From now on, the longest wait (ms) between two frames the page's video presents, and the stream it shows. */
async function watchFrames(page: Page) {
  await page.evaluate((selector) => {
    const w = window as unknown as { longestWait: number; streamBefore: unknown };
    const video = document.querySelector(selector) as HTMLVideoElement;
    w.streamBefore = video.srcObject;
    w.longestWait = 0;
    let last = performance.now();
    const frame = (now: number) => {
      w.longestWait = Math.max(w.longestWait, now - last);
      last = now;
      video.requestVideoFrameCallback(frame);
    };
    video.requestVideoFrameCallback(frame);
  }, VIDEO);
}

/** Resolves with the time (ms since the epoch) `page`'s `selector` video presents its next frame. */
async function nextFrame(page: Page, selector: string): Promise<number> {
  return page.evaluate((selector) => new Promise<number>((resolve) => {
    (document.querySelector(selector) as HTMLVideoElement).requestVideoFrameCallback(() => resolve(Date.now()));
  }), selector);
}

/**
 * Kills `node` and resolves with the milliseconds until `page` shows a frame
 * after its call's ICE restart; checks that the connection and the stream are
 * the ones from before the kill.
 */
async function failover(page: Page, node: Node, testInfo: TestInfo, who: string): Promise<number> {
  const before = await call(page);
  expect(before).toMatchObject({ state: 'connected', ice: 'connected', ufrag: expect.any(String) });
  await watchFrames(page);
  const killedAt = Date.now();
  kill(node);
  // The ICE session switched to the restarted one, and it is connected.
  await expect.poll(async () => {
    const now = await call(page);
    return now.ice === 'connected' && now.ufrag !== before.ufrag;
  }, { timeout: 30_000, intervals: [50] }).toBe(true);
  const shownAt = await nextFrame(page, VIDEO);
  // The same connection, restarted: not a new one, and the video kept its stream.
  expect((await call(page)).made).toBe(before.made);
  const { longestWait, sameStream } = await page.evaluate((selector) => {
    const w = window as unknown as { longestWait: number; streamBefore: unknown };
    return { longestWait: Math.round(w.longestWait), sameStream: (document.querySelector(selector) as HTMLVideoElement).srcObject === w.streamBefore };
  }, VIDEO);
  expect(sameStream).toBe(true);
  const ms = shownAt - killedAt;
  testInfo.annotations.push({
    type: 'failover',
    description: `${who}'s node killed (longest wait between frames ${longestWait} ms) → ICE restarted, next frame: ${ms} ms`,
  });
  return ms;
}

test.afterEach(async () => {
  await everyNode();
});

test('a video assist whose regulator and caller are on two nodes goes on when the regulator\'s node dies', async ({ browser }, testInfo) => {
  const [node1, node2] = alive();
  // The regulator's console and the case's socket on node 1.
  await onlyTo(node1);
  const regulator = await regulatorPage(browser);
  await watchPeerConnections(regulator);
  await regulator.reload();
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
  // (on node 2) restarts ICE on the kept connection, and the scene goes on.
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
  const [patientNode, gpNode] = alive();
  const gpPage = await clinicianPage(browser, GP);
  await watchPeerConnections(gpPage);
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

test('a nursing home\'s call goes on when the tablet\'s node dies, both videos and the decision included', async ({ browser }, testInfo) => {
  const [regulatorNode, tabletNode] = alive();
  // The tablet's call (its socket opened on the caller's page) on one node.
  await onlyTo(tabletNode);
  const tablet = await nurseTablet(browser);
  await watchPeerConnections(tablet);
  const residents = new Residents(tablet);
  await residents.open('12', 'Moreau Jeanne');
  const resident = tablet.url();
  await residents.reason.fill('Malaise au lever, pâleur');
  await residents.call.click();
  await expect(tablet).toHaveURL(/\/v\/[A-Za-z0-9_-]+$/);
  const caller = new CallerPage(tablet);
  // The call's socket opens after the camera does: it must have joined (its
  // welcome received) on the tablet's node before the regulator's goes elsewhere.
  const joined = tablet.waitForEvent('websocket', (ws) => ws.url().includes('/ws/assist/'))
    .then((ws) => ws.waitForEvent('framereceived'));
  await caller.accept.click();
  await joined;
  // The regulator's console on the other node hears it ring, takes it, and
  // turns their camera on for the home.
  await onlyTo(regulatorNode);
  const regulator = await regulatorPage(browser);
  await watchPeerConnections(regulator);
  await regulator.reload();
  await new RingingCall(regulator).take('Jeanne Moreau');
  await everyNode();
  const assist = new AssistCase(regulator);
  await assist.videoPlays();
  await regulator.getByRole('button', { name: 'Activer ma caméra et mon micro' }).click();
  await videoPlays(tablet, 'video.regulator-video');

  // The tablet's node dies: the caller's page finds another node through
  // HAProxy and restarts ICE on its connection; both videos go on.
  const tabletCalls = () => tablet.evaluate(() => (window as unknown as { peerConnections: unknown[] }).peerConnections.length);
  const before = await tabletCalls();
  expect(await failover(regulator, tabletNode, testInfo, 'tablet')).toBeGreaterThan(0);
  expect(await tabletCalls(), 'the tablet restarted its connection, made none').toBe(before);
  await nextFrame(tablet, 'video.regulator-video');
  await expect(caller.status).toHaveText('Le médecin vous voit.');
  await expect(assist.state).toHaveText('Vidéo en direct');
  await assist.decide('Médecin généraliste', 'Visite du médecin de garde dans l\'heure');
  await tablet.goto(resident);
  await expect(residents.history.first()).toContainText('Décision : Médecin généraliste');
  await Promise.all([tablet.context().close(), regulator.context().close()]);
});
