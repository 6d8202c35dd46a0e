/**
 * XBZRLE page deltas (wire-format.md §9.6; QEMU `migration/xbzrle.c`, lengths from
 * `util/cutils.c:uleb128_encode_small`).
 *
 * Why a decoder of our own: an XBZRLE record carries only what changed in a page since the
 * destination's copy of it, so extracting RAM means applying the delta to the page as it stands
 * in the output so far. No library speaks this format.
 *
 * A delta is a sequence of runs over the page, from its first byte:
 * `zrun_len` (ULEB128, bytes left as they are), `nzrun_len` (ULEB128, at least 1), then
 * `nzrun_len` replacement bytes. Only the first `zrun_len` may be 0; bytes after the last run
 * stay as they are. Lengths are one or two ULEB128 bytes (at most 0x3fff), enough for any
 * page up to 16 KiB.
 */
import { MalformedError } from "@vmstate/wire";

/** Where a delta went wrong, relative to its first byte. */
export class XbzrleError extends Error {
  constructor(
    readonly detail: string,
    /** Index in the delta where the problem was found. */
    readonly at: number,
  ) {
    super(`${detail} at delta byte ${at}`);
    this.name = "XbzrleError";
  }
}

/**
 * Reads a one- or two-byte ULEB128 value at `pos`: the low seven bits of each byte, least
 * significant group first, the top bit meaning "another byte follows".
 * @returns the value and the number of bytes it took.
 * @throws XbzrleError when the value is cut short or needs a third byte.
 */
export function readUleb128Small(b: Uint8Array, pos: number): { value: number; length: number } {
  if (pos >= b.length) throw new XbzrleError("run length cut short", pos);
  const first = b[pos]!;
  if ((first & 0x80) === 0) return { value: first, length: 1 };
  if (pos + 1 >= b.length) throw new XbzrleError("run length cut short", pos);
  const second = b[pos + 1]!;
  if ((second & 0x80) !== 0) throw new XbzrleError("run length longer than two bytes", pos);
  return { value: (first & 0x7f) | (second << 7), length: 2 };
}

/**
 * Applies `delta` to `page` in place.
 * @returns how many bytes of the page the runs covered (the rest is unchanged).
 * @throws XbzrleError when a run is malformed, a later zero run is empty, a run passes the
 *   page's end, or the delta ends inside a run.
 */
export function applyXbzrle(delta: Uint8Array, page: Uint8Array): number {
  let i = 0;
  let d = 0;
  while (i < delta.length) {
    const zrun = readUleb128Small(delta, i);
    if (zrun.value === 0 && i !== 0) throw new XbzrleError("empty unchanged run after the first", i);
    i += zrun.length;
    d += zrun.value;
    if (d > page.length) throw new XbzrleError(`unchanged run passes the page end (${d} > ${page.length})`, i - zrun.length);
    const nzrun = readUleb128Small(delta, i);
    if (nzrun.value === 0) throw new XbzrleError("empty changed run", i);
    i += nzrun.length;
    if (d + nzrun.value > page.length) throw new XbzrleError(`changed run passes the page end (${d + nzrun.value} > ${page.length})`, i - nzrun.length);
    if (i + nzrun.value > delta.length) throw new XbzrleError(`changed run of ${nzrun.value} bytes, ${delta.length - i} left`, i);
    page.set(delta.subarray(i, i + nzrun.value), d);
    i += nzrun.value;
    d += nzrun.value;
  }
  return d;
}

/**
 * Produces a delta that turns `from` into `to` (same length): the inverse of
 * {@link applyXbzrle}, so the tests can build XBZRLE pages. Not in the package index: the
 * library only reads streams. Runs are split so every length fits two ULEB128 bytes.
 */
export function encodeXbzrle(from: Uint8Array, to: Uint8Array): Uint8Array {
  if (from.length !== to.length) throw new RangeError("pages differ in length");
  const out: number[] = [];
  const uleb = (v: number) => (v < 0x80 ? out.push(v) : out.push((v & 0x7f) | 0x80, v >> 7));
  let p = 0;
  while (p < to.length) {
    let z = p;
    while (z < to.length && from[z] === to[z] && z - p < 0x3fff) z++;
    if (z === to.length) break;
    let n = z;
    while (n < to.length && (from[n] !== to[n] || (n + 1 < to.length && from[n + 1] !== to[n + 1])) && n - z < 0x3fff) n++;
    if (n === z) n = z + 1;
    uleb(z - p);
    uleb(n - z);
    for (let k = z; k < n; k++) out.push(to[k]!);
    p = n;
  }
  return Uint8Array.from(out);
}

/** Wraps an {@link XbzrleError} as a stream error; `payloadOffset` is the absolute offset of the delta. */
export function xbzrleStreamError(e: XbzrleError, payloadOffset: number, path: string): MalformedError {
  return new MalformedError("MALFORMED", `bad XBZRLE delta: ${e.detail}`, { offset: payloadOffset + e.at, path });
}
