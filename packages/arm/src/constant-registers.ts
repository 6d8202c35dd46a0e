/**
 * Which registers a destination QEMU holds at its own value whatever the stream says: the
 * one definition the load prediction (`@vmstate/destination`) and the rewrite's risk classes
 * (`cpreg-risk.ts`) share.
 */
import { isReadOnlyIdRegister } from "./describe.js";
import { cp32RegId, decodeRegId, sysRegId } from "./regid.js";

/**
 * Registers outside the CRn=0 identification block that read a computed or constant value
 * and ignore writes. Each was seen to fail a TCG load with another value (or, when the
 * stream lacks it, with the 0 the destination writes there):
 * - L2CTLR counts the CPUs (a `-smp 1` stream into `-smp 4`, QEMU 7.2); CBAR is a constant;
 * - RMR: QEMU 11.1's cortex-a57 lists it with value 1, and a stream without it fails there;
 * - the AArch32 debug ID registers DBGDIDR and DBGDEVID (QEMU's definition puts DBGDEVID at
 *   cp14 0, c7, c0, 2): `-cpu max` streams of 10.0/11.1 load into 7.2 only with 7.2's values.
 */
const OTHER_CONSTANTS: ReadonlySet<bigint> = new Set([
  sysRegId(3, 1, 11, 0, 2), // L2CTLR_EL1
  cp32RegId(15, 1, 9, 0, 2), // L2CTLR
  sysRegId(3, 1, 15, 3, 0), // CBAR_EL1
  cp32RegId(15, 4, 15, 0, 0), // CBAR
  sysRegId(3, 0, 12, 0, 2), // RMR_EL1
  cp32RegId(15, 0, 12, 0, 2), // RMR
  cp32RegId(14, 0, 0, 0, 0), // DBGDIDR
  cp32RegId(14, 0, 7, 0, 2), // DBGDEVID
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
 * and a few constant registers outside it (L2CTLR, CBAR, RMR, DBGDIDR, DBGDEVID).
 */
export function isConstantRegister(id: bigint): boolean {
  if (isReadOnlyIdRegister(id) || OTHER_CONSTANTS.has(id)) return true;
  const r = decodeRegId(id);
  if (r.group === "sysreg") return r.op0 === 3 && r.crn === 0 && (r.op1 === 1 || r.op1 === 3);
  if (r.group === "cp32") return r.cp === 15 && r.crn === 0 && r.opc1 === 1;
  return false;
}
