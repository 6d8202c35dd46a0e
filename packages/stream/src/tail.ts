import { ByteSource, MalformedError, TruncatedError, UnsupportedError, printable } from "@vmstate/wire";
import { parseVmdesc, type DeviceDesc, type Vmdesc, type WalkResult } from "@vmstate/vmsd";
import { QEMU_VM } from "./constants.js";
import { readCommand } from "./command.js";
import { footerAt, readFooter, readSectionHeader } from "./section-header.js";
import { readIterativeSection } from "./iterative-section.js";
import { describeAfterEof, locateVmdesc } from "./vmdesc-frame.js";
import { scanForFooter } from "./footer-scan.js";
import { walkWithSchema, walkWithVmdesc } from "./device-walk.js";
import { checkWalkedFields, type WalkCheckReport } from "./walk-checks.js";
import { checkAgainstVmdesc } from "./vmdesc-checks.js";
import type { DeviceRecord, SectionRecord, StreamRecord } from "./records.js";
import type { StreamInfo } from "./decoder.js";

/**
 * Decodes the buffered device tail: FULL sections (and anything else QEMU put after the
 * first one), the EOF byte and the vmdesc. `tail[0]` is at absolute offset `base`.
 *
 * With a vmdesc each FULL section is walked with its entry (matched by name and instance, in
 * order) and must land exactly on its footer. Without one, the Arm `cpu` section is walked
 * with the built-in schema and other sections are delimited by their footers; a section
 * that cannot be delimited ends the walk with one opaque record, so no byte is lost.
 */
export async function* decodeTail(tail: Uint8Array, base: number, info: StreamInfo): AsyncGenerator<StreamRecord> {
  const frame = locateVmdesc(tail);
  info.vmdesc = frame !== undefined;
  let doc: Vmdesc | undefined;
  if (frame) doc = parseVmdesc(frame.json, { base: base + frame.vmdesc + 5 });
  if (doc) checkAgainstVmdesc(doc, base + frame!.vmdesc, info.configurationSection, info.ram.pageSize, refuseWalk);
  // The element list ends at the EOF byte: before the vmdesc, or the last byte without one.
  const listEnd = frame ? frame.eof : tail[tail.length - 1] === QEMU_VM.EOF ? tail.length - 1 : tail.length;
  const src = new ByteSource([tail.subarray(0, listEnd)], base);
  const devices = doc?.devices ?? [];
  let nextDevice = 0;
  let fullSections = 0;

  while (src.offset - base < listEnd) {
    const at = src.offset - base;
    const type = tail[at]!;
    if (type === QEMU_VM.SECTION_FULL) {
      const header = await readSectionHeader(src, info.sections);
      fullSections++;
      info.sections.set(header.sectionId, { idstr: header.idstr, instanceId: header.instanceId, version: header.version });
      yield header;
      const path = `${printable(header.idstr)} (${header.instanceId})`;
      const payloadAt = src.offset - base;
      let desc: DeviceDesc | undefined;
      if (doc) {
        const found = findDevice(devices, nextDevice, header);
        if (found < 0) {
          throw new MalformedError("VMDESC", `the vmdesc does not describe section '${printable(header.idstr)}' instance ${header.instanceId}`, {
            offset: header.start,
            path,
          });
        }
        desc = devices[found];
        nextDevice = found + 1;
      }
      const device = delimitAtInputEnd(() => delimitDevice(tail, payloadAt, base, listEnd, header, desc, info, path), frame === undefined, base + tail.length);
      if (device === undefined && info.footers) {
        // Footers are on, so this section must have one: the input stops before it.
        throw new TruncatedError("no footer for this section before the input ends: the stream is truncated or damaged", {
          offset: base + tail.length,
          path,
        });
      }
      if (device === undefined) {
        const reason = `cannot find where section '${path}' ends: no vmdesc, no schema${info.footers === false ? ", no footers" : ""}`;
        info.unverified = reason;
        yield opaqueRest(tail, payloadAt, base, listEnd, reason);
        src.skip(listEnd - payloadAt);
        break;
      }
      src.skip(device.end - device.start);
      if (info.footers === undefined) info.footers = footerModeAfter(tail, device, base, listEnd, path);
      // A walk that ends where the section does can still contradict itself (a count field
      // off by one from its array): every reader would then misread the fields after it.
      if (device.fields) checkWalkedFields(desc, device.fields, device.bytes, device.start, path, refuseWalk);
      yield device;
      if (info.footers) yield await readFooter(src, header.sectionId, path);
    } else if (type === QEMU_VM.SECTION_START || type === QEMU_VM.SECTION_PART || type === QEMU_VM.SECTION_END) {
      // Not seen in precopy files, but legal: keep decoding RAM from the buffer.
      yield* readIterativeSection(src, info, true);
    } else if (type === QEMU_VM.COMMAND) {
      yield await readCommand(src);
    } else if (type === QEMU_VM.EOF) {
      throw afterEof(tail, at, base);
    } else {
      throw new MalformedError("MALFORMED", `unknown section type 0x${type.toString(16)}`, { offset: base + at });
    }
  }

  if (listEnd === tail.length) {
    throw new TruncatedError("the stream ends without its EOF byte", { offset: base + tail.length });
  }
  if (!doc && info.footers === false && info.unverified === undefined && fullSections > 0) {
    info.unverified = "no vmdesc and no section footers: where the device state ends cannot be checked";
  }
  yield { kind: "eof", start: base + listEnd, end: base + listEnd + 1, bytes: tail.subarray(listEnd, listEnd + 1) };
  if (frame && doc) {
    const bytes = tail.subarray(frame.vmdesc);
    yield { kind: "vmdesc", start: base + frame.vmdesc, end: base + tail.length, bytes, json: frame.json, doc };
  }
}

/**
 * Without a vmdesc, the last byte is taken for the EOF byte; when the stream is in fact cut
 * short, a walk then runs out one byte early. The truth to report is where the input ends.
 */
function delimitAtInputEnd<T>(walk: () => T, guessedEof: boolean, inputEnd: number): T {
  try {
    return walk();
  } catch (e) {
    if (!guessedEof || !(e instanceof TruncatedError)) throw e;
    throw new TruncatedError(e.detail, { offset: inputEnd, ...(e.path === undefined ? {} : { path: e.path }) });
  }
}

/**
 * An EOF byte before the end of what we could frame: the vmdesc that follows it is cut
 * short (the common case for a copy that stopped early), or junk follows the EOF.
 */
function afterEof(tail: Uint8Array, at: number, base: number): MalformedError | TruncatedError {
  const d = describeAfterEof(tail, at);
  if (d.kind === "length-cut") return new TruncatedError("the vmdesc's length word is cut short", { offset: base + tail.length, path: "vmdesc" });
  if (d.kind === "extra") {
    return new MalformedError("MALFORMED", `${d.present - d.declared} unexpected bytes after the vmdesc`, {
      offset: base + d.json + d.declared,
      path: "vmdesc",
    });
  }
  if (d.kind === "cut" || d.kind === "whole") {
    return new TruncatedError(`the vmdesc is incomplete: its length word says ${d.declared} bytes, ${d.present} are present`, {
      offset: base + tail.length,
      path: "vmdesc",
    });
  }
  return new MalformedError("MALFORMED", `${d.rest} unexpected bytes after the EOF byte (expected a vmdesc, 0x06)`, { offset: base + at + 1 });
}

/**
 * The footer mode, learnt from the first device section when no RAM section came before it:
 * on when a footer byte follows the payload (readFooter then checks whose footer it is). When
 * neither a footer nor the next element follows, the walk itself went wrong, and this
 * section is the one to blame (guessing "off" would move the error to whatever byte comes
 * next).
 */
function footerModeAfter(tail: Uint8Array, device: DeviceRecord, base: number, listEnd: number, path: string): boolean {
  const at = device.end - base;
  if (at < listEnd && tail[at] === QEMU_VM.SECTION_FOOTER) return true;
  if (at === listEnd || ELEMENT_TYPES.has(tail[at]!)) return false;
  throw payloadEndError(device.delimitedBy, `found byte 0x${tail[at]!.toString(16)}, neither a footer nor the next section`, device.end, path);
}

/** A walk that did not end where the section does. */
function payloadEndError(delimitedBy: DeviceRecord["delimitedBy"], detail: string, offset: number, path: string): MalformedError {
  return new MalformedError("BAD_FOOTER", `section payload does not end at its footer (walked with the ${delimitedBy}; ${detail})`, { offset, path });
}

/** Type bytes that may follow a device section when footers are off. */
const ELEMENT_TYPES = new Set<number>([QEMU_VM.SECTION_START, QEMU_VM.SECTION_PART, QEMU_VM.SECTION_END, QEMU_VM.SECTION_FULL, QEMU_VM.COMMAND]);

function findDevice(devices: DeviceDesc[], from: number, header: SectionRecord): number {
  for (let i = from; i < devices.length; i++) {
    const d = devices[i]!;
    if (d.name === header.idstr && d.instance_id === header.instanceId) return i;
  }
  return -1;
}

/**
 * Finds the payload's end by the best means available and returns the device record, or
 * undefined when nothing can delimit it.
 */
function delimitDevice(
  tail: Uint8Array,
  payloadAt: number,
  base: number,
  listEnd: number,
  header: SectionRecord,
  desc: DeviceDesc | undefined,
  info: StreamInfo,
  path: string,
): DeviceRecord | undefined {
  const payload = tail.subarray(payloadAt, listEnd);
  const abs = base + payloadAt;
  let walk: WalkResult | undefined;
  let delimitedBy: DeviceRecord["delimitedBy"] = "vmdesc";
  if (desc) walk = walkWithVmdesc(desc, payload, abs, path);
  else {
    delimitedBy = "schema";
    try {
      walk = walkWithSchema(header.idstr, header.version, payload, abs, path);
    } catch (e) {
      // A section our schema does not know (an unknown subsection, say) can still be
      // delimited by its footer; it is then carried without fields. One that contradicts
      // the schema (a count beyond any limit, a cut) is bad, as verify says.
      if (!(e instanceof UnsupportedError) || info.footers === false) throw e;
    }
  }
  let end: number;
  if (walk) end = walk.end;
  else {
    if (info.footers === false) return undefined;
    const p = scanForFooter(tail, payloadAt, header.sectionId, listEnd);
    if (p < 0) return undefined;
    end = p - payloadAt;
    delimitedBy = "footer-scan";
  }
  if (walk && info.footers && !footerAt(tail, payloadAt + end, header.sectionId, listEnd)) {
    throw payloadEndError(delimitedBy, "no footer of this section there", abs + end, path);
  }
  return {
    kind: "device",
    sectionId: header.sectionId,
    idstr: header.idstr,
    instanceId: header.instanceId,
    version: header.version,
    desc,
    fields: walk?.node,
    delimitedBy,
    start: abs,
    end: abs + end,
    bytes: payload.subarray(0, end),
  };
}

/** The decoder's answer to a walk check: the stream is refused at the first problem. */
const refuseWalk: WalkCheckReport = (code, message, offset, path) => {
  throw new MalformedError(code, message, { offset, path });
};

function opaqueRest(tail: Uint8Array, from: number, base: number, listEnd: number, reason: string): StreamRecord {
  return { kind: "opaque", reason, start: base + from, end: base + listEnd, bytes: tail.subarray(from, listEnd) };
}
