/**
 * Names KVM gives to ids outside the architectural system-register space: core registers,
 * firmware pseudo-registers, firmware feature bitmaps, and the timer aliases. All facts are
 * from Linux `arch/arm64/include/uapi/asm/kvm.h` (as synced into QEMU
 * `linux-headers/asm-arm64/kvm.h`); see wire-format.md §13.1–13.2.
 */
import { CORE_LAYOUT } from "./regid-format.js";
import { encodeRegId, sysRegId, type RegSize } from "./regid.js";

/** One named id outside the sysreg tables. */
export interface KvmName {
  name: string;
  id: bigint;
  /** Where the name comes from, for reports. */
  note?: string;
}

function core(name: string, offset: number, size: RegSize = "U64"): KvmName {
  return { name, id: encodeRegId({ arch: "arm64", size, group: "core", offset }), note: "KVM_REG_ARM_CORE" };
}

/**
 * `KVM_REG_ARM_CORE` registers, by word offset into `struct kvm_regs`: `regs.regs[0..30]`
 * (X0–X30), `regs.sp`, `regs.pc`, `regs.pstate`, `sp_el1`, `elr_el1`, `spsr[KVM_NR_SPSR]`
 * (indices `KVM_SPSR_EL1/ABT/UND/IRQ/FIQ` = 0–4), `fp_regs.vregs[0..31]` (U128),
 * `fp_regs.fpsr`, `fp_regs.fpcr` (U32). Names that would collide with an AArch64 sysreg of
 * the same spelling (SP_EL1, ELR_EL1, SPSR_*, FPSR, FPCR) carry a `CORE_` prefix.
 */
export const CORE_NAMES: readonly KvmName[] = (() => {
  const out: KvmName[] = [];
  for (let n = 0; n <= 30; n++) out.push(core(`X${n}`, 2 * n));
  out.push(core("SP", 62), core("PC", 64), core("PSTATE", 66), core("CORE_SP_EL1", 68), core("CORE_ELR_EL1", 70));
  ["EL1", "ABT", "UND", "IRQ", "FIQ"].forEach((mode, i) => out.push(core(`CORE_SPSR_${mode}`, 72 + 2 * i)));
  for (let n = 0; n < CORE_LAYOUT.vregCount; n++) out.push(core(`V${n}`, CORE_LAYOUT.vregsOffset + 4 * n, "U128"));
  out.push(core("CORE_FPSR", CORE_LAYOUT.fpsrOffset, "U32"), core("CORE_FPCR", CORE_LAYOUT.fpcrOffset, "U32"));
  return out;
})();

function fw(name: string, number: number): KvmName {
  return { name, id: encodeRegId({ arch: "arm64", size: "U64", group: "fw", number }), note: "KVM_REG_ARM_FW_REG" };
}

function bmap(name: string, number: number): KvmName {
  return {
    name,
    id: encodeRegId({ arch: "arm64", size: "U64", group: "fw-feat-bmap", number }),
    note: "KVM_REG_ARM_FW_FEAT_BMAP_REG",
  };
}

/** `KVM_REG_ARM_FW_REG(0..3)`: PSCI version and the SMCCC workaround registers. */
export const FW_NAMES: readonly KvmName[] = [
  fw("KVM_REG_ARM_PSCI_VERSION", 0),
  fw("KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1", 1),
  fw("KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2", 2),
  fw("KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3", 3),
];

/**
 * `KVM_REG_ARM_FW_FEAT_BMAP_REG(0..3)`. Number 3, `KVM_REG_ARM_VENDOR_HYP_BMAP_2`
 * (0x6030000000160003), came with Linux commit c0000e58c74e; it is the register a newer
 * host kernel adds and an older one rejects (wire-format.md §12.7, §15).
 */
export const FW_FEAT_BMAP_NAMES: readonly KvmName[] = [
  bmap("KVM_REG_ARM_STD_BMAP", 0),
  bmap("KVM_REG_ARM_STD_HYP_BMAP", 1),
  bmap("KVM_REG_ARM_VENDOR_HYP_BMAP", 2),
  bmap("KVM_REG_ARM_VENDOR_HYP_BMAP_2", 3),
];

/**
 * KVM's timer ids. They are sysreg-group ids, so the architectural name stays primary and
 * these are aliases. `KVM_REG_ARM_TIMER_CVAL` and `KVM_REG_ARM_TIMER_CNT` were defined with
 * each other's encodings and the mistake is ABI: under KVM, id (3,3,14,3,2) — architecturally
 * CNTV_CVAL_EL0, which is also what a QEMU TCG list means by it — carries the virtual
 * *count*, and (3,3,14,0,2), architecturally CNTVCT_EL0, carries the compare value.
 */
export const TIMER_ALIASES: readonly KvmName[] = [
  { name: "KVM_REG_ARM_TIMER_CTL", id: sysRegId(3, 3, 14, 3, 1), note: "KVM alias of CNTV_CTL_EL0" },
  {
    name: "KVM_REG_ARM_TIMER_CNT", id: sysRegId(3, 3, 14, 3, 2),
    note: "KVM alias: under KVM this id (CNTV_CVAL_EL0's encoding) carries the virtual count (swapped by ABI accident)",
  },
  {
    name: "KVM_REG_ARM_TIMER_CVAL", id: sysRegId(3, 3, 14, 0, 2),
    note: "KVM alias: under KVM this id (CNTVCT_EL0's encoding) carries the virtual timer compare value (swapped by ABI accident)",
  },
  { name: "KVM_REG_ARM_PTIMER_CTL", id: sysRegId(3, 3, 14, 2, 1), note: "KVM alias of CNTP_CTL_EL0" },
  { name: "KVM_REG_ARM_PTIMER_CVAL", id: sysRegId(3, 3, 14, 2, 2), note: "KVM alias of CNTP_CVAL_EL0" },
  { name: "KVM_REG_ARM_PTIMER_CNT", id: sysRegId(3, 3, 14, 0, 1), note: "KVM alias of CNTPCT_EL0" },
];

/** `KVM_REG_ARM64_SVE_VLS`: the vector-lengths pseudo-register. */
export const SVE_NAMES: readonly KvmName[] = [
  { name: "KVM_REG_ARM64_SVE_VLS", id: encodeRegId({ arch: "arm64", size: "U512", group: "sve", kind: "vls", n: 0, slice: 0 }) },
];
