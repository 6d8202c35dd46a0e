/**
 * AArch64 system registers that Linux `arch/arm64/tools/sysreg` does not (yet) describe but
 * that appear in KVM and QEMU TCG cpreg lists: the long-standing EL0/EL1/EL2/EL3 registers,
 * the numbered debug, PMU, GIC and timer registers, and the Cortex-A57/A53/A72
 * implementation-defined registers QEMU models. Encodings are the architectural ones (Arm
 * ARM, as also spelled in Linux `arch/arm64/include/asm/sysreg.h` `SYS_*` and QEMU's
 * ARMCPRegInfo tables), cross-checked with wire-format.md §13.4.
 *
 * Where two names share one encoding the first listed is primary (`DBGDTRTX_EL0`, as QEMU
 * and wire-format.md §13.4 name it, before `DBGDTRRX_EL0`).
 */

/** `name op0 op1 CRn CRm op2`, one per line. */
const FIXED = `
MIDR_EL1 3 0 0 0 0
MPIDR_EL1 3 0 0 0 5
REVIDR_EL1 3 0 0 0 6
AIDR_EL1 3 1 0 0 7
VPIDR_EL2 3 4 0 0 0
VMPIDR_EL2 3 4 0 0 5
MDRAR_EL1 2 0 1 0 0
OSLSR_EL1 2 0 1 1 4
OSDLR_EL1 2 0 1 3 4
DBGPRCR_EL1 2 0 1 4 4
DBGCLAIMSET_EL1 2 0 7 8 6
DBGCLAIMCLR_EL1 2 0 7 9 6
DBGAUTHSTATUS_EL1 2 0 7 14 6
MDCCSR_EL0 2 3 0 1 0
DBGDTR_EL0 2 3 0 4 0
DBGDTRTX_EL0 2 3 0 5 0
DBGDTRRX_EL0 2 3 0 5 0
DBGVCR32_EL2 2 4 0 7 0
RGSR_EL1 3 0 1 0 5
GCR_EL1 3 0 1 0 6
APIAKEYLO_EL1 3 0 2 1 0
APIAKEYHI_EL1 3 0 2 1 1
APIBKEYLO_EL1 3 0 2 1 2
APIBKEYHI_EL1 3 0 2 1 3
APDAKEYLO_EL1 3 0 2 2 0
APDAKEYHI_EL1 3 0 2 2 1
APDBKEYLO_EL1 3 0 2 2 2
APDBKEYHI_EL1 3 0 2 2 3
APGAKEYLO_EL1 3 0 2 3 0
APGAKEYHI_EL1 3 0 2 3 1
ELR_EL1 3 0 4 0 1
SP_EL0 3 0 4 1 0
SPSel 3 0 4 2 0
CurrentEL 3 0 4 2 2
PAN 3 0 4 2 3
UAO 3 0 4 2 4
ICC_PMR_EL1 3 0 4 6 0
AFSR0_EL1 3 0 5 1 0
AFSR1_EL1 3 0 5 1 1
ESR_EL1 3 0 5 2 0
ERRIDR_EL1 3 0 5 3 0
ERRSELR_EL1 3 0 5 3 1
ERXFR_EL1 3 0 5 4 0
ERXCTLR_EL1 3 0 5 4 1
ERXSTATUS_EL1 3 0 5 4 2
ERXADDR_EL1 3 0 5 4 3
ERXPFGF_EL1 3 0 5 4 4
ERXPFGCTL_EL1 3 0 5 4 5
ERXPFGCDN_EL1 3 0 5 4 6
ERXMISC0_EL1 3 0 5 5 0
ERXMISC1_EL1 3 0 5 5 1
ERXMISC2_EL1 3 0 5 5 2
ERXMISC3_EL1 3 0 5 5 3
TFSR_EL1 3 0 5 6 0
TFSRE0_EL1 3 0 5 6 1
PAR_EL1 3 0 7 4 0
PMINTENSET_EL1 3 0 9 14 1
PMINTENCLR_EL1 3 0 9 14 2
PMMIR_EL1 3 0 9 14 6
MAIR_EL1 3 0 10 2 0
AMAIR_EL1 3 0 10 3 0
VBAR_EL1 3 0 12 0 0
RVBAR_EL1 3 0 12 0 1
RMR_EL1 3 0 12 0 2
DISR_EL1 3 0 12 1 1
ICC_IAR0_EL1 3 0 12 8 0
ICC_EOIR0_EL1 3 0 12 8 1
ICC_HPPIR0_EL1 3 0 12 8 2
ICC_BPR0_EL1 3 0 12 8 3
ICC_DIR_EL1 3 0 12 11 1
ICC_RPR_EL1 3 0 12 11 3
ICC_SGI1R_EL1 3 0 12 11 5
ICC_ASGI1R_EL1 3 0 12 11 6
ICC_SGI0R_EL1 3 0 12 11 7
ICC_IAR1_EL1 3 0 12 12 0
ICC_EOIR1_EL1 3 0 12 12 1
ICC_HPPIR1_EL1 3 0 12 12 2
ICC_BPR1_EL1 3 0 12 12 3
ICC_CTLR_EL1 3 0 12 12 4
ICC_SRE_EL1 3 0 12 12 5
ICC_IGRPEN0_EL1 3 0 12 12 6
ICC_IGRPEN1_EL1 3 0 12 12 7
ACCDATA_EL1 3 0 13 0 5
CNTKCTL_EL1 3 0 14 1 0
L2CTLR_EL1 3 1 11 0 2
L2ECTLR_EL1 3 1 11 0 3
L2ACTLR_EL1 3 1 15 0 0
CPUACTLR_EL1 3 1 15 2 0
CPUECTLR_EL1 3 1 15 2 1
CPUMERRSR_EL1 3 1 15 2 2
L2MERRSR_EL1 3 1 15 2 3
CBAR_EL1 3 1 15 3 0
RNDR 3 3 2 4 0
RNDRRS 3 3 2 4 1
NZCV 3 3 4 2 0
DAIF 3 3 4 2 1
DIT 3 3 4 2 5
SSBS 3 3 4 2 6
TCO 3 3 4 2 7
DSPSR_EL0 3 3 4 5 0
DLR_EL0 3 3 4 5 1
PMCR_EL0 3 3 9 12 0
PMCNTENSET_EL0 3 3 9 12 1
PMCNTENCLR_EL0 3 3 9 12 2
PMOVSCLR_EL0 3 3 9 12 3
PMSWINC_EL0 3 3 9 12 4
PMCEID0_EL0 3 3 9 12 6
PMCEID1_EL0 3 3 9 12 7
PMCCNTR_EL0 3 3 9 13 0
PMXEVTYPER_EL0 3 3 9 13 1
PMXEVCNTR_EL0 3 3 9 13 2
PMUSERENR_EL0 3 3 9 14 0
PMOVSSET_EL0 3 3 9 14 3
TPIDR_EL0 3 3 13 0 2
TPIDRRO_EL0 3 3 13 0 3
TPIDR2_EL0 3 3 13 0 5
SCXTNUM_EL0 3 3 13 0 7
AMCR_EL0 3 3 13 2 0
AMCFGR_EL0 3 3 13 2 1
AMCGCR_EL0 3 3 13 2 2
AMUSERENR_EL0 3 3 13 2 3
AMCNTENCLR0_EL0 3 3 13 2 4
AMCNTENSET0_EL0 3 3 13 2 5
AMCNTENCLR1_EL0 3 3 13 3 0
AMCNTENSET1_EL0 3 3 13 3 1
CNTFRQ_EL0 3 3 14 0 0
CNTPCT_EL0 3 3 14 0 1
CNTVCT_EL0 3 3 14 0 2
CNTPCTSS_EL0 3 3 14 0 5
CNTVCTSS_EL0 3 3 14 0 6
CNTP_TVAL_EL0 3 3 14 2 0
CNTP_CTL_EL0 3 3 14 2 1
CNTP_CVAL_EL0 3 3 14 2 2
CNTV_TVAL_EL0 3 3 14 3 0
CNTV_CTL_EL0 3 3 14 3 1
CNTV_CVAL_EL0 3 3 14 3 2
PMCCFILTR_EL0 3 3 14 15 7
ACTLR_EL2 3 4 1 0 1
CPTR_EL2 3 4 1 1 2
HSTR_EL2 3 4 1 1 3
HACR_EL2 3 4 1 1 7
TTBR0_EL2 3 4 2 0 0
TTBR1_EL2 3 4 2 0 1
TCR_EL2 3 4 2 0 2
VTTBR_EL2 3 4 2 1 0
VSTTBR_EL2 3 4 2 6 0
VSTCR_EL2 3 4 2 6 2
ELR_EL2 3 4 4 0 1
SP_EL1 3 4 4 1 0
SPSR_irq 3 4 4 3 0
SPSR_abt 3 4 4 3 1
SPSR_und 3 4 4 3 2
SPSR_fiq 3 4 4 3 3
IFSR32_EL2 3 4 5 0 1
AFSR0_EL2 3 4 5 1 0
AFSR1_EL2 3 4 5 1 1
ESR_EL2 3 4 5 2 0
VSESR_EL2 3 4 5 2 3
FPEXC32_EL2 3 4 5 3 0
TFSR_EL2 3 4 5 6 0
MAIR_EL2 3 4 10 2 0
AMAIR_EL2 3 4 10 3 0
VBAR_EL2 3 4 12 0 0
RVBAR_EL2 3 4 12 0 1
RMR_EL2 3 4 12 0 2
VDISR_EL2 3 4 12 1 1
ICC_SRE_EL2 3 4 12 9 5
ICH_EISR_EL2 3 4 12 11 3
ICH_ELRSR_EL2 3 4 12 11 5
TPIDR_EL2 3 4 13 0 2
SCXTNUM_EL2 3 4 13 0 7
CNTVOFF_EL2 3 4 14 0 3
CNTHCTL_EL2 3 4 14 1 0
CNTHP_TVAL_EL2 3 4 14 2 0
CNTHP_CTL_EL2 3 4 14 2 1
CNTHP_CVAL_EL2 3 4 14 2 2
CNTHV_TVAL_EL2 3 4 14 3 0
CNTHV_CTL_EL2 3 4 14 3 1
CNTHV_CVAL_EL2 3 4 14 3 2
TTBR0_EL12 3 5 2 0 0
TTBR1_EL12 3 5 2 0 1
ELR_EL12 3 5 4 0 1
AFSR0_EL12 3 5 5 1 0
AFSR1_EL12 3 5 5 1 1
ESR_EL12 3 5 5 2 0
TFSR_EL12 3 5 5 6 0
MAIR_EL12 3 5 10 2 0
AMAIR_EL12 3 5 10 3 0
VBAR_EL12 3 5 12 0 0
SCXTNUM_EL12 3 5 13 0 7
CNTKCTL_EL12 3 5 14 1 0
CNTP_TVAL_EL02 3 5 14 2 0
CNTP_CTL_EL02 3 5 14 2 1
CNTP_CVAL_EL02 3 5 14 2 2
CNTV_TVAL_EL02 3 5 14 3 0
CNTV_CTL_EL02 3 5 14 3 1
CNTV_CVAL_EL02 3 5 14 3 2
SCTLR_EL3 3 6 1 0 0
ACTLR_EL3 3 6 1 0 1
SCR_EL3 3 6 1 1 0
SDER32_EL3 3 6 1 1 1
CPTR_EL3 3 6 1 1 2
MDCR_EL3 3 6 1 3 1
TTBR0_EL3 3 6 2 0 0
TCR_EL3 3 6 2 0 2
SPSR_EL3 3 6 4 0 0
ELR_EL3 3 6 4 0 1
SP_EL2 3 6 4 1 0
AFSR0_EL3 3 6 5 1 0
AFSR1_EL3 3 6 5 1 1
ESR_EL3 3 6 5 2 0
FAR_EL3 3 6 6 0 0
MAIR_EL3 3 6 10 2 0
AMAIR_EL3 3 6 10 3 0
VBAR_EL3 3 6 12 0 0
RVBAR_EL3 3 6 12 0 1
RMR_EL3 3 6 12 0 2
ICC_CTLR_EL3 3 6 12 12 4
ICC_SRE_EL3 3 6 12 12 5
ICC_IGRPEN1_EL3 3 6 12 12 7
TPIDR_EL3 3 6 13 0 2
CNTPS_TVAL_EL1 3 7 14 2 0
CNTPS_CTL_EL1 3 7 14 2 1
CNTPS_CVAL_EL1 3 7 14 2 2
`;

type Row = readonly [name: string, op0: number, op1: number, crn: number, crm: number, op2: number];

function numbered(): Row[] {
  const out: Row[] = [];
  // Breakpoint/watchpoint value and control registers, n = 0..15 (2, 0, 0, n, 4..7).
  for (let n = 0; n < 16; n++) {
    out.push([`DBGBVR${n}_EL1`, 2, 0, 0, n, 4], [`DBGBCR${n}_EL1`, 2, 0, 0, n, 5]);
    out.push([`DBGWVR${n}_EL1`, 2, 0, 0, n, 6], [`DBGWCR${n}_EL1`, 2, 0, 0, n, 7]);
  }
  // PMU event counters and types, n = 0..30: CRm 8+n/8 (counters), 12+n/8 (types), op2 n%8.
  for (let n = 0; n < 31; n++) {
    out.push([`PMEVCNTR${n}_EL0`, 3, 3, 14, 8 + (n >> 3), n & 7], [`PMEVTYPER${n}_EL0`, 3, 3, 14, 12 + (n >> 3), n & 7]);
  }
  // GICv3 active priority registers (3, 0, 12, 8|9, 4+n / n) and list registers.
  for (let n = 0; n < 4; n++) {
    out.push([`ICC_AP0R${n}_EL1`, 3, 0, 12, 8, 4 + n], [`ICC_AP1R${n}_EL1`, 3, 0, 12, 9, n]);
    out.push([`ICH_AP0R${n}_EL2`, 3, 4, 12, 8, n], [`ICH_AP1R${n}_EL2`, 3, 4, 12, 9, n]);
  }
  for (let n = 0; n < 16; n++) out.push([`ICH_LR${n}_EL2`, 3, 4, 12, 12 + (n >> 3), n & 7]);
  // Activity monitor event counters/types, groups 0 and 1, n = 0..15.
  for (let n = 0; n < 16; n++) {
    out.push([`AMEVCNTR0${n}_EL0`, 3, 3, 13, 4 + (n >> 3), n & 7], [`AMEVTYPER0${n}_EL0`, 3, 3, 13, 6 + (n >> 3), n & 7]);
    out.push([`AMEVCNTR1${n}_EL0`, 3, 3, 13, 12 + (n >> 3), n & 7], [`AMEVTYPER1${n}_EL0`, 3, 3, 13, 14 + (n >> 3), n & 7]);
  }
  return out;
}

/** Parse `name op0 op1 CRn CRm op2` lines (the format of this file and `sysreg-linux.ts`). */
export function parseSysregLines(text: string): Row[] {
  const out: Row[] = [];
  for (const line of text.split("\n")) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 6) continue;
    const [name, ...nums] = parts as [string, string, string, string, string, string];
    out.push([name, Number(nums[0]), Number(nums[1]), Number(nums[2]), Number(nums[3]), Number(nums[4])]);
  }
  return out;
}

/** The supplement: fixed rows then the numbered families. */
export function extraSysregs(): Row[] {
  return [...parseSysregLines(FIXED), ...numbered()];
}
