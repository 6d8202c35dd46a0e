/**
 * The type name QEMU's vmdesc gives field 13, `cpreg_vmstate_array_len`. Up to 10.x it is
 * `int32 le` (the destination refuses a count above its own); QEMU 11.0 allocates the
 * arrays on load and describes it as plain `int32`. The bytes are the same (wire-format.md
 * §12.2), so a stream without a vmdesc does not say which. The `cpu` section itself shows a
 * release of 11.0 or later in two ways (QEMU 11.1 captures and binary; 10.2's
 * `target/arm/machine.c` and `target/arm/cpu.c` for what came before):
 *
 * - it carries `cpu/fpmr`, a subsection no release before 11.0 has;
 * - it carries `cpu/wfxt-timer` for a CPU whose ID_AA64ISAR2_EL1.WFxT says it lacks
 *   FEAT_WFxT: up to 10.2 the timer, and so the subsection, exists only for CPUs that have
 *   it, while 11.1 sends it for every model (cortex-a57 included).
 *
 * Without either sign the section looks the same from 7.2 to 11.1 and we say `int32 le`,
 * the name of every release from 7.2 to 10.x: the wider range, and the one whose
 * destinations check the count.
 */

/** Field 13's type as QEMU 7.2 … 10.x describe it. */
export const CPREG_LEN_TYPE_LE = "int32 le";
/** Field 13's type as QEMU 11.0 and later describe it. */
export const CPREG_LEN_TYPE_11 = "int32";

/** ID_AA64ISAR2_EL1.WFxT, bits [3:0]: 0 when FEAT_WFxT is not implemented (Arm ARM). */
const WFXT_MASK = 0xfn;

/**
 * Field 13's type for a section with these top-level subsections.
 * @param idAa64Isar2 the listed value of ID_AA64ISAR2_EL1, undefined when the list lacks it
 *   (an AArch32 CPU, or an older release's list: the register then reads as zero).
 */
export function cpregLenType(subsections: readonly string[], idAa64Isar2: bigint | undefined): string {
  if (subsections.includes("cpu/fpmr")) return CPREG_LEN_TYPE_11;
  const hasWfxt = ((idAa64Isar2 ?? 0n) & WFXT_MASK) !== 0n;
  if (subsections.includes("cpu/wfxt-timer") && !hasWfxt) return CPREG_LEN_TYPE_11;
  return CPREG_LEN_TYPE_LE;
}
