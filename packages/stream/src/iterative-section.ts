import { MalformedError, UnsupportedError, VmstateError, type ByteSource, printable } from "@vmstate/wire";
import { footerFollows, readFooter, readSectionHeader } from "./section-header.js";
import { readRamRecord, readRamRecordBuffered, RAM_CHECKED_EOS } from "./ram-record.js";
import type { StreamInfo } from "./decoder.js";
import type { StreamRecord } from "./records.js";

/**
 * One START/PART/END section: its header, its RAM records up to EOS, its footer. Only `ram`
 * (version 4, migration/ram.c) can be read: other iterative sections (dirty bitmaps, block
 * migration) have grammars of their own and no length, so they are refused, not guessed.
 * With `yieldRam` false the records are checked but not handed out (a rewrite passes the
 * bytes through instead), which lets the loop run without an await per page.
 */
export async function* readIterativeSection(src: ByteSource, info: StreamInfo, yieldRam: boolean): AsyncGenerator<StreamRecord> {
  const header = await readSectionHeader(src, info.sections);
  if (header.type === "start") {
    info.sections.set(header.sectionId, { idstr: header.idstr, instanceId: header.instanceId, version: header.version });
  }
  yield header;
  const path = `${printable(header.idstr)} (${header.instanceId}) ${header.type.toUpperCase()}`;
  if (header.idstr !== "ram") {
    throw new UnsupportedError(`iterative section '${printable(header.idstr)}' is not supported (only 'ram' is)`, { offset: header.start, path });
  }
  if (header.version !== 4) {
    throw new MalformedError("MALFORMED", `RAM section version ${header.version}, QEMU only writes 4`, { offset: header.start, path });
  }
  const ram = info.ram;
  try {
    for (;;) {
      // The synchronous attempt first: an await per page would cost more than the page.
      const quick = readRamRecordBuffered(src, ram, header.sectionId, path, yieldRam);
      if (quick === RAM_CHECKED_EOS) break;
      if (typeof quick === "number" && quick > 0) {
        // The record is not all buffered yet: wait for it, then try again.
        await src.need(quick, "a RAM record");
        continue;
      }
      const rec = typeof quick === "object" ? quick : await readRamRecord(src, ram, header.sectionId, path);
      if (yieldRam) yield rec;
      if (rec.type === "eos") break;
    }
    if (info.footers === undefined) info.footers = await footerFollows(src, header.sectionId);
    if (info.footers) yield await readFooter(src, header.sectionId, path);
  } catch (e) {
    throw e instanceof VmstateError ? e.within(path) : e;
  }
}
