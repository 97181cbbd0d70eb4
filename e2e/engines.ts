// The patient's pages on the other two browser engines: Debian's Firefox ESR
// (through geckodriver) and WebKitGTK (through WebKitWebDriver, in its own
// Xvfb display), driven by W3C WebDriver (selenium-webdriver). Playwright
// drives only its own builds of Firefox and WebKit, which cannot be downloaded
// here; the clinician's side stays in Chromium through Playwright.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect, createServer, type AddressInfo, type Socket } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Builder, By, error, type WebDriver, type WebElement } from 'selenium-webdriver';
import firefox from 'selenium-webdriver/firefox.js';
import { freePort } from './relay';

export type Engine = 'firefox' | 'webkit';

// scripts/test installs it with cargo and names it.
const GECKODRIVER = process.env.REGARD_E2E_GECKODRIVER ?? `${homedir()}/.cargo/bin/geckodriver`;
const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
/** A phone's screen, as for the Chromium caller (pages/assist.ts). */
const PHONE = { width: 390, height: 844 };

/** A browser of `engine` on a phone-sized window, its camera and microphone
 *  faked and allowed, as a caller who tapped "allow". */
export async function phone(engine: Engine): Promise<Phone> {
  return engine === 'firefox' ? firefoxPhone() : webkitPhone();
}

async function firefoxPhone(): Promise<Phone> {
  // Firefox measures a microphone's level only while its sound runs, and
  // sound runs only with an output: a PulseAudio server of its own, playing
  // into nothing, as a phone's loudspeaker would.
  const sound = await startPulseAudio();
  const options = new firefox.Options()
    .setBinary('/usr/bin/firefox-esr')
    .addArguments('-headless', `--width=${PHONE.width}`, `--height=${PHONE.height}`)
    .setPreference('intl.accept_languages', 'fr-FR, fr')
    .setPreference('media.navigator.streams.fake', true)
    .setPreference('media.navigator.permission.disabled', true)
    // Both browsers are on this machine: candidates on loopback, not hidden behind mDNS names.
    .setPreference('media.peerconnection.ice.loopback', true)
    .setPreference('media.peerconnection.ice.obfuscate_host_addresses', false);
  try {
    const driver = await new Builder()
      .forBrowser('firefox')
      .setFirefoxOptions(options)
      .setFirefoxService(new firefox.ServiceBuilder(GECKODRIVER).setEnvironment({ ...process.env, PULSE_SERVER: sound.server }))
      .build();
    return new Phone(driver, async () => sound.stop());
  } catch (error) {
    sound.stop();
    throw error;
  }
}

/** A PulseAudio server with one null sink, on a socket of its own. */
async function startPulseAudio(): Promise<{ server: string; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'regard-pulse-'));
  const socket = join(dir, 'native');
  const env = { ...process.env, HOME: dir, XDG_RUNTIME_DIR: dir };
  const pulse = spawn('pulseaudio', ['-n', '--daemonize=no', '--exit-idle-time=-1', '--use-pid-file=no',
    '--load=module-null-sink sink_name=speaker', `--load=module-native-protocol-unix socket=${socket} auth-anonymous=1`], { env, stdio: 'ignore' });
  const stop = () => {
    pulse.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  // Listening once its socket exists.
  for (let attempt = 0; !existsSync(socket); attempt++) {
    if (attempt >= 100 || pulse.exitCode !== null) {
      stop();
      throw new Error('PulseAudio did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { server: `unix:${socket}`, stop };
}

async function webkitPhone(): Promise<Phone> {
  const display = await startXvfb();
  const port = await freePort();
  const env = { ...process.env, DISPLAY: display.name, LANGUAGE: 'fr', LANG: 'fr_FR.UTF-8' };
  const driverProcess = spawn('WebKitWebDriver', [`--port=${port}`], { env, stdio: 'ignore' });
  const stop = async () => {
    driverProcess.kill();
    display.process.kill();
  };
  try {
    const driver = await connect(`http://127.0.0.1:${port}`, {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': {
        binary: MINIBROWSER,
        args: ['--automation', '--enable-media-stream=true', '--enable-mock-capture-devices=true', '--enable-webrtc=true'],
      },
    });
    await driver.manage().window().setRect(PHONE);
    return new Phone(driver, stop);
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A session on a driver just started: it may take a moment to listen. */
async function connect(server: string, capabilities: object): Promise<WebDriver> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Builder().usingServer(server).withCapabilities(capabilities).build();
    } catch (error) {
      if (attempt >= 50 || !String(error).includes('ECONNREFUSED')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** An X server of its own (the display number Xvfb picked, told on fd 3). */
function startXvfb(): Promise<{ name: string; process: ChildProcess }> {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    xvfb.stdio[3]!.once('data', (data) => resolve({ name: `:${String(data).trim()}`, process: xvfb }));
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code})`)));
  });
}

/** A phone's browser driven by WebDriver, with what the tests ask of a page. */
export class Phone {
  constructor(readonly driver: WebDriver, private readonly stopped: () => Promise<void>) {}

  async open(url: string) {
    await this.driver.get(url);
  }

  /** The button whose text contains `text` (or is `text`, if `exact`), once it is shown and enabled. */
  async button(text: string, { exact = false } = {}): Promise<WebElement> {
    const test = exact ? `normalize-space(.)=${xpathString(text)}` : `contains(., ${xpathString(text)})`;
    return this.settled(async () => {
      const [button] = await this.driver.findElements(By.xpath(`//button[${test}]`));
      return button && (await button.isEnabled()) ? button : undefined;
    });
  }

  /** Waits until `text` is shown somewhere on the page. */
  async sees(text: string, timeout = 20_000) {
    const innermost = `//*[contains(normalize-space(.), ${xpathString(text)}) and not(*[contains(normalize-space(.), ${xpathString(text)})])]`;
    await this.settled(async () => (await this.driver.findElements(By.xpath(innermost)))[0], timeout);
  }

  /** Fills the field labelled `label`. Dates and sliders get their value as
   *  the browser's own picker would set it: each engine types into them differently. */
  async fill(label: string, value: string) {
    const field = await this.settled(async () => {
      const [labelled] = await this.driver.findElements(By.xpath(`//label[contains(normalize-space(.), ${xpathString(label)})]`));
      return labelled && this.driver.findElement(By.id(await labelled.getAttribute('for')));
    });
    if (['date', 'range'].includes(await field.getAttribute('type'))) {
      await this.script(`const [field, value] = arguments; field.value = value;
        for (const kind of ['input', 'change']) field.dispatchEvent(new Event(kind, { bubbles: true }));`, field, value);
    } else {
      await field.clear();
      await field.sendKeys(value);
    }
  }

  /** What `find` returns once it returns something. A search that crosses the
   *  page being redrawn (WebKit's driver then calls an element stale) is made again. */
  private async settled<T>(find: () => Promise<T | undefined>, timeout = 20_000): Promise<T> {
    return this.driver.wait(async () => {
      try {
        return (await find()) ?? null;
      } catch (failure) {
        if (failure instanceof error.StaleElementReferenceError) return null;
        throw failure;
      }
    }, timeout) as Promise<T>;
  }

  /** Picks `option` in the group of choices whose legend contains `legend`. */
  async choose(legend: string, option: string) {
    const label = await this.driver.findElement(By.xpath(`//fieldset[legend[contains(., ${xpathString(legend)})]]//label[contains(normalize-space(.), ${xpathString(option)})]`));
    // In the middle of the screen, clear of the form's button kept at the bottom.
    await this.script("arguments[0].scrollIntoView({ block: 'center' })", label);
    await label.click();
  }

  /** Waits until the video `selector` plays: frames decoded, time moving. */
  async videoPlays(selector: string) {
    await this.driver.wait(() => this.script<boolean>(`const v = document.querySelector(arguments[0]);
      return !!v && v.readyState >= 2 && !v.paused && v.currentTime > 0 && v.videoWidth > 0;`, selector), 20_000);
  }

  async script<T>(body: string, ...args: unknown[]): Promise<T> {
    return this.driver.executeScript(body, ...args) as Promise<T>;
  }

  async close() {
    await this.driver.quit().catch(() => {});
    await this.stopped();
  }
}

/** `text` as an XPath string literal (French has apostrophes). */
function xpathString(text: string): string {
  if (!text.includes("'")) return `'${text}'`;
  return `concat(${text.split("'").map((part) => `'${part}'`).join(`, "'", `)})`;
}

/** A path from a phone to the server that the test can cut, as a phone losing
 *  its network: Firefox's offline mode leaves loopback reachable and WebKit's
 *  driver has none, so the phone reaches the server through this TCP relay. */
export class CuttableLink {
  private readonly open = new Set<Socket>();
  private up = true;

  private constructor(private readonly relay: ReturnType<typeof createServer>, readonly origin: string) {}

  static async to(server: string): Promise<CuttableLink> {
    const target = new URL(server);
    let link: CuttableLink | undefined;
    const relay = createServer((phone) => {
      if (!link?.up) return phone.destroy();
      const upstream = tcpConnect(Number(target.port), target.hostname);
      for (const socket of [phone, upstream]) {
        link.open.add(socket);
        socket.on('close', () => link!.open.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      phone.pipe(upstream).pipe(phone);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    link = new CuttableLink(relay, `http://127.0.0.1:${(relay.address() as AddressInfo).port}`);
    return link;
  }

  /** Every connection dropped, new ones refused. */
  cut() {
    this.up = false;
    for (const socket of this.open) socket.destroy();
  }

  restore() {
    this.up = true;
  }

  async close() {
    this.cut();
    await new Promise((resolve) => this.relay.close(resolve));
  }
}
