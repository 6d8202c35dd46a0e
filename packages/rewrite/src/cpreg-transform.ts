import { MalformedError, UnsupportedError, VmstateError } from "@vmstate/wire";
import { ARM_CPU_IDSTR, ARM_CPU_VERSION, CPREG_FIELDS, CpregListError, readCpregArrays, setCpregArrayLens, type CpregArrays } from "@vmstate/arm";
import { encodeVmdescFrame, type DeviceRecord, type StreamInfo, type StreamRecord, type VmdescRecord } from "@vmstate/stream";
import { serializeVmdescBytes } from "@vmstate/vmsd";
import { spliceCpregs } from "./cpreg-splice.js";
import type { RecordTransform } from "./pipeline.js";

/** The new arrays one vCPU should carry, or undefined to leave its section untouched. */
export type CpregEditor = (vcpu: number, list: CpregArrays) => { indexes: readonly bigint[]; values: readonly bigint[] } | undefined;

/**
 * Applies a per-vCPU cpreg edit to every Arm `cpu` section of a stream and keeps the
 * vmdesc true: for each edited vCPU the described `array_len` of both arrays follows the new
 * count, and the vmdesc is re-serialized with its length word. Everything else is passed
 * through untouched. What to change is the editor's business (hide/set, or a test tool
 * inserting registers): this class only knows where the bytes are.
 */
export class CpregTransform implements RecordTransform {
  /** vCPU instance id → new count, for the vmdesc. */
  private readonly edited = new Map<number, number>();
  /** How many Arm cpu sections with a register list the stream had. */
  armCpus = 0;

  constructor(private readonly editor: CpregEditor) {}

  apply(rec: StreamRecord, _info: StreamInfo): StreamRecord {
    if (rec.kind === "device" && rec.idstr === ARM_CPU_IDSTR) return this.editCpu(rec);
    if (rec.kind === "vmdesc" && this.edited.size > 0) return this.editVmdesc(rec);
    return rec;
  }

  private editCpu(rec: DeviceRecord): StreamRecord {
    // Another target's `cpu` (x86 uses the same name) is none of our business.
    if (rec.version !== ARM_CPU_VERSION) return rec;
    if (!rec.fields) {
      throw new UnsupportedError(`cannot find the register list of this cpu section: it could not be decoded (delimited by ${rec.delimitedBy})`, {
        offset: rec.start,
        path: `cpu (${rec.instanceId})`,
      });
    }
    const arrays = readCpregArrays(rec.bytes, rec.fields, rec.start);
    if (!arrays) return rec;
    this.armCpus++;
    let next: ReturnType<CpregEditor>;
    try {
      next = this.editor(rec.instanceId, arrays);
    } catch (e) {
      // The list itself breaks the rules QEMU's post_load relies on (unsorted, mismatched).
      if (e instanceof CpregListError) {
        throw new MalformedError("MALFORMED", e.message, { offset: rec.start + arrays.lenStart, path: `cpu (${rec.instanceId}) / ${CPREG_FIELDS.INDEXES}` });
      }
      throw e;
    }
    if (!next) return rec;
    this.edited.set(rec.instanceId, next.indexes.length);
    const bytes = spliceCpregs(rec.bytes, arrays, next.indexes, next.values);
    // start/end keep describing the input; bytes are what goes out.
    return { ...rec, bytes, fields: undefined };
  }

  private editVmdesc(rec: VmdescRecord): VmdescRecord {
    for (const [vcpu, n] of this.edited) {
      try {
        setCpregArrayLens(rec.doc, vcpu, n);
      } catch (e) {
        throw e instanceof VmstateError ? e.within(`vmdesc / cpu (${vcpu})`) : e;
      }
    }
    const json = serializeVmdescBytes(rec.doc);
    const bytes = encodeVmdescFrame(json);
    return { ...rec, json, bytes };
  }
}
