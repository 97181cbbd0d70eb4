import { expect } from '@playwright/test';
import { test } from '../fixtures';
import { AssistDesk, CallerPage, callerContext, regulatorPage } from '../pages/assist';
import { credential, freePort, gatherRelayed, selectedPair, startCoturn, startRegard, watchPeerConnections, type Running } from '../relay';

const SECRET = 'e2e-relay-secret';

/** Each relay a Regard install may use, started for the test; the server hands
 *  out relayed candidates only (`--ice-relay-only`), so video that plays went through it. */
const relays: { name: string; protocol: 'udp' | 'tcp'; start(): Promise<{ regard: Running; url: string; stop(): Promise<void> }> }[] = [
  { name: 'the built-in relay over UDP', protocol: 'udp', start: () => builtIn('udp') },
  { name: 'the built-in relay over TCP (a firewall that blocks UDP)', protocol: 'tcp', start: () => builtIn('tcp') },
  {
    name: 'coturn', protocol: 'udp', async start() {
      const coturn = await startCoturn(SECRET);
      const url = `turn:127.0.0.1:${coturn.port}?transport=udp`;
      const regard = await startRegard(['--turn-url', url, '--turn-secret', SECRET, '--ice-relay-only']);
      return { regard, url, stop: async () => { await regard.stop(); await coturn.stop(); } };
    },
  },
];

async function builtIn(protocol: 'udp' | 'tcp') {
  const port = await freePort();
  const url = `turn:127.0.0.1:${port}?transport=${protocol}`;
  // Both browsers are on this machine: loopback peers allowed on purpose.
  const regard = await startRegard(['--turn-listen', `127.0.0.1:${port}`, '--turn-allowed-peer', '127.0.0.0/8',
    '--turn-secret', SECRET, '--turn-url', url, '--ice-relay-only']);
  return { regard, url, stop: () => regard.stop() };
}

for (const relay of relays) {
  test(`the regulator sees the caller's video through ${relay.name}, relayed on both sides; wrong and expired credentials are refused`, async ({ browser }) => {
    const { regard, url, stop } = await relay.start();
    try {
      const regulator = await regulatorPage(browser, regard.baseURL);
      await watchPeerConnections(regulator);
      const assist = await new AssistDesk(regulator).start('06 12 34 56 78');
      const link = await assist.link();
      const phone = await callerContext(browser, regard.baseURL);
      const caller = new CallerPage(await phone.newPage());
      await watchPeerConnections(caller.page);
      await caller.page.goto(link);
      await caller.accept.click();
      await expect(caller.status).toHaveText('Le médecin vous voit.');
      await assist.videoPlays();

      // The regulator is told, in words, that the call goes through the relay.
      await expect(regulator.getByTestId('relayed')).toHaveText('par le relais (réseau filtré)');
      for (const side of [regulator, caller.page]) {
        // Polled: a machine under load can leave the call disconnected for a moment.
        await expect.poll(() => selectedPair(side))
          .toMatchObject({ policy: 'relay', local: 'relay', remote: 'relay', relayProtocol: relay.protocol });
      }

      // The relay itself checks the credential: signed with the secret, not expired.
      expect((await gatherRelayed(regulator, url, credential(SECRET, 600))).relayed).toBeGreaterThan(0);
      for (const refused of [credential('another-secret', 600), credential(SECRET, -60)]) {
        const gathered = await gatherRelayed(regulator, url, refused);
        expect(gathered.relayed).toBe(0);
        expect(gathered.errors.length).toBeGreaterThan(0);
      }
    } finally {
      await stop();
    }
  });
}
