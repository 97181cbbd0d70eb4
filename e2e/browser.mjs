// How Regard's tests launch Chromium: Debian's build with a fake camera and
// microphone, and no background traffic to the closed network.
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumArgs = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

// The benchmarks' bare pages are answered by Playwright's routing, and Chromium
// then counts such pages as public: without this, their requests to the local
// addresses Regard listens on are refused as a public page reaching into the
// local network.
export const benchArgs = chromiumArgs.map((a) => (a.startsWith('--disable-features=') ? `${a},LocalNetworkAccessChecks` : a));
