import { MalformedError, UnsupportedError, VmstateError } from "@vmstate/wire";
import { ARM_CPU_IDSTR, ARM_CPU_VERSION, CPREG_FIELDS, CpregListError, readCpregArrays, setCpregArrayLens, type CpregArrays } from "@vmstate/arm";
import type { DeviceRecord } from "@vmstate/stream";
import type { Vmdesc } from "@vmstate/vmsd";
import type { ByteEdit } from "./byte-edits.js";
import { cpregArraysEdit } from "./cpreg-splice.js";
import type { SectionEditor } from "./section-edit.js";

/** The new arrays one vCPU should carry, or undefined to leave its section untouched. */
export type CpregEditor = (vcpu: number, list: CpregArrays) => { indexes: readonly bigint[]; values: readonly bigint[] } | undefined;

/**
 * Applies a per-vCPU cpreg edit to every Arm `cpu` section and keeps the vmdesc true: for
 * each vCPU whose count changed, the described `array_len` of both arrays follows it. What
 * to change is the editor callback's business (a rewrite plan, or a test tool inserting
 * registers): this class only knows where the bytes are.
 */
export class CpregSectionEditor implements SectionEditor {
  /** vCPU instance id → new count, for the vmdesc. */
  private readonly edited = new Map<number, number>();
  /** How many Arm cpu sections with a register list the stream had. */
  armCpus = 0;

  constructor(private readonly editor: CpregEditor) {}

  editSection(rec: DeviceRecord): readonly ByteEdit[] {
    // Another target's `cpu` (x86 uses the same name) is none of our business.
    if (rec.idstr !== ARM_CPU_IDSTR || rec.version !== ARM_CPU_VERSION) return [];
    if (!rec.fields) {
      throw new UnsupportedError(`cannot find the register list of this cpu section: it could not be decoded (delimited by ${rec.delimitedBy})`, {
        offset: rec.start,
        path: `cpu (${rec.instanceId})`,
      });
    }
    const arrays = readCpregArrays(rec.bytes, rec.fields, rec.start);
    if (!arrays) return [];
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
    if (!next) return [];
    this.edited.set(rec.instanceId, next.indexes.length);
    return [cpregArraysEdit(arrays, next.indexes, next.values)];
  }

  editVmdesc(doc: Vmdesc): boolean {
    let changed = false;
    for (const [vcpu, n] of this.edited) {
      try {
        changed = setCpregArrayLens(doc, vcpu, n) || changed;
      } catch (e) {
        throw e instanceof VmstateError ? e.within(`vmdesc / cpu (${vcpu})`) : e;
      }
    }
    return changed;
  }
}
