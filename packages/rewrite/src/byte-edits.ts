/**
 * Several replacements of byte ranges in one section payload, all given against the
 * original bytes and applied in one copy. Several editors may change the same section (the
 * `cpu` register list and a `cpu` subsection after it): each computes its ranges from the
 * one field tree of the original, so none has to know where another's edit moved things.
 */

/** Replace `bytes[start, end)` of the original with `replacement` (empty to delete). */
export interface ByteEdit {
  readonly start: number;
  readonly end: number;
  readonly replacement: Uint8Array;
}

/**
 * The payload with every edit applied. Edits may come in any order but must not overlap.
 * @throws Error when two edits overlap or one lies outside the payload (a bug in an editor).
 */
export function applyByteEdits(payload: Uint8Array, edits: readonly ByteEdit[]): Uint8Array {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let size = payload.length;
  let prevEnd = 0;
  for (const e of sorted) {
    if (e.start < prevEnd || e.end < e.start || e.end > payload.length) {
      throw new Error(`byte edit [${e.start}, ${e.end}) overlaps another or lies outside the ${payload.length}-byte section`);
    }
    size += e.replacement.length - (e.end - e.start);
    prevEnd = e.end;
  }
  const out = new Uint8Array(size);
  let from = 0;
  let to = 0;
  for (const e of sorted) {
    out.set(payload.subarray(from, e.start), to);
    to += e.start - from;
    out.set(e.replacement, to);
    to += e.replacement.length;
    from = e.end;
  }
  out.set(payload.subarray(from), to);
  return out;
}
