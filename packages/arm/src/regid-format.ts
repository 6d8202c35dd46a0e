/**
 * Text forms of a decoded register id that need no name table:
 *
 * - {@link genericRegName}: a compact name built from the fields, used for ids no table
 *   names (`S3_0_C2_C0_3`, `FW_FEAT_BMAP[7]`, `cp15(opc1=0,CRn=1,CRm=0,opc2=0)`), and which
 *   `parseRegisterId` accepts back, so a printed name can always be pasted into `--hide`;
 * - {@link regFieldsText}: every field spelled out, for reports.
 *
 * The `Sop0_op1_Cn_Cm_op2` spelling is the Arm architecture's generic system-register
 * syntax; the SVE forms follow the `KVM_REG_ARM64_SVE_*` macros of Linux
 * `arch/arm64/include/uapi/asm/kvm.h`.
 */
import { DEMUX_ID_CCSIDR, type RegId, type RegSize } from "./regid.js";

/**
 * Offsets (32-bit words into `struct kvm_regs`, Linux `arch/arm64/include/uapi/asm/kvm.h`)
 * of the core registers whose size is not U64: `fp_regs.vregs[32]` (U128) start at word 84
 * after 16-byte alignment, `fpsr` and `fpcr` (U32) follow at 212 and 213.
 */
export const CORE_LAYOUT = { vregsOffset: 84, vregCount: 32, fpsrOffset: 212, fpcrOffset: 213, lastOffset: 213 } as const;

/** The size a register of this group (and core offset) normally has; other sizes get a `/Uxx` suffix. */
export function defaultRegSize(r: Exclude<RegId, { group: "other" }>): RegSize {
  switch (r.group) {
    case "core":
      if (r.offset >= CORE_LAYOUT.vregsOffset && r.offset < CORE_LAYOUT.fpsrOffset) return "U128";
      if (r.offset === CORE_LAYOUT.fpsrOffset || r.offset === CORE_LAYOUT.fpcrOffset) return "U32";
      return "U64";
    case "demux":
    case "cp32":
      return "U32";
    case "sve":
      return r.kind === "z" ? "U2048" : r.kind === "vls" ? "U512" : "U256";
    default:
      return "U64";
  }
}

function hex(v: number, digits: number): string {
  return "0x" + v.toString(16).padStart(digits, "0");
}

/** A name made only of the id's fields; round-trips through `parseRegisterId`. */
export function genericRegName(r: RegId): string {
  if (r.group === "other") {
    const middle = r.middle === 0 ? "" : `,middle=${hex(r.middle, 6)}`;
    return `id(arch=${hex(r.archCode, 2)},size=${r.sizeCode}${middle},coproc=${hex(r.coproc, 3)},low=${hex(r.low, 4)})`;
  }
  const base = genericBase(r);
  return r.size === defaultRegSize(r) ? base : `${base}/${r.size}`;
}

function genericBase(r: Exclude<RegId, { group: "other" }>): string {
  switch (r.group) {
    case "core": return `CORE[${r.offset}]`;
    case "demux": return r.demuxId === DEMUX_ID_CCSIDR ? `CCSIDR[${r.value}]` : `DEMUX[${r.demuxId}][${r.value}]`;
    case "sysreg": return `S${r.op0}_${r.op1}_C${r.crn}_C${r.crm}_${r.op2}`;
    case "fw": return `FW[${r.number}]`;
    case "fw-feat-bmap": return `FW_FEAT_BMAP[${r.number}]`;
    case "sve":
      if (r.kind === "vls") return "KVM_REG_ARM64_SVE_VLS";
      if (r.kind === "ffr") return `KVM_REG_ARM64_SVE_FFR(${r.slice})`;
      return `KVM_REG_ARM64_SVE_${r.kind === "z" ? "ZREG" : "PREG"}(${r.n},${r.slice})`;
    case "cp32": {
      const ns = r.ns === 1 ? "" : ",ns=0";
      return `cp${r.cp}(opc1=${r.opc1},CRn=${r.crn},CRm=${r.crm},opc2=${r.opc2}${ns})`;
    }
    case "cp64": {
      const ns = r.ns === 1 ? "" : ",ns=0";
      return `cp${r.cp}_64(opc1=${r.opc1},CRm=${r.crm}${ns})`;
    }
  }
}

/** Every field spelled out, e.g. `arm64 U64 SYSREG op0=3 op1=0 CRn=2 CRm=0 op2=3`. */
export function regFieldsText(r: RegId): string {
  switch (r.group) {
    case "other": {
      const known = r.archCode === 0x60 ? "arm64" : r.archCode === 0x40 ? "arm" : `arch=${hex(r.archCode, 2)}`;
      return `${known} size=${r.sizeCode} coproc=${hex(r.coproc, 4)} low=${hex(r.low, 4)}` +
        (r.middle === 0 ? "" : ` reserved-bits-51..28=${hex(r.middle, 6)}`) + " (no known layout)";
    }
    case "core": return `arm64 ${r.size} CORE offset=${r.offset} (32-bit words into struct kvm_regs)`;
    case "demux":
      return `arm64 ${r.size} DEMUX id=${r.demuxId}${r.demuxId === DEMUX_ID_CCSIDR ? " (CCSIDR)" : ""} ` +
        `${r.demuxId === DEMUX_ID_CCSIDR ? "CSSELR" : "value"}=${hex(r.value, 2)}`;
    case "sysreg": return `arm64 ${r.size} SYSREG op0=${r.op0} op1=${r.op1} CRn=${r.crn} CRm=${r.crm} op2=${r.op2}`;
    case "fw": return `arm64 ${r.size} FW number=${r.number}`;
    case "fw-feat-bmap": return `arm64 ${r.size} FW_FEAT_BMAP number=${r.number}`;
    case "sve":
      if (r.kind === "vls") return `arm64 ${r.size} SVE VLS`;
      if (r.kind === "ffr") return `arm64 ${r.size} SVE FFR slice=${r.slice}`;
      return `arm64 ${r.size} SVE ${r.kind === "z" ? "Z" : "P"}${r.n} slice=${r.slice}`;
    case "cp32":
      return `arm ${r.size} AArch32 cp${r.cp} ns=${r.ns} opc1=${r.opc1} CRn=${r.crn} CRm=${r.crm} opc2=${r.opc2} (QEMU TCG key)`;
    case "cp64":
      return `arm ${r.size} AArch32 64-bit cp${r.cp} ns=${r.ns} opc1=${r.opc1} CRm=${r.crm} (QEMU TCG key)`;
  }
}
