// What an authenticator app computes (RFC 6238: HMAC-SHA-1, six digits,
// 30-second steps), from the key Regard shows for typing by hand.
import { createHmac } from 'node:crypto';

function base32(key: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of key.replace(/\s/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => parseInt(b, 2)));
}

/** The code at `at` (milliseconds since the epoch). */
export function totp(key: string, at = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', base32(key)).update(counter).digest();
  const offset = mac[19] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** A code Regard takes after the one shown now was used: the next step's
 *  (it accepts one step either side of its clock). */
export const nextCode = (key: string) => totp(key, Date.now() + 30_000);
