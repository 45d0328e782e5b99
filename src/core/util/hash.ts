/**
 * A small, fast, dependency-free string hash for fingerprints (register staleness checks, model
 * hashes in reports). Not cryptographic: it detects change, it does not resist forgery.
 */

/** 64-bit FNV-1a over UTF-16 code units, as 16 hex digits. Deterministic on every platform. */
export function fnv1a64(text: string): string {
  // Two 32-bit halves, because JavaScript bit operations are 32-bit.
  let h1 = 0xcbf29ce4 >>> 0;
  let h0 = 0x84222325 >>> 0;
  for (let i = 0; i < text.length; i++) {
    h0 ^= text.charCodeAt(i);
    // Multiply (h1:h0) by the FNV prime 0x100000001b3 = (1 << 40) + 0x1b3.
    const lo = h0 * 0x1b3;
    const hi = h1 * 0x1b3 + ((h0 << 8) >>> 0) + Math.floor(lo / 0x100000000);
    h0 = lo >>> 0;
    h1 = hi >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h0.toString(16).padStart(8, '0');
}
