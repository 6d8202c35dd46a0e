/**
 * The Arm `cpu` register-list checks of a load, in QEMU's order (`target/arm/machine.c`,
 * wire-format.md §12.2 field 13, §12.5):
 *
 * 1. field 13, `cpreg_vmstate_array_len`, is `int32 le`: a source list longer than the
 *    destination's own fails at once (`Failed to load cpu:cpreg_vmstate_array_len`);
 * 2. `cpu_post_load` walks both sorted lists: an id only the source has fails the load
 *    (-1, printed as "Operation not permitted"); ids only the destination has keep their
 *    reset values;
 * 3. TCG writes each value and reads it back (`write_list_to_cpustate`): a read-only ID
 *    register (op0=3, op1=0, CRn=0, and the AArch32 twins) or another constant register
 *    (`constant-registers.ts`) with another value fails the same way. Under KVM the kernel
 *    decides, so that is only "possible".
 *
 * The destination list comes from its own stream (same instance id) or from a file of ids
 * (then values are unknown, and step 3 cannot be checked).
 */
import { ARM_CPU_VERSION, CPREG_FIELDS, cp32RegId, decodeRegId, isReadOnlyIdRegister, sysRegId } from "@vmstate/arm";
import { compareRegisterSets, type RegisterSet, type RegisterSetComparison } from "./cpreg-compare.js";
import { hex64 } from "@vmstate/wire";
import { guessAccelerator } from "./cpregs.js";
import type { LoadProblemList } from "./load-problems.js";
import { QEMU_FAILURES } from "./qemu-wording.js";
import { sectionKey, type DeviceState } from "./stream-state.js";

/** What the checks found for one vCPU, kept for building the fix. */
export interface CpuCheck {
  instanceId: number;
  comparison: RegisterSetComparison;
  /** Read-only (ID and other constant) registers whose values differ; empty without destination values. */
  idChanges: RegisterSetComparison["changed"];
}

/**
 * Checks one source `cpu` section against the destination's list for that vCPU. Field 13
 * is checked while fields load, post_load after the subsections: the problems go to
 * `fields` and `postLoad` so the caller can keep QEMU's order.
 */
export function checkCpregs(src: DeviceState, dest: RegisterSet, fields: LoadProblemList, postLoad: LoadProblemList = fields): CpuCheck {
  const list = src.cpregs!;
  const key = sectionKey(src);
  const site = { idstr: src.idstr, instanceId: src.instanceId };
  const vmsd = src.desc?.vmsd_name ?? src.idstr;
  // cpu_post_load returns -1; QEMU 10.2 names the local vmsd's version_id and
  // minimum_version_id, both ARM_CPU_VERSION in every release since 7.2.
  const postLoadFailed = QEMU_FAILURES.postLoad(site, vmsd, ARM_CPU_VERSION, ARM_CPU_VERSION);
  const comparison = compareRegisterSets(list, dest);
  if (comparison.countA > comparison.countB) {
    fields.add({
      kind: "cpreg-count", severity: "fatal", section: key,
      message: `the source lists ${comparison.countA} registers, the destination at most ${comparison.countB}: field 13 (cpreg_vmstate_array_len) is checked before anything else`,
      // Field 13 is an `int32 le` (wire-format.md §12.2).
      failure: QEMU_FAILURES.fieldLe(site, { vmsd, field: CPREG_FIELDS.LEN, leaf: CPREG_FIELDS.LEN, type: "int32 le" }, comparison.countA, comparison.countB),
    });
  }
  if (comparison.onlyA.length > 0) {
    postLoad.add({
      kind: "cpreg-unknown-ids", severity: "fatal", section: key,
      message: `${comparison.onlyA.length} register(s) in the source are unknown to the destination: cpu_post_load fails on the first one`,
      ids: comparison.onlyA.map((r) => hex64(r.id)),
      failure: postLoadFailed,
    });
  }
  const idChanges = comparison.changed.filter((c) => isConstantOnTcg(c.id));
  if (idChanges.length > 0) {
    const accel = guessAccelerator(dest.values !== undefined ? dest.indexes : list.indexes);
    const tcg = accel === "tcg";
    postLoad.add({
      kind: "cpreg-id-values", severity: tcg ? "fatal" : "possible", section: key,
      message: `${idChanges.length} read-only register(s) (ID registers and other constants) differ from the destination's: ` +
        (tcg
          ? "TCG writes each value and reads it back, and such a register reads back the destination CPU's own value, so cpu_post_load fails"
          : "under KVM the host kernel decides whether it accepts another ID register value"),
      ids: idChanges.map((c) => hex64(c.id)),
      failure: postLoadFailed,
    });
  }
  return { instanceId: src.instanceId, comparison, idChanges };
}

/** Implementation-defined registers that read a computed or constant value and ignore writes. */
const IMPDEF_CONSTANT: ReadonlySet<bigint> = new Set([
  sysRegId(3, 1, 11, 0, 2), // L2CTLR_EL1
  cp32RegId(15, 1, 9, 0, 2), // L2CTLR
  sysRegId(3, 1, 15, 3, 0), // CBAR_EL1
  cp32RegId(15, 4, 15, 0, 0), // CBAR
]);

/**
 * True when a TCG destination keeps its own value of `id` whatever the stream says, so a
 * different incoming value fails the load. QEMU's
 * `write_list_to_cpustate` (`target/arm/helper.c`) writes each incoming value raw and reads
 * it back; a constant register (`ARM_CP_CONST`) ignores the write and a register with a
 * computed read and an ignoring write does the same, so a value that differs from the
 * destination CPU's own fails `cpu_post_load` (wire-format.md §12.5).
 *
 * The read-only ID space of `@vmstate/arm`'s `isReadOnlyIdRegister` (op0=3, op1=0, CRn=0)
 * is the known case; this adds the rest of the CRn=0 identification block that is read-only
 * (op1=1: CCSIDR, CLIDR, CCSIDR2, AIDR; op1=3: CTR, DCZID; not op1=2, CSSELR, which is
 * writable) and two implementation-defined registers of QEMU's Cortex-A models:
 * L2CTLR (reports the number of CPUs: a `-smp 1` stream fails to load into `-smp 4`,
 * observed with QEMU 7.2) and CBAR (a constant).
 */
export function isConstantOnTcg(id: bigint): boolean {
  if (isReadOnlyIdRegister(id) || IMPDEF_CONSTANT.has(id)) return true;
  const r = decodeRegId(id);
  if (r.group === "sysreg") return r.op0 === 3 && r.crn === 0 && (r.op1 === 1 || r.op1 === 3);
  if (r.group === "cp32") return r.cp === 15 && r.crn === 0 && r.opc1 === 1;
  return false;
}
