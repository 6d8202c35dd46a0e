/**
 * Finding the vmdesc trailer of a possibly damaged stream, for `verify`.
 *
 * The decoder finds the trailer only where it is exact (`00 06 <be32 n>` with n the bytes left,
 * `@vmstate/stream` `locateVmdesc`), which is right for decoding: anything else is not a
 * stream QEMU wrote. A verifier must say *what* is wrong instead, so when the exact frame is
 * not there it also accepts a frame whose JSON parses but is followed by extra bytes (junk
 * appended: `TRAILING_BYTES`), or whose JSON runs to the end under a wrong length word, and
 * explains the bytes after an EOF byte when there is no trailer at all (a vmdesc cut short,
 * or junk after a stream without one).
 */
import { readBe32 } from "@vmstate/wire";
import { locateVmdesc, QEMU_VM } from "@vmstate/stream";
import { parseVmdesc, type Vmdesc } from "@vmstate/vmsd";
import type { ProblemList } from "./problems.js";

/** A trailer found in the tail; indices into the tail. */
export interface FoundVmdesc {
  /** The EOF byte before it (the end of the element list). */
  eof: number;
  /** The 0x06 byte. */
  vmdesc: number;
  /** The parsed document, or undefined when its JSON is bad (a problem was reported). */
  doc: Vmdesc | undefined;
}

/**
 * Locates the trailer, reporting framing problems. `base` is the tail's absolute offset.
 * @returns undefined when the tail has no trailer (allowed: `suppress-vmdesc`).
 */
export function findVmdesc(tail: Uint8Array, base: number, problems: ProblemList): FoundVmdesc | undefined {
  const exact = locateVmdesc(tail);
  if (exact) return { eof: exact.eof, vmdesc: exact.vmdesc, doc: parseOrReport(exact.json, base + exact.vmdesc + 5, problems) };
  for (let p = tail.length - 6; p >= 1; p--) {
    if (tail[p] !== QEMU_VM.VMDESCRIPTION || tail[p - 1] !== QEMU_VM.EOF || tail[p + 5] !== 0x7b) continue;
    const declared = readBe32(tail, p + 1);
    const jsonEnd = p + 5 + declared;
    if (jsonEnd <= tail.length) {
      const doc = tryParse(tail.subarray(p + 5, jsonEnd), base + p + 5);
      if (doc) {
        problems.add("TRAILING_BYTES", `${tail.length - jsonEnd} bytes after the end of the vmdesc`, base + jsonEnd, "vmdesc");
        return { eof: p - 1, vmdesc: p, doc };
      }
    }
    const doc = tryParse(tail.subarray(p + 5), base + p + 5);
    if (doc) {
      problems.add("VMDESC", `the vmdesc length word says ${declared} bytes, its JSON takes ${tail.length - p - 5}`, base + p + 1, "vmdesc");
      return { eof: p - 1, vmdesc: p, doc };
    }
  }
  return undefined;
}

/**
 * Explains the bytes after an EOF byte at `eof` when no trailer was found: none (a stream
 * without vmdesc), a trailer cut short, or junk.
 */
export function explainAfterEof(tail: Uint8Array, eof: number, base: number, problems: ProblemList): void {
  const rest = tail.length - (eof + 1);
  if (rest === 0) return;
  if (tail[eof + 1] !== QEMU_VM.VMDESCRIPTION) {
    problems.add("TRAILING_BYTES", `${rest} bytes after the EOF byte, and they are not a vmdesc (0x06)`, base + eof + 1);
    return;
  }
  if (rest < 5) {
    problems.add("TRUNCATED", "the vmdesc's length word is cut short", base + tail.length, "vmdesc");
    return;
  }
  const declared = readBe32(tail, eof + 2);
  const present = rest - 5;
  if (present < declared) {
    problems.add("TRUNCATED", `the vmdesc is incomplete: its length word says ${declared} bytes, ${present} are present`, base + tail.length, "vmdesc");
  } else {
    // The exact frame would have been found had its JSON been good.
    parseOrReport(tail.subarray(eof + 6, eof + 6 + declared), base + eof + 6, problems);
    if (present > declared) problems.add("TRAILING_BYTES", `${present - declared} bytes after the end of the vmdesc`, base + eof + 6 + declared, "vmdesc");
  }
}

function tryParse(json: Uint8Array, at: number): Vmdesc | undefined {
  try {
    return parseVmdesc(json, { base: at });
  } catch {
    return undefined;
  }
}

function parseOrReport(json: Uint8Array, at: number, problems: ProblemList): Vmdesc | undefined {
  try {
    return parseVmdesc(json, { base: at });
  } catch (e) {
    problems.addError(e, at, "vmdesc");
    return undefined;
  }
}
