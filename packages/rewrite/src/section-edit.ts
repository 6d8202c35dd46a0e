import { encodeVmdescFrame, type DeviceRecord, type StreamInfo, type StreamRecord } from "@vmstate/stream";
import { serializeVmdescBytes, type Vmdesc } from "@vmstate/vmsd";
import { applyByteEdits, type ByteEdit } from "./byte-edits.js";
import type { RecordTransform } from "./pipeline.js";

/**
 * One kind of edit of device sections (the cpreg list, a subsection), with what it must
 * then change in the vmdesc so that the description stays true.
 */
export interface SectionEditor {
  /** Edits of this FULL section's payload, as ranges of `rec.bytes`; none to leave it. */
  editSection(rec: DeviceRecord): readonly ByteEdit[];
  /** Brings the vmdesc in line with the sections edited so far; true when it changed it. */
  editVmdesc(doc: Vmdesc): boolean;
  /** Stream-wide checks once every record is seen (before any device state is written). */
  finish?(info: StreamInfo): void;
}

/**
 * Runs section editors over a stream: each device section gets the edits of every editor,
 * computed against its original field tree and applied in one copy; the vmdesc is
 * re-serialized (with its length word) only when an editor changed it. Everything else
 * passes through untouched, so with no edit the output is the input, byte for byte.
 */
export class SectionEditTransform implements RecordTransform {
  constructor(private readonly editors: readonly SectionEditor[]) {}

  apply(rec: StreamRecord, _info: StreamInfo): StreamRecord {
    if (rec.kind === "device") {
      const edits = this.editors.flatMap((e) => e.editSection(rec));
      if (edits.length === 0) return rec;
      // start/end keep describing the input; bytes are what goes out.
      return { ...rec, bytes: applyByteEdits(rec.bytes, edits), fields: undefined };
    }
    if (rec.kind === "vmdesc") {
      let changed = false;
      for (const e of this.editors) changed = e.editVmdesc(rec.doc) || changed;
      if (!changed) return rec;
      const json = serializeVmdescBytes(rec.doc);
      return { ...rec, json, bytes: encodeVmdescFrame(json) };
    }
    return rec;
  }

  finish(info: StreamInfo): void {
    for (const e of this.editors) e.finish?.(info);
  }
}
