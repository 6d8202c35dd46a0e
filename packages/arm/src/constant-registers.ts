/**
 * Which registers a destination QEMU holds at its own value whatever the stream says: the
 * one definition the load prediction (`@vmstate/inspect`) and the rewrite's risk classes
 * (`cpreg-risk.ts`) share.
 */
import { isReadOnlyIdRegister } from "./describe.js";
import { cp32RegId, decodeRegId, sysRegId } from "./regid.js";

/** Implementation-defined registers that read a computed or constant value and ignore writes. */
const IMPDEF_CONSTANT: ReadonlySet<bigint> = new Set([
  sysRegId(3, 1, 11, 0, 2), // L2CTLR_EL1
  cp32RegId(15, 1, 9, 0, 2), // L2CTLR
  sysRegId(3, 1, 15, 3, 0), // CBAR_EL1
  cp32RegId(15, 4, 15, 0, 0), // CBAR
]);

/**
 * True when a destination keeps its own value of `id` whatever the stream says, so a
 * different incoming value fails a TCG load. QEMU's `write_list_to_cpustate`
 * (`target/arm/helper.c`) writes each incoming value raw and reads it back; a constant
 * register (`ARM_CP_CONST`) ignores the write and a register with a computed read and an
 * ignoring write does the same, so a value that differs from the destination CPU's own
 * fails `cpu_post_load` (wire-format.md §12.5). Under KVM the kernel decides.
 *
 * The read-only ID space of {@link isReadOnlyIdRegister} (op0=3, op1=0, CRn=0) is the known
 * case; this adds the rest of the CRn=0 identification block that is read-only (op1=1:
 * CCSIDR, CLIDR, CCSIDR2, AIDR; op1=3: CTR, DCZID; not op1=2, CSSELR, which is writable)
 * and two implementation-defined registers of QEMU's Cortex-A models: L2CTLR (reports the
 * number of CPUs: a `-smp 1` stream fails to load into `-smp 4`, observed with QEMU 7.2)
 * and CBAR (a constant).
 */
export function isConstantRegister(id: bigint): boolean {
  if (isReadOnlyIdRegister(id) || IMPDEF_CONSTANT.has(id)) return true;
  const r = decodeRegId(id);
  if (r.group === "sysreg") return r.op0 === 3 && r.crn === 0 && (r.op1 === 1 || r.op1 === 3);
  if (r.group === "cp32") return r.cp === 15 && r.crn === 0 && r.opc1 === 1;
  return false;
}
