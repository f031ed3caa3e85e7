// Go's URL-safe, unpadded base64 decoding with its exact error offsets, for `@base64` path segments (SPEC §2.4).

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUES = new Int8Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/** The decoded bytes, or where decoding failed together with the bytes decoded before that point. */
export type Base64Result = { ok: true; bytes: Uint8Array } | { ok: false; offset: number; partial: Uint8Array };

/**
 * Decodes `input` (one char per byte) like Go's gateway: every trailing `=` is removed first (so `=`
 * means the empty string and any padding is tolerated), then a strict unpadded URL-safe decode runs
 * that skips `\r` and `\n`. A failure reports Go's input offset and the whole quanta decoded before it.
 */
export function decodeBase64(input: string): Base64Result {
  let end = input.length;
  while (end > 0 && input.charCodeAt(end - 1) === 0x3d) end--;
  const out = new Uint8Array(Math.ceil((end * 3) / 4));
  let written = 0;
  let quantum = 0;
  let held = 0;
  for (let i = 0; i < end; i++) {
    const c = input.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) continue;
    const v = c < 256 ? VALUES[c]! : -1;
    if (v < 0) return { ok: false, offset: i, partial: out.slice(0, written) };
    quantum = (quantum << 6) | v;
    if (++held === 4) {
      out[written++] = quantum >>> 16;
      out[written++] = (quantum >>> 8) & 0xff;
      out[written++] = quantum & 0xff;
      quantum = 0;
      held = 0;
    }
  }
  // Go blames a lone last character at the input's last byte, newlines after it included.
  if (held === 1) return { ok: false, offset: end - 1, partial: out.slice(0, written) };
  // Go's decoder tolerates non-zero trailing bits (`ab` decodes to `i`).
  if (held === 2) out[written++] = (quantum >>> 4) & 0xff;
  if (held === 3) {
    out[written++] = (quantum >>> 10) & 0xff;
    out[written++] = (quantum >>> 2) & 0xff;
  }
  return { ok: true, bytes: out.slice(0, written) };
}
