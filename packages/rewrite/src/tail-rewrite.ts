import type { ByteInput } from "@vmstate/wire";
import {
  StreamDecoder,
  locateDeviceTail,
  readStreamHead,
  type PositionalInput,
  type StreamInfo,
  type StreamRecord,
} from "@vmstate/stream";
import type { RecordTransform } from "./pipeline.js";
import { TransformedTail } from "./transformed-tail.js";
import { PositionalChunks } from "./positional-chunks.js";

/** A stream in a file: read at positions, or from its start in chunks (a full walk). */
export interface SeekableStream extends PositionalInput {
  /** The whole stream from byte 0; may reuse its buffers (FdReader). */
  chunks(): ByteInput;
}

export interface TailRewriteOptions {
  transforms?: readonly RecordTransform[];
  maxTailBytes: number;
  /** Walk and check every RAM record even when the device state can be found from the end. */
  checkRam?: boolean;
  /** Offsets reached during a full walk (for a progress bar). */
  onProgress?: (offset: number) => Promise<void> | void;
}

/**
 * A rewrite of a file as a change to its end: everything before `start` stays as it is,
 * `[start, end)` becomes `bytes`. `changed` false means `bytes` are the old ones.
 */
export interface TailRewrite {
  start: number;
  end: number;
  bytes: Uint8Array;
  changed: boolean;
  /** How the device state was found: from the end, or by a walk through every record. */
  foundBy: "end" | "walk";
  /** Why a walk was needed, when it was. */
  walkReason?: string;
}

/**
 * Plans the rewrite of a stream held in a file without reading its RAM: the device state is
 * found from the end (@vmstate/stream locateDeviceTail), decoded, transformed, and the new
 * tail returned, before a single byte is written anywhere. When the end does not verify, or
 * `checkRam` asks for it, every record is walked instead (flat memory, as in a pipe), and the
 * result is the same. The transforms see the head (header, configuration, RAM START) and the
 * device tail; RAM PART/END sections are skipped, not decoded.
 */
export async function planTailRewrite(file: SeekableStream, options: TailRewriteOptions): Promise<TailRewrite> {
  const transforms = options.transforms ?? [];
  let walkReason = "--check-ram";
  if (!options.checkRam) {
    const head = await readStreamHead(new PositionalChunks(file));
    if (head.reachedTail) walkReason = "the stream has no RAM to skip";
    else {
      const search = await locateDeviceTail(file, head.info, options.maxTailBytes);
      if ("found" in search) return { ...(await transformTail([...head.records, ...search.found.records], search.found.info, transforms)), foundBy: "end" };
      walkReason = search.notFound;
    }
  }
  let walked = 0;
  const decoder = new StreamDecoder(file.chunks(), {
    maxTailBytes: options.maxTailBytes,
    ramRecords: false,
    // Only to follow progress: the bytes themselves are not needed.
    passThrough: (bytes) => options.onProgress?.((walked += bytes.length)),
  });
  return { ...(await transformTail(decoder.records(), decoder.info, transforms)), foundBy: "walk", walkReason };
}

async function transformTail(
  records: AsyncIterable<StreamRecord> | Iterable<StreamRecord>,
  info: StreamInfo,
  transforms: readonly RecordTransform[],
): Promise<Omit<TailRewrite, "foundBy">> {
  const tail = new TransformedTail(transforms);
  for await (const rec of records) tail.take(rec, info);
  const held = tail.finish(info);
  const bytes = new Uint8Array(held.reduce((n, r) => n + r.bytes.length, 0));
  let p = 0;
  for (const r of held) {
    bytes.set(r.bytes, p);
    p += r.bytes.length;
  }
  return { start: held[0]!.start, end: held[held.length - 1]!.end, bytes, changed: tail.changed };
}
