import type { ByteSink } from "@vmstate/wire";
import { encodeHeader } from "./header.js";
import { encodeLibvirtHeader } from "./libvirt-header.js";
import { encodeConfiguration } from "./configuration.js";
import { encodeFooter, encodeSectionHeader } from "./section-header.js";
import { encodeCommand } from "./command.js";
import { encodeRamRecord } from "./ram-record.js";
import { encodeVmdescFrame } from "./vmdesc-frame.js";
import type { StreamRecord } from "./records.js";

/**
 * Serializes a record from its structured fields. Device payloads and opaque bytes have no
 * structure of their own beyond their bytes (their fields are spans into those bytes), so
 * they are written as they are; a transform that changes a device builds new bytes.
 */
export function encodeRecord(rec: StreamRecord): Uint8Array {
  switch (rec.kind) {
    case "libvirt":
      return encodeLibvirtHeader(rec);
    case "header":
      return encodeHeader(rec);
    case "configuration":
      return encodeConfiguration(rec);
    case "section":
      return encodeSectionHeader(rec);
    case "ram":
      return encodeRamRecord(rec);
    case "footer":
      return encodeFooter(rec);
    case "command":
      return encodeCommand(rec);
    case "eof":
      return Uint8Array.of(0);
    case "vmdesc":
      return encodeVmdescFrame(rec.json);
    case "device":
    case "opaque":
      return rec.bytes;
  }
}

/**
 * Writes records to a sink. By default each record's original bytes go out as they came
 * (byte-identical for an untouched stream, and cheapest); `fromStructure` serializes every
 * record anew instead, which the tests use to prove the structured form is complete.
 */
export class StreamEncoder {
  constructor(
    private readonly sink: ByteSink,
    private readonly fromStructure = false,
  ) {}

  write(rec: StreamRecord): Promise<void> | void {
    return this.sink.write(this.fromStructure ? encodeRecord(rec) : rec.bytes);
  }

  end(): Promise<void> {
    return this.sink.end();
  }
}
