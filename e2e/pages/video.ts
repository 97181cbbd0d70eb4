import type { Page } from '@playwright/test';

/** Resolves when the video matched by `selector` plays real frames: not paused,
 *  a decoded frame size, and time moving on. */
export async function videoPlays(page: Page, selector: string) {
  await page.waitForFunction((selector) => {
    const video = document.querySelector(selector) as HTMLVideoElement | null;
    return !!video && !video.paused && video.videoWidth > 0 && video.videoHeight > 0 && video.currentTime > 0;
  }, selector);
}
