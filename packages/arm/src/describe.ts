/**
 * One-call description of a register id for reports: printable id, name, fields, aliases,
 * and whether it lies in the read-only ID register space.
 */
import { namesOfRegister, registerName, twinRegister } from "./names.js";
import { regFieldsText } from "./regid-format.js";
import { decodeRegId, formatRegId, type RegId } from "./regid.js";

/** What a report prints about one register. */
export interface RegisterDescription {
  /** `0x` + 16 hex digits. */
  id: string;
  /** Primary table name, or the generic field form for ids no table names. */
  name: string;
  /** Every decoded field, e.g. `arm64 U64 SYSREG op0=3 op1=0 CRn=2 CRm=0 op2=3`. */
  fields: string;
  /** See {@link isReadOnlyIdRegister}. */
  readOnlyId: boolean;
  /** Other names of the same id, with their notes (e.g. the KVM timer aliases). */
  aliases: string[];
  /** The same-named register of the other execution state (`ID_DFR0_EL1` → `ID_DFR0`), if any. */
  twin?: { id: string; name: string };
}

/**
 * True for the read-only ID register space: AArch64 op0=3, op1=0, CRn=0 (MIDR_EL1,
 * MPIDR_EL1, ID_*_EL1, ...) and its AArch32 twin cp15 opc1=0 CRn=0 (MIDR, ID_DFR0, ...).
 * On TCG, QEMU's `write_list_to_cpustate` writes such a value and reads it back, so a
 * stream value that differs from the destination CPU's fails the load (wire-format.md
 * §12.5, observed with ID_DFR0 between QEMU 10.0 and 7.2); under KVM the kernel decides
 * which ID register values it accepts.
 */
export function isReadOnlyIdRegister(reg: bigint | RegId): boolean {
  const r = typeof reg === "bigint" ? decodeRegId(reg) : reg;
  if (r.group === "sysreg") return r.op0 === 3 && r.op1 === 0 && r.crn === 0;
  if (r.group === "cp32") return r.cp === 15 && r.opc1 === 0 && r.crn === 0;
  return false;
}

/**
 * Describe `id` for a person: `describeRegister(0x6030000000160003n).name` is
 * `"KVM_REG_ARM_VENDOR_HYP_BMAP_2"`; an unnamed sysreg prints as `S3_0_C2_C0_3`.
 */
export function describeRegister(id: bigint): RegisterDescription {
  const decoded = decodeRegId(id);
  const aliases = namesOfRegister(id)
    .slice(1)
    .map((a) => (a.note === undefined ? a.name : `${a.name} (${a.note})`));
  const twin = twinRegister(id);
  return {
    id: formatRegId(id),
    name: registerName(id),
    fields: regFieldsText(decoded),
    readOnlyId: isReadOnlyIdRegister(decoded),
    aliases,
    ...(twin === undefined ? {} : { twin: { id: formatRegId(twin.id), name: twin.name } }),
  };
}
