// A synthetic head CT written as real DICOM files by the server crate's
// example (server/examples/ct_phantom.rs, built by scripts/test), and the
// upload of a series as the app sends one: a multipart/mixed body of its files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIRequestContext } from '@playwright/test';

const tool = process.env.REGARD_E2E_PHANTOM ?? '../target/debug/examples/ct_phantom';
const made = new Map<string, string>();

/** The path of a zip of `slices` slices of `size` × `size` (made once per worker). */
export function phantomZip(slices: number, size: number): string {
  const key = `${slices}x${size}`;
  let zip = made.get(key);
  if (!zip) {
    zip = path.join(mkdtempSync(path.join(os.tmpdir(), 'regard-ct-')), `scanner-${key}.zip`);
    execFileSync(tool, [zip, String(slices), String(size)]);
    made.set(key, zip);
  }
  return zip;
}

/**
 * Two DICOM images that are not one series: slices 1 and 2 of the phantom,
 * the second moved to another series (its series and instance UIDs renamed,
 * same length, so the file stays well formed) — as two unrelated X-rays would be.
 */
export function twoSeparateImages(): { name: string; mimeType: string; buffer: Buffer }[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'regard-dcm-'));
  execFileSync(tool, [dir, '2', '64']);
  const [first, second] = ['IM0001.dcm', 'IM0002.dcm'].map((name) => readFileSync(path.join(dir, name)));
  const moved = Buffer.from(second.toString('latin1').replaceAll('1125.1.2', '1125.1.3'), 'latin1');
  return [
    { name: 'radio-face.dcm', mimeType: 'application/dicom', buffer: first },
    { name: 'radio-profil.dcm', mimeType: 'application/dicom', buffer: moved },
  ];
}

/** Uploads a series through the API as `client`; returns its file's id. */
export async function uploadSeries(client: APIRequestContext, zip: string): Promise<{ id: string; slices: number }> {
  const boundary = 'regard-e2e-series';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: attachment\r\n\r\n`),
    readFileSync(zip),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const sent = await client.post('/api/v1/expertise/series?name=Scanner%20c%C3%A9r%C3%A9bral', {
    headers: { 'content-type': `multipart/mixed; boundary=${boundary}` }, data: body, timeout: 120_000,
  });
  if (sent.status() !== 201) throw new Error(`series upload: ${sent.status()} ${await sent.text()}`);
  return sent.json();
}

/** Stores a zip of DICOM files in the test PACS (Orthanc's REST API), as a scanner would. */
export async function storeInPacs(client: APIRequestContext, zip: string): Promise<void> {
  const stored = await client.post(`${process.env.REGARD_E2E_ORTHANC_URL}/instances`, { data: readFileSync(zip), timeout: 120_000 });
  if (!stored.ok()) throw new Error(`Orthanc: ${stored.status()} ${await stored.text()}`);
}
