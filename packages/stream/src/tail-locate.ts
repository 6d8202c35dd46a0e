import { readBe32, printable } from "@vmstate/wire";
import { MAX_VMDESC_BYTES, parseVmdesc, type DeviceDesc } from "@vmstate/vmsd";
import { QEMU_VM } from "./constants.js";
import { decodeTail } from "./tail.js";
import { locateVmdesc } from "./vmdesc-frame.js";
import { FOOTER_SIZE } from "./section-header.js";
import type { StreamInfo } from "./decoder.js";
import type { StreamRecord } from "./records.js";

/** A file read at positions: what finding the device state from the end needs. */
export interface PositionalInput {
  readonly size: number;
  /** `length` bytes from `position` (fewer only at the end of the file). */
  readAt(position: number, length: number): Uint8Array;
}

/** The device state found from the end: where it starts, and its records, decoded and checked. */
export interface LocatedTail {
  /** Absolute offset of the first FULL section: where a full walk's device tail starts. */
  start: number;
  /** FULL headers, device payloads, footers, EOF and the vmdesc, as a full walk yields them. */
  records: StreamRecord[];
  /** The head's info, completed by the tail (section ids, vmdesc). */
  info: StreamInfo;
}

/** Either the tail, or why it could not be trusted (the caller then walks the whole stream). */
export type TailSearch = { found: LocatedTail } | { notFound: string };

/** The first window read from the end; real device tails are kilobytes to a few MiB. */
const FIRST_WINDOW = 1 << 20;

/** The RAM end-of-section word (RAM_SAVE_FLAG_EOS alone, migration/ram.c). */
const EOS_WORD = [0, 0, 0, 0, 0, 0, 0, 0x10] as const;

/**
 * Finds the device state of a seekable stream from its end, without reading RAM.
 *
 * The vmdesc at the end lists the FULL sections QEMU wrote after RAM, in order
 * (savevm.c: qemu_savevm_state_complete_precopy_non_iterable writes a section and its vmdesc
 * entry together), so the first FULL header is `04`, a section id, then the first entry's
 * name and instance id. Guest RAM may hold those bytes too (a saved stream in the guest's
 * page cache), so a place where they occur is taken only when all of this holds:
 * - the RAM section's end-of-section word (and its footer, when footers are on) is right
 *   before it;
 * - decoding forward from it, with the same code as a full walk, gives one FULL section per
 *   vmdesc entry, in the vmdesc's order, each ending on its footer, then EOF and the vmdesc
 *   at the very end of the file, and nothing else.
 * Places are tried from the end backwards, so a forged header inside RAM (which lies before
 * the real one) is never reached while the real one verifies; one after the real start
 * would have to fake every entry of the vmdesc in the few device bytes left. The window read
 * grows (×4) up to `maxTail`, the limit a full walk puts on the same bytes.
 *
 * `info` is what {@link readStreamHead} learnt; it is not changed.
 */
export async function locateDeviceTail(file: PositionalInput, info: StreamInfo, maxTail: number): Promise<TailSearch> {
  const ramId = [...info.sections].find(([, s]) => s.idstr === "ram")?.[0];
  if (ramId === undefined) return { notFound: "no RAM section before the device state" };
  const limit = Math.min(file.size, maxTail + EOS_WORD.length + FOOTER_SIZE);
  for (let size = Math.min(FIRST_WINDOW, limit); ; ) {
    const base = file.size - size;
    const result = await searchWindow(file.readAt(base, size), base, info, ramId);
    if ("found" in result) return result;
    if (result.final || size === limit) return { notFound: result.notFound };
    // No frame yet: a window just past the largest vmdesc vmstate reads settles whether there
    // is one it would read, rather than the next ×4 (64 MiB) of what may be one vmdesc.
    size = Math.min(limit, size * 4, result.noFrame ? Math.max(size + 1, LARGEST_FRAME) : Infinity);
  }
}

/** EOF, 0x06, the length word and the largest vmdesc vmstate parses. */
const LARGEST_FRAME = 6 + MAX_VMDESC_BYTES;

type WindowResult = { found: LocatedTail } | { notFound: string; final: boolean; noFrame?: boolean };

async function searchWindow(window: Uint8Array, base: number, info: StreamInfo, ramId: number): Promise<WindowResult> {
  // QEMU's JSON writer ends the vmdesc with the closing brace of its object.
  if (window[window.length - 1] !== 0x7d) return { notFound: "no vmdesc at the end of the file", final: true };
  const frame = locateVmdesc(window);
  if (!frame) {
    if (window.length >= LARGEST_FRAME) return { notFound: `no vmdesc of at most ${MAX_VMDESC_BYTES} bytes at the end of the file`, final: true };
    return { notFound: "no vmdesc at the end of the file", final: false, noFrame: true };
  }
  let devices: DeviceDesc[];
  try {
    devices = parseVmdesc(frame.json).devices;
  } catch {
    return { notFound: "the vmdesc at the end does not parse", final: true };
  }
  const first = devices[0];
  if (!first) return { notFound: "the vmdesc names no device", final: true };
  const name = Uint8Array.from(first.name, (c) => c.charCodeAt(0));
  const ramEnd = EOS_WORD.length + (info.footers ? FOOTER_SIZE : 0);
  for (let p = window.lastIndexOf(QEMU_VM.SECTION_FULL, frame.eof - 1); p >= ramEnd; p = window.lastIndexOf(QEMU_VM.SECTION_FULL, p - 1)) {
    if (!headerMatches(window, p, name, first.instance_id) || !ramEndsBefore(window, p, info.footers === true, ramId)) continue;
    const found = await decodeFrom(window, p, base, info, devices);
    if (found) return { found };
  }
  return { notFound: `no '${printable(first.name)}' (${first.instance_id}) section header after RAM's end decodes to the vmdesc`, final: false };
}

/** `04`, any section id, then the counted name and the instance id of the vmdesc's first entry. */
function headerMatches(w: Uint8Array, p: number, name: Uint8Array, instance: number): boolean {
  const at = p + 6;
  if (w[p + 5] !== name.length || at + name.length + 4 > w.length) return false;
  for (let i = 0; i < name.length; i++) if (w[at + i] !== name[i]) return false;
  return readBe32(w, at + name.length) === instance;
}

/** RAM's last end-of-section word, then its footer when footers are on, ends right at `p`. */
function ramEndsBefore(w: Uint8Array, p: number, footers: boolean, ramId: number): boolean {
  const eos = p - EOS_WORD.length - (footers ? FOOTER_SIZE : 0);
  for (let i = 0; i < EOS_WORD.length; i++) if (w[eos + i] !== EOS_WORD[i]) return false;
  return !footers || (w[p - FOOTER_SIZE] === QEMU_VM.SECTION_FOOTER && readBe32(w, p - 4) === ramId);
}

/** Decodes from `p` as a full walk would; the records when they are exactly the vmdesc's sections. */
async function decodeFrom(window: Uint8Array, p: number, base: number, info: StreamInfo, devices: DeviceDesc[]): Promise<LocatedTail | undefined> {
  const trial: StreamInfo = { ...info, sections: new Map(info.sections), ram: { ...info.ram, blocks: new Map(info.ram.blocks) } };
  const records: StreamRecord[] = [];
  try {
    for await (const rec of decodeTail(window.subarray(p), base + p, trial)) records.push(rec);
  } catch {
    return undefined;
  }
  let n = 0;
  for (const rec of records) {
    if (rec.kind === "section") {
      const d = devices[n++];
      if (rec.type !== "full" || !d || d.name !== rec.idstr || d.instance_id !== rec.instanceId) return undefined;
    } else if (rec.kind !== "device" && rec.kind !== "footer" && rec.kind !== "eof" && rec.kind !== "vmdesc") return undefined;
  }
  if (n !== devices.length || records[records.length - 1]?.kind !== "vmdesc") return undefined;
  return { start: base + p, records, info: trial };
}
