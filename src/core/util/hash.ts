/**
 * A small, fast, dependency-free string hash for fingerprints (register staleness checks, model
 * hashes in reports). Not cryptographic: it detects change, it does not resist forgery.
 */

/**
 * 64-bit FNV-1a over UTF-16 code units, as 16 hex digits. Deterministic on every platform.
 *
 * Its values are in users' registers (src/core/hashes.ts), so they are exactly those of the
 * first implementation, which multiplied two 32-bit halves in floating point and let the low half
 * go negative after the xor (a signed 32-bit result): whenever bit 31 of the low half is set, its
 * high half comes out 0x1b3 less than FNV-1a's. That quirk is kept on purpose. The arithmetic is
 * in four 16-bit limbs so every product fits in 32 bits (no division, no float rounding);
 * `test/unit/core/hashes.test.ts` checks it against the first implementation.
 */
export function fnv1a64(text: string): string {
  // h3:h2:h1:h0, 16 bits each; the FNV offset basis 0xcbf29ce484222325.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < text.length; i++) {
    h0 ^= text.charCodeAt(i);
    // × the FNV prime 0x100000001b3 = (1 << 40) + 0x1b3, modulo 2^64.
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    // (h1:h0) << 40 adds h0 << 8 to limb 2 and h1 << 8 to limb 3; the quirk subtracts 0x1b3.
    const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16) - (h1 & 0x8000 ? 0x1b3 : 0);
    const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  return hex16(h3) + hex16(h2) + hex16(h1) + hex16(h0);
}

const hex16 = (limb: number): string => limb.toString(16).padStart(4, '0');
