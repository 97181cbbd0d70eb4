// A 2×2 PNG, as a phone's or a tablet's camera app would hand over a file.
export const PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAAMIM/4EAAB/uBfsL2WiLAAAAAElFTkSuQmCC',
  'base64',
);

// 65 bytes that announce a 100 000 × 100 000 pixel PNG: refused before anything decodes it.
export const ANNOUNCED_GIANT = Buffer.concat([
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
  Buffer.from([0x00, 0x01, 0x86, 0xa0, 0x00, 0x01, 0x86, 0xa0, 8, 2, 0, 0, 0]),
  Buffer.alloc(36),
]);
