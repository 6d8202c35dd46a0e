/**
 * AArch32 cp15/cp14 registers, named as the Arm architecture names them (Arm ARM, AArch32
 * system register descriptions; the Cortex-A57/A53/A72 TRMs for the implementation-defined
 * ones), located by (cp, opc1, CRn, CRm, opc2) — or (cp, opc1, CRm) for 64-bit MCRR views.
 * QEMU TCG lists these in the `cpu` section with ids built by `cpreg_to_kvm_id`
 * (wire-format.md §12.6); `cp32RegId`/`cp64RegId` make those ids.
 *
 * Naming rules, so every name is unique across all tables:
 * - no `_ELx` suffix (the AArch64 twin of `ID_DFR0` is `ID_DFR0_EL1`);
 * - a 64-bit view sharing its name with a 32-bit register gets `_64` (`TTBR0_64`);
 * - QEMU's secure-bank copy of a banked register (ns bit clear) prints with `_S`
 *   (QEMU names those copies the same way); `names.ts` derives these, they are not listed;
 * - `BOGUS_DBGDTR_EL0` is QEMU's own name for the misencoded cp14 opc1=3 CRn=0 CRm=5 opc2=0
 *   entry (id 0x40200000200e0298) that QEMU 8.1–10.x lists and later keeps for migration
 *   compatibility (wire-format.md §12.6, §15);
 * - `DBGDEVID` sits where QEMU defines it (cp14 opc1=0 CRn=7 CRm=0 opc2=2,
 *   `target/arm/debug_helper.c`; id 0x40200000200e3802), not at the architecture's CRm=2
 *   opc2=7: QEMU lists only its own encoding (for CPUs whose DBGDIDR bit 15 says DBGDEVID
 *   is there), and a name must find what a stream holds.
 *
 * Where two names share one encoding the first is primary (`MAIR0` before `PRRR`).
 */

/** `name cp opc1 CRn CRm opc2`, one 32-bit register per line. */
export const AARCH32_REGS = `
MIDR 15 0 0 0 0
CTR 15 0 0 0 1
TCMTR 15 0 0 0 2
TLBTR 15 0 0 0 3
MPIDR 15 0 0 0 5
REVIDR 15 0 0 0 6
ID_PFR0 15 0 0 1 0
ID_PFR1 15 0 0 1 1
ID_DFR0 15 0 0 1 2
ID_AFR0 15 0 0 1 3
ID_MMFR0 15 0 0 1 4
ID_MMFR1 15 0 0 1 5
ID_MMFR2 15 0 0 1 6
ID_MMFR3 15 0 0 1 7
ID_ISAR0 15 0 0 2 0
ID_ISAR1 15 0 0 2 1
ID_ISAR2 15 0 0 2 2
ID_ISAR3 15 0 0 2 3
ID_ISAR4 15 0 0 2 4
ID_ISAR5 15 0 0 2 5
ID_MMFR4 15 0 0 2 6
ID_ISAR6 15 0 0 2 7
ID_PFR2 15 0 0 3 4
ID_DFR1 15 0 0 3 5
ID_MMFR5 15 0 0 3 6
CCSIDR 15 1 0 0 0
CLIDR 15 1 0 0 1
CCSIDR2 15 1 0 0 2
AIDR 15 1 0 0 7
CSSELR 15 2 0 0 0
VPIDR 15 4 0 0 0
VMPIDR 15 4 0 0 5
SCTLR 15 0 1 0 0
ACTLR 15 0 1 0 1
CPACR 15 0 1 0 2
ACTLR2 15 0 1 0 3
SCR 15 0 1 1 0
SDER 15 0 1 1 1
NSACR 15 0 1 1 2
SDCR 15 0 1 3 1
HSCTLR 15 4 1 0 0
HACTLR 15 4 1 0 1
HACTLR2 15 4 1 0 3
HCR 15 4 1 1 0
HDCR 15 4 1 1 1
HCPTR 15 4 1 1 2
HSTR 15 4 1 1 3
HCR2 15 4 1 1 4
HACR 15 4 1 1 7
TTBR0 15 0 2 0 0
TTBR1 15 0 2 0 1
TTBCR 15 0 2 0 2
TTBCR2 15 0 2 0 3
HTCR 15 4 2 0 2
VTCR 15 4 2 1 2
DACR 15 0 3 0 0
ICC_PMR 15 0 4 6 0
DFSR 15 0 5 0 0
IFSR 15 0 5 0 1
ADFSR 15 0 5 1 0
AIFSR 15 0 5 1 1
HADFSR 15 4 5 1 0
HAIFSR 15 4 5 1 1
HSR 15 4 5 2 0
DFAR 15 0 6 0 0
IFAR 15 0 6 0 2
HDFAR 15 4 6 0 0
HIFAR 15 4 6 0 2
HPFAR 15 4 6 0 4
PAR 15 0 7 4 0
PMCR 15 0 9 12 0
PMCNTENSET 15 0 9 12 1
PMCNTENCLR 15 0 9 12 2
PMOVSR 15 0 9 12 3
PMSWINC 15 0 9 12 4
PMSELR 15 0 9 12 5
PMCEID0 15 0 9 12 6
PMCEID1 15 0 9 12 7
PMCCNTR 15 0 9 13 0
PMXEVTYPER 15 0 9 13 1
PMXEVCNTR 15 0 9 13 2
PMUSERENR 15 0 9 14 0
PMINTENSET 15 0 9 14 1
PMINTENCLR 15 0 9 14 2
PMOVSSET 15 0 9 14 3
PMCEID2 15 0 9 14 4
PMCEID3 15 0 9 14 5
PMMIR 15 0 9 14 6
L2CTLR 15 1 9 0 2
L2ECTLR 15 1 9 0 3
MAIR0 15 0 10 2 0
PRRR 15 0 10 2 0
MAIR1 15 0 10 2 1
NMRR 15 0 10 2 1
AMAIR0 15 0 10 3 0
AMAIR1 15 0 10 3 1
HMAIR0 15 4 10 2 0
HMAIR1 15 4 10 2 1
HAMAIR0 15 4 10 3 0
HAMAIR1 15 4 10 3 1
VBAR 15 0 12 0 0
MVBAR 15 0 12 0 1
RMR 15 0 12 0 2
ISR 15 0 12 1 0
HVBAR 15 4 12 0 0
HRMR 15 4 12 0 2
ICC_IAR0 15 0 12 8 0
ICC_EOIR0 15 0 12 8 1
ICC_HPPIR0 15 0 12 8 2
ICC_BPR0 15 0 12 8 3
ICC_AP0R0 15 0 12 8 4
ICC_AP0R1 15 0 12 8 5
ICC_AP0R2 15 0 12 8 6
ICC_AP0R3 15 0 12 8 7
ICC_AP1R0 15 0 12 9 0
ICC_AP1R1 15 0 12 9 1
ICC_AP1R2 15 0 12 9 2
ICC_AP1R3 15 0 12 9 3
ICC_HSRE 15 4 12 9 5
ICC_DIR 15 0 12 11 1
ICC_RPR 15 0 12 11 3
ICC_IAR1 15 0 12 12 0
ICC_EOIR1 15 0 12 12 1
ICC_HPPIR1 15 0 12 12 2
ICC_BPR1 15 0 12 12 3
ICC_CTLR 15 0 12 12 4
ICC_SRE 15 0 12 12 5
ICC_IGRPEN0 15 0 12 12 6
ICC_IGRPEN1 15 0 12 12 7
ICC_MCTLR 15 6 12 12 4
ICC_MSRE 15 6 12 12 5
ICC_MGRPEN1 15 6 12 12 7
FCSEIDR 15 0 13 0 0
CONTEXTIDR 15 0 13 0 1
TPIDRURW 15 0 13 0 2
TPIDRURO 15 0 13 0 3
TPIDRPRW 15 0 13 0 4
HTPIDR 15 4 13 0 2
CNTFRQ 15 0 14 0 0
CNTKCTL 15 0 14 1 0
CNTP_TVAL 15 0 14 2 0
CNTP_CTL 15 0 14 2 1
CNTV_TVAL 15 0 14 3 0
CNTV_CTL 15 0 14 3 1
CNTHCTL 15 4 14 1 0
CNTHP_TVAL 15 4 14 2 0
CNTHP_CTL 15 4 14 2 1
PMCCFILTR 15 0 14 15 7
L2ACTLR 15 1 15 0 0
CBAR 15 4 15 0 0
DBGDIDR 14 0 0 0 0
DBGDTRRXext 14 0 0 0 2
DBGDSCRint 14 0 0 1 0
DBGDCCINT 14 0 0 2 0
DBGDSCRext 14 0 0 2 2
DBGDTRTXext 14 0 0 3 2
DBGDTRTXint 14 0 0 5 0
DBGDTRRXint 14 0 0 5 0
DBGWFAR 14 0 0 6 0
DBGOSECCR 14 0 0 6 2
DBGVCR 14 0 0 7 0
DBGDRAR 14 0 1 0 0
DBGOSLAR 14 0 1 0 4
DBGOSLSR 14 0 1 1 4
DBGOSDLR 14 0 1 3 4
DBGPRCR 14 0 1 4 4
DBGDSAR 14 0 2 0 0
DBGDEVID2 14 0 7 0 7
DBGDEVID1 14 0 7 1 7
DBGDEVID 14 0 7 0 2
DBGCLAIMSET 14 0 7 8 6
DBGCLAIMCLR 14 0 7 9 6
DBGAUTHSTATUS 14 0 7 14 6
BOGUS_DBGDTR_EL0 14 3 0 5 0
TEECR 14 6 0 0 0
TEEHBR 14 6 1 0 0
JIDR 14 7 0 0 0
JOSCR 14 7 1 0 0
JMCR 14 7 2 0 0
`;

/** `name cp opc1 CRm`, one 64-bit (MCRR/MRRC) register per line. */
export const AARCH32_REGS_64 = `
TTBR0_64 15 0 2
TTBR1_64 15 1 2
HTTBR 15 4 2
VTTBR 15 6 2
PAR_64 15 0 7
ICC_SGI1R 15 0 12
ICC_ASGI1R 15 1 12
ICC_SGI0R 15 2 12
CNTPCT 15 0 14
CNTVCT 15 1 14
CNTP_CVAL 15 2 14
CNTV_CVAL 15 3 14
CNTVOFF 15 4 14
CNTHP_CVAL 15 6 14
CPUACTLR 15 0 15
CPUECTLR 15 1 15
CPUMERRSR 15 2 15
L2MERRSR 15 3 15
DBGDRAR_64 14 0 1
DBGDSAR_64 14 0 2
`;

type Row32 = readonly [name: string, cp: number, opc1: number, crn: number, crm: number, opc2: number];
type Row64 = readonly [name: string, cp: number, opc1: number, crm: number];

function rows(text: string, width: number): (string | number)[][] {
  const out: (string | number)[][] = [];
  for (const line of text.split("\n")) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== width) continue;
    out.push([parts[0] ?? "", ...parts.slice(1).map(Number)]);
  }
  return out;
}

/** The numbered families: PMU event counters/types and debug break/watchpoints, n = 0..30 / 0..15. */
function numbered32(): Row32[] {
  const out: Row32[] = [];
  for (let n = 0; n < 31; n++) {
    out.push([`PMEVCNTR${n}`, 15, 0, 14, 8 + (n >> 3), n & 7], [`PMEVTYPER${n}`, 15, 0, 14, 12 + (n >> 3), n & 7]);
  }
  for (let n = 0; n < 16; n++) {
    out.push([`DBGBVR${n}`, 14, 0, 0, n, 4], [`DBGBCR${n}`, 14, 0, 0, n, 5]);
    out.push([`DBGWVR${n}`, 14, 0, 0, n, 6], [`DBGWCR${n}`, 14, 0, 0, n, 7]);
    out.push([`DBGBXVR${n}`, 14, 0, 1, n, 1]);
  }
  return out;
}

/** Every 32-bit AArch32 entry: the fixed rows then the numbered families. */
export function aarch32Regs(): Row32[] {
  return [...(rows(AARCH32_REGS, 6) as unknown as Row32[]), ...numbered32()];
}

/** Every 64-bit AArch32 entry. */
export function aarch32Regs64(): Row64[] {
  return rows(AARCH32_REGS_64, 4) as unknown as Row64[];
}
