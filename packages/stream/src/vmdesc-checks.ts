import type { Vmdesc } from "@vmstate/vmsd";
import { walkSection } from "@vmstate/vmsd";
import { checkWalkedFields, type WalkCheckReport } from "./walk-checks.js";

/** The configuration section as the decoder keeps it for these checks (a copy: it is small). */
export interface KeptConfiguration {
  start: number;
  /** From its 0x07 type byte on. */
  bytes: Uint8Array;
}

/**
 * What the vmdesc says of the stream outside the device sections, checked against the
 * stream: its `page_size` against the RAM's page size, and its `configuration` entry (QEMU ≥
 * 8.2) against the configuration section, walked and cross-checked as a device section is.
 * Like the walk checks, made by the decoder for every command and by `verify`.
 * @param vmdescAt absolute offset of the vmdesc's 0x06 byte (where a finding about it points).
 * @throws what `walkSection` of `@vmstate/vmsd` throws when the configuration does not walk.
 */
export function checkAgainstVmdesc(doc: Vmdesc, vmdescAt: number, conf: KeptConfiguration | undefined, pageSize: number | undefined, report: WalkCheckReport): void {
  if (pageSize !== undefined && typeof doc.page_size === "number" && doc.page_size !== pageSize) {
    report("PAGE_SIZE", `the vmdesc says page_size ${doc.page_size}, the stream's RAM uses ${pageSize}-byte pages`, vmdescAt, "vmdesc / page_size");
  }
  const desc = doc.configuration;
  if (desc === undefined) return;
  if (conf === undefined) {
    report("MISSING_SECTION", "the vmdesc describes a configuration section, the stream has none", vmdescAt, "vmdesc / configuration");
    return;
  }
  // The section's bytes start with the 0x07 type byte; the vmsd's fields follow it.
  const walk = walkSection(desc, conf.bytes, 1, { base: conf.start, path: "configuration" });
  if (walk.end !== conf.bytes.length) {
    report("SIZE_MISMATCH", `the vmdesc's configuration takes ${walk.end - 1} bytes, the section has ${conf.bytes.length - 1}`, conf.start + walk.end, "configuration");
  }
  checkWalkedFields(desc, walk.node, conf.bytes, conf.start, "configuration", report);
}
