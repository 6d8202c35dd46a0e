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
import { describeAfterEof, locateVmdesc, vmdescCandidates } from "@vmstate/stream";
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
  for (const { eof, vmdesc, declared } of vmdescCandidates(tail)) {
    const jsonAt = vmdesc + 5;
    const jsonEnd = jsonAt + declared;
    if (jsonEnd <= tail.length) {
      const doc = tryParse(tail.subarray(jsonAt, jsonEnd), base + jsonAt);
      if (doc) {
        problems.add("TRAILING_BYTES", `${tail.length - jsonEnd} bytes after the end of the vmdesc`, base + jsonEnd, "vmdesc");
        return { eof, vmdesc, doc };
      }
    }
    const doc = tryParse(tail.subarray(jsonAt), base + jsonAt);
    if (doc) {
      problems.add("VMDESC", `the vmdesc length word says ${declared} bytes, its JSON takes ${tail.length - jsonAt}`, base + vmdesc + 1, "vmdesc");
      return { eof, vmdesc, doc };
    }
  }
  return undefined;
}

/**
 * Explains the bytes after an EOF byte at `eof` when no trailer was found: none (a stream
 * without vmdesc), a trailer cut short, or junk.
 */
export function explainAfterEof(tail: Uint8Array, eof: number, base: number, problems: ProblemList): void {
  const d = describeAfterEof(tail, eof);
  switch (d.kind) {
    case "nothing":
      return;
    case "junk":
      problems.add("TRAILING_BYTES", `${d.rest} bytes after the EOF byte, and they are not a vmdesc (0x06)`, base + eof + 1);
      return;
    case "length-cut":
      problems.add("TRUNCATED", "the vmdesc's length word is cut short", base + tail.length, "vmdesc");
      return;
    case "cut":
      problems.add("TRUNCATED", `the vmdesc is incomplete: its length word says ${d.declared} bytes, ${d.present} are present`, base + tail.length, "vmdesc");
      return;
    default:
      // The exact frame would have been found had its JSON been good.
      parseOrReport(tail.subarray(d.json, d.json + d.declared), base + d.json, problems);
      if (d.kind === "extra") problems.add("TRAILING_BYTES", `${d.present - d.declared} bytes after the end of the vmdesc`, base + d.json + d.declared, "vmdesc");
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
