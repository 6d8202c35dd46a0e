import { ByteWriter, decodeLatin1, MalformedError, UnsupportedError, type ByteSource, printable } from "@vmstate/wire";
import { CONFIG_SUB, CONFIGURATION_NAME, QEMU_VM } from "./constants.js";
import { readCountedString, writeCountedString } from "./counted-string.js";
import type { ConfigSubsection, ConfigurationRecord } from "./records.js";

/** QEMU's machine names are short; a longer length word means a damaged stream. */
const MAX_MACHINE_NAME = 256;
const MAX_CAPABILITIES = 256;

/**
 * The configuration record: 0x07, be32 name length, machine name, then the optional
 * subsections (migration/savevm.c: vmstate_configuration). It has no section header and no
 * footer. Subsection presence follows QEMU's peek rule (migration/vmstate.c:
 * vmstate_subsection_load): 0x05, a name at least one byte longer than "configuration"
 * that starts with it.
 */
export async function readConfiguration(src: ByteSource): Promise<ConfigurationRecord> {
  const start = src.offset;
  await src.need(5, "the configuration record");
  src.mark();
  src.u8();
  const lenAt = src.offset;
  const len = src.be32();
  if (len > MAX_MACHINE_NAME) {
    throw new MalformedError("MALFORMED", `machine name length ${len} is implausible`, {
      offset: lenAt,
      path: "configuration / len",
    });
  }
  await src.need(len, "the machine name");
  const machine = decodeLatin1(src.bytes(len));
  const found: { name: string; version: number; bodyStart: number; bodyEnd: number }[] = [];
  let targetPageBits: number | undefined;
  let capabilities: string[] = [];
  let uuid: Uint8Array | undefined;
  while (await peekSubsection(src)) {
    const subAt = src.offset;
    src.u8();
    const name = await readCountedString(src, "a configuration subsection name");
    await src.need(4, "a subsection version");
    const version = src.be32();
    const bodyAt = src.offset;
    const path = `configuration / ${name}`;
    if (name === CONFIG_SUB.TARGET_PAGE_BITS) {
      await src.need(4, name);
      targetPageBits = src.be32();
      if (targetPageBits < 10 || targetPageBits > 30) {
        throw new MalformedError("MALFORMED", `target page bits ${targetPageBits} out of range`, {
          offset: bodyAt,
          path,
        });
      }
    } else if (name === CONFIG_SUB.CAPABILITIES) {
      await src.need(4, name);
      const count = src.be32();
      if (count > MAX_CAPABILITIES) {
        throw new MalformedError("MALFORMED", `capability count ${count} is implausible`, { offset: bodyAt, path });
      }
      capabilities = [];
      for (let i = 0; i < count; i++) capabilities.push(await readCountedString(src, "a capability name"));
    } else if (name === CONFIG_SUB.UUID) {
      await src.need(16, name);
      uuid = src.bytes(16).slice();
    } else {
      throw new UnsupportedError(`unknown configuration subsection '${printable(name)}': its length cannot be known`, {
        offset: subAt,
        path,
      });
    }
    found.push({ name, version, bodyStart: bodyAt, bodyEnd: src.offset });
  }
  const end = src.offset;
  const bytes = src.sliceFromMark();
  // Bodies are views into the record's own bytes, taken once the record is complete.
  const subsections: ConfigSubsection[] = found.map((f) => ({
    name: f.name,
    version: f.version,
    body: bytes.subarray(f.bodyStart - start, f.bodyEnd - start),
  }));
  return { kind: "configuration", start, end, bytes, machine, subsections, targetPageBits, capabilities, uuid };
}

async function peekSubsection(src: ByteSource): Promise<boolean> {
  if (src.available < 2 && (await src.atEnd())) return false;
  await src.need(1, "the configuration record");
  if (src.peekU8() !== QEMU_VM.SUBSECTION) return false;
  await src.need(2, "a configuration subsection");
  const len = src.peekU8(1);
  if (len < CONFIGURATION_NAME.length + 1) return false;
  await src.need(2 + len, "a configuration subsection name");
  for (let i = 0; i < CONFIGURATION_NAME.length; i++) {
    if (src.peekU8(2 + i) !== CONFIGURATION_NAME.charCodeAt(i)) return false;
  }
  return true;
}

export function encodeConfiguration(rec: ConfigurationRecord): Uint8Array {
  const w = new ByteWriter(64).u8(QEMU_VM.CONFIGURATION).be32(rec.machine.length);
  for (let i = 0; i < rec.machine.length; i++) w.u8(rec.machine.charCodeAt(i));
  for (const sub of rec.subsections) {
    w.u8(QEMU_VM.SUBSECTION);
    writeCountedString(w, sub.name);
    w.be32(sub.version);
    if (sub.name === CONFIG_SUB.TARGET_PAGE_BITS) w.be32(rec.targetPageBits!);
    else if (sub.name === CONFIG_SUB.CAPABILITIES) {
      w.be32(rec.capabilities.length);
      for (const cap of rec.capabilities) writeCountedString(w, cap);
    } else if (sub.name === CONFIG_SUB.UUID) w.bytes(rec.uuid!);
    else w.bytes(sub.body);
  }
  return w.finish();
}
