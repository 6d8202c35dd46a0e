import type { ByteInput, ByteSink } from "@vmstate/wire";
import { StreamDecoder, StreamEncoder, type DecodeOptions, type StreamInfo, type StreamRecord } from "@vmstate/stream";

/**
 * A change to a stream, applied record by record. It returns the record to write: the same
 * object when untouched (its original bytes go out), or a new record with new `bytes`.
 */
export interface RecordTransform {
  apply(rec: StreamRecord, info: StreamInfo): StreamRecord;
  /**
   * Called after the last record and before any device state is written; may throw to
   * refuse the result.
   */
  finish(info: StreamInfo): void;
}

export interface RewriteOptions {
  transforms?: RecordTransform[];
  decode?: DecodeOptions;
  /** Called now and then with the input offset reached (for a progress bar). */
  onProgress?: (offset: number) => void;
}

export interface RewriteResult {
  info: StreamInfo;
  bytesIn: number;
  bytesOut: number;
}

/** How many records pass between progress callbacks: often enough to look live, rarely enough to cost nothing. */
const PROGRESS_EVERY = 4096;

/**
 * decode → transforms → encode. RAM records stream through as they are decoded (a live
 * migration keeps flowing); memory is bounded by the decoder's device-tail buffer. The
 * device tail (first FULL section to the end) is already in memory, so its records are held
 * until the transforms' `finish` has accepted the result: a refused rewrite never writes
 * device state, and QEMU will not load what was written. With no transforms the output is
 * the input, byte for byte, after every record has been validated.
 */
export async function rewriteStream(input: ByteInput, sink: ByteSink, options: RewriteOptions = {}): Promise<RewriteResult> {
  const decoder = new StreamDecoder(input, options.decode);
  const encoder = new StreamEncoder(sink);
  const transforms = options.transforms ?? [];
  const held: StreamRecord[] = [];
  let holding = false;
  let bytesOut = 0;
  let count = 0;
  for await (const original of decoder.records()) {
    let rec = original;
    for (const t of transforms) rec = t.apply(rec, decoder.info);
    holding ||= startsTail(rec);
    if (holding) held.push(rec);
    else {
      bytesOut += rec.bytes.length;
      await encoder.write(rec);
    }
    if (options.onProgress && ++count % PROGRESS_EVERY === 0) options.onProgress(decoder.offset);
  }
  for (const t of transforms) t.finish(decoder.info);
  for (const rec of held) {
    bytesOut += rec.bytes.length;
    await encoder.write(rec);
  }
  await encoder.end();
  return { info: decoder.info, bytesIn: decoder.offset, bytesOut };
}

function startsTail(rec: StreamRecord): boolean {
  return (rec.kind === "section" && rec.type === "full") || rec.kind === "eof";
}
