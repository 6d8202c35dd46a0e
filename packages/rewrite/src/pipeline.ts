import type { ByteInput, ByteSink } from "@vmstate/wire";
import { StreamDecoder, StreamEncoder, type DecodeOptions, type StreamInfo, type StreamRecord } from "@vmstate/stream";

/**
 * A change to a stream, applied record by record. It returns the record to write: the same
 * object when untouched (its original bytes go out), or a new record with new `bytes`.
 */
export interface RecordTransform {
  apply(rec: StreamRecord, info: StreamInfo): StreamRecord;
  /** Called after the last record; may throw to refuse the result (nothing is committed). */
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
 * decode → transforms → encode. RAM records stream through as they are decoded; memory is
 * bounded by the decoder's device-tail buffer. With no transforms the output is the input,
 * byte for byte, after every record has been validated.
 */
export async function rewriteStream(input: ByteInput, sink: ByteSink, options: RewriteOptions = {}): Promise<RewriteResult> {
  const decoder = new StreamDecoder(input, options.decode);
  const encoder = new StreamEncoder(sink);
  const transforms = options.transforms ?? [];
  let bytesOut = 0;
  let count = 0;
  for await (const original of decoder.records()) {
    let rec = original;
    for (const t of transforms) rec = t.apply(rec, decoder.info);
    bytesOut += rec.bytes.length;
    await encoder.write(rec);
    if (options.onProgress && ++count % PROGRESS_EVERY === 0) options.onProgress(decoder.offset);
  }
  for (const t of transforms) t.finish(decoder.info);
  await encoder.end();
  return { info: decoder.info, bytesIn: decoder.offset, bytesOut };
}
