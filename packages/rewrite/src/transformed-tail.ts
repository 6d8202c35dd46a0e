import { startsDeviceTail, type StreamInfo, type StreamRecord } from "@vmstate/stream";
import type { RecordTransform } from "./pipeline.js";

/**
 * The transforms applied to a stream's records in order, with the device tail (first FULL
 * section to the end) held back until every transform has accepted the result. Records
 * before the tail are already out (streamed, or left where they are in a file), so a
 * transform that changes one is a bug, said at once.
 */
export class TransformedTail {
  private readonly held: StreamRecord[] = [];
  private inTail = false;
  /** Whether a transform replaced a tail record (false: the output is the input). */
  changed = false;

  constructor(private readonly transforms: readonly RecordTransform[]) {}

  take(original: StreamRecord, info: StreamInfo): void {
    let rec = original;
    for (const t of this.transforms) rec = t.apply(rec, info);
    this.inTail ||= startsDeviceTail(rec);
    if (this.inTail) {
      this.held.push(rec);
      this.changed ||= rec !== original;
    } else if (rec !== original) {
      throw new Error(`a transform changed a ${rec.kind} record before the device state; only device state can be rewritten`);
    }
  }

  /**
   * Lets each transform replace the tail now that the whole stream is known (`finishTail`),
   * runs each `finish` (which may throw to refuse), then gives the tail to write.
   */
  finish(info: StreamInfo): StreamRecord[] {
    let held = this.held;
    for (const t of this.transforms) {
      if (!t.finishTail) continue;
      const next = t.finishTail(held, info);
      this.changed ||= next.length !== held.length || next.some((r, i) => r !== held[i]);
      held = next;
    }
    for (const t of this.transforms) t.finish?.(info);
    return held;
  }
}
