import type { ByteInput } from "@vmstate/wire";
import { StreamDecoder, startsDeviceTail, type DecodeOptions, type StreamInfo } from "./decoder.js";
import type { StreamRecord } from "./records.js";

/** The beginning of a stream, decoded: what a tail found from the end needs to be read. */
export interface StreamHead {
  /** The records before the first RAM PART or END (header, configuration, RAM START…). */
  records: StreamRecord[];
  /** What they taught: machine, capabilities, footer mode, page size, the RAM section's id. */
  info: StreamInfo;
  /**
   * True when the decoder reached the device tail itself (a stream with no RAM PART/END):
   * then there is nothing to skip, and a full walk costs no more than the head did.
   */
  reachedTail: boolean;
}

/**
 * Decodes a stream from its start up to the first RAM PART or END section header and stops:
 * a few hundred bytes on real streams (header, configuration, the RAM START with its block
 * list). The records are copied, since the input may reuse its buffers.
 */
export async function readStreamHead(input: ByteInput, options: DecodeOptions = {}): Promise<StreamHead> {
  const decoder = new StreamDecoder(input, { ...options, ramRecords: false });
  const records: StreamRecord[] = [];
  for await (const rec of decoder.records()) {
    if (startsDeviceTail(rec)) return { records, info: decoder.info, reachedTail: true };
    if (rec.kind === "section" && (rec.type === "part" || rec.type === "end")) break;
    records.push({ ...rec, bytes: rec.bytes.slice() } as StreamRecord);
  }
  return { records, info: decoder.info, reachedTail: false };
}
