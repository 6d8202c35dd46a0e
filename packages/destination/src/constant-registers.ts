/**
 * Registers a TCG destination keeps at its own value whatever the stream says.
 */
import { cp32RegId, decodeRegId, isReadOnlyIdRegister, sysRegId } from "@vmstate/arm";

/**
 * Registers outside the ID space that read a computed or constant value and ignore writes:
 * two implementation-defined ones of QEMU's Cortex-A models, and RMR (the reset management
 * register: QEMU 11.1's cortex-a57 lists it with value 1, and a stream without it fails the
 * load there, since 0 does not read back).
 */
const OTHER_CONSTANTS: ReadonlySet<bigint> = new Set([
  sysRegId(3, 1, 11, 0, 2), // L2CTLR_EL1
  cp32RegId(15, 1, 9, 0, 2), // L2CTLR
  sysRegId(3, 1, 15, 3, 0), // CBAR_EL1
  cp32RegId(15, 4, 15, 0, 0), // CBAR
  sysRegId(3, 0, 12, 0, 2), // RMR_EL1
  cp32RegId(15, 0, 12, 0, 2), // RMR
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
 * writable) and the registers of {@link OTHER_CONSTANTS}: L2CTLR reports the number of
 * CPUs (a `-smp 1` stream fails to load into `-smp 4`, observed with QEMU 7.2), CBAR is a
 * constant.
 */
export function isConstantOnTcg(id: bigint): boolean {
  if (isReadOnlyIdRegister(id) || OTHER_CONSTANTS.has(id)) return true;
  const r = decodeRegId(id);
  if (r.group === "sysreg") return r.op0 === 3 && r.crn === 0 && (r.op1 === 1 || r.op1 === 3);
  if (r.group === "cp32") return r.cp === 15 && r.crn === 0 && r.opc1 === 1;
  return false;
}
