// Draws the extension icon (media/icon.png, 128×128) with no dependency: a shield over a small
// pipeline graph (three nodes, two flows), anti-aliased by 4×4 supersampling, written as a PNG
// with node:zlib. Run `node scripts/make-icon.mjs` after changing the drawing; the PNG is committed.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SIZE = 128;
const SAMPLES = 4;

const BACKGROUND = [0x1b, 0x2a, 0x41];
const SHIELD = [0x2e, 0x86, 0xc1];
const LINE = [0xff, 0xff, 0xff];
const NODE = [0xff, 0xff, 0xff];
const ALERT = [0xf3, 0x9c, 0x12];

const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
const roundedSquare = (x, y) => {
  const r = 24;
  const dx = Math.max(Math.abs(x - 64) - (64 - r), 0);
  const dy = Math.max(Math.abs(y - 64) - (64 - r), 0);
  return Math.hypot(dx, dy) <= r;
};
// Shield: flat top with rounded shoulders, sides curving to a point at the bottom.
const shield = (x, y) => {
  if (y < 18 || y > 112) return false;
  const half = y < 70 ? 40 : 40 * Math.sqrt(clamp(1 - ((y - 70) / 42) ** 2, 0, 1));
  return Math.abs(x - 64) <= half;
};
const segment = (x, y, ax, ay, bx, by, width) => {
  const t = clamp(
    ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2),
    0,
    1,
  );
  return Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))) <= width / 2;
};
const nodes = [
  [42, 44],
  [86, 44],
  [64, 84],
];
function colourAt(x, y) {
  if (!roundedSquare(x, y)) return undefined;
  let colour = BACKGROUND;
  if (shield(x, y)) colour = SHIELD;
  if (
    segment(x, y, ...nodes[0], ...nodes[1], 5) ||
    segment(x, y, ...nodes[1], ...nodes[2], 5) ||
    segment(x, y, ...nodes[0], ...nodes[2], 5)
  )
    colour = LINE;
  for (const [cx, cy] of nodes) if (Math.hypot(x - cx, y - cy) <= 10) colour = NODE;
  if (Math.hypot(x - nodes[2][0], y - nodes[2][1]) <= 6) colour = ALERT;
  return colour;
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let py = 0; py < SIZE; py++) {
  raw[py * (SIZE * 4 + 1)] = 0; // filter: none
  for (let px = 0; px < SIZE; px++) {
    let r = 0,
      g = 0,
      b = 0,
      a = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const c = colourAt(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
        if (!c) continue;
        r += c[0];
        g += c[1];
        b += c[2];
        a++;
      }
    }
    const o = py * (SIZE * 4 + 1) + 1 + px * 4;
    raw[o] = a ? Math.round(r / a) : 0;
    raw[o + 1] = a ? Math.round(g / a) : 0;
    raw[o + 2] = a ? Math.round(b / a) : 0;
    raw[o + 3] = Math.round((255 * a) / (SAMPLES * SAMPLES));
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buffer) => {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync(join(root, 'media'), { recursive: true });
writeFileSync(join(root, 'media/icon.png'), png);
console.log(`media/icon.png: ${png.length} bytes`);
