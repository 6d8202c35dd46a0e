import type { ByteInput, ByteSink } from "@vmstate/wire";
import { StreamDecoder, StreamEncoder, type DecodeOptions, type StreamInfo, type StreamRecord } from "@vmstate/stream";
import { TransformedTail } from "./transformed-tail.js";

/**
 * A change to a stream, applied record by record. It returns the record to write: the same
 * object when untouched (its original bytes go out), or a new record with new `bytes`.
 */
export interface RecordTransform {
  apply(rec: StreamRecord, info: StreamInfo): StreamRecord;
  /**
   * Called after the last record, before `finish`, with the device-tail records as the
   * transforms left them: returns the records to write instead. For a transform that can
   * decide what to change only once it has seen the whole stream (`FitTransform`).
   */
  finishTail?(held: StreamRecord[], info: StreamInfo): StreamRecord[];
  /**
   * Called after the last record and before any device state is written; may throw to
   * refuse the result.
   */
  finish?(info: StreamInfo): void;
}

export interface RewriteOptions {
  transforms?: RecordTransform[];
  decode?: DecodeOptions;
  /** Called as input passes through, with the offset reached (for a progress bar). */
  onProgress?: (offset: number) => void;
}

export interface RewriteResult {
  info: StreamInfo;
  bytesIn: number;
  bytesOut: number;
}

/**
 * decode → transforms → encode. Everything before the device tail (header, configuration,
 * RAM) is decoded and checked, and written out as the very input chunks it came in, at the
 * speed of `cat` and in constant memory; transforms may look at those records but not
 * change them. The device tail (first FULL section to the end) is in memory anyway, so its
 * records are held until the transforms' `finish` has accepted the result: a refused
 * rewrite never writes device state, and QEMU will not load what was written. With no
 * transforms the output is the input, byte for byte.
 */
export async function rewriteStream(input: ByteInput, sink: ByteSink, options: RewriteOptions = {}): Promise<RewriteResult> {
  let bytesOut = 0;
  const passThrough = (bytes: Uint8Array) => {
    bytesOut += bytes.length;
    options.onProgress?.(bytesOut);
    return sink.write(bytes);
  };
  const decoder = new StreamDecoder(input, { ...options.decode, passThrough, ramRecords: false });
  const encoder = new StreamEncoder(sink);
  const tail = new TransformedTail(options.transforms ?? []);
  for await (const original of decoder.records()) tail.take(original, decoder.info);
  for (const rec of tail.finish(decoder.info)) {
    bytesOut += rec.bytes.length;
    await encoder.write(rec);
  }
  await encoder.end();
  return { info: decoder.info, bytesIn: decoder.offset, bytesOut };
}
