import { describe, expect, it } from "vitest";
import { describeRegister, isReadOnlyIdRegister } from "./describe.js";
import { allRegisterNames, lookupRegisterName, namesOfRegister, registerName } from "./names.js";
import { parseRegisterId } from "./parse.js";
import { formatRegId } from "./regid.js";
import { suggestRegisterNames } from "./suggest.js";

/** [id, primary name] — checked both ways (name → id through the parser). */
const NAMED: [bigint, string][] = [
  [0x6030000000160003n, "KVM_REG_ARM_VENDOR_HYP_BMAP_2"],
  [0x6030000000160002n, "KVM_REG_ARM_VENDOR_HYP_BMAP"],
  [0x6030000000160001n, "KVM_REG_ARM_STD_HYP_BMAP"],
  [0x6030000000160000n, "KVM_REG_ARM_STD_BMAP"],
  [0x6030000000140000n, "KVM_REG_ARM_PSCI_VERSION"],
  [0x6030000000140003n, "KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3"],
  [0x603000000013c103n, "TCR2_EL1"],
  [0x603000000013c102n, "TCR_EL1"],
  [0x603000000013c00an, "ID_DFR0_EL1"],
  [0x603000000013c512n, "PIRE0_EL1"],
  [0x603000000013c513n, "PIR_EL1"],
  [0x603000000013c000n, "MIDR_EL1"],
  [0x603000000013df1an, "CNTV_CVAL_EL0"],
  [0x603000000013df19n, "CNTV_CTL_EL0"],
  [0x603000000013df02n, "CNTVCT_EL0"],
  [0x6030000000138012n, "MDSCR_EL1"],
  [0x6030000000138024n, "DBGBVR4_EL1"],
  [0x603000000013808cn, "OSLSR_EL1"],
  [0x603000000013e298n, "FPEXC32_EL2"],
  [0x603000000013df7fn, "PMCCFILTR_EL0"],
  [0x603000000013df40n, "PMEVCNTR0_EL0"],
  [0x603000000013df7en, "PMEVTYPER30_EL0"],
  [0x6030000000100000n, "X0"],
  [0x603000000010003cn, "X30"],
  [0x603000000010003en, "SP"],
  [0x6030000000100040n, "PC"],
  [0x6030000000100042n, "PSTATE"],
  [0x6030000000100044n, "CORE_SP_EL1"],
  [0x6030000000100048n, "CORE_SPSR_EL1"],
  [0x603000000010004cn, "CORE_SPSR_UND"],
  [0x6040000000100054n, "V0"],
  [0x60400000001000d0n, "V31"],
  [0x60200000001000d4n, "CORE_FPSR"],
  [0x60200000001000d5n, "CORE_FPCR"],
  [0x606000000015ffffn, "KVM_REG_ARM64_SVE_VLS"],
  [0x6080000000150000n, "KVM_REG_ARM64_SVE_ZREG(0,0)"],
  [0x6020000000110000n, "CCSIDR[0]"],
  [0x40200000200e0298n, "BOGUS_DBGDTR_EL0"],
  // Read-only debug ID registers as QEMU TCG lists them (DBGDEVID at QEMU's encoding).
  [0x40200000200e0000n, "DBGDIDR"],
  [0x40200000200e3802n, "DBGDEVID"],
  [0x40200000200f0082n, "ID_DFR0"],
  [0x40200000200f0800n, "SCTLR"],
  [0x40200000000f0800n, "SCTLR_S"],
  [0x40200000000f6800n, "FCSEIDR_S"],
  [0x40300000200f0100n, "TTBR0_64"],
  [0x40300000200f0780n, "CPUACTLR"],
  [0x40200000200e0004n, "DBGBVR0"],
  // Unnamed ids print their fields.
  [0x603000000013c7ffn, "S3_0_C15_C15_7"],
  [0x6030000000160007n, "FW_FEAT_BMAP[7]"],
  [0x6030000000140009n, "FW[9]"],
  [0x40200000200f0f87n, "cp15(opc1=0,CRn=1,CRm=15,opc2=7)"],
];

describe("names", () => {
  it.each(NAMED.map(([id, name]) => [formatRegId(id), name, id] as const))("%s ⇄ %s", (_hex, name, id) => {
    expect(registerName(id)).toBe(name);
    expect(parseRegisterId(name)).toBe(id);
  });

  it("has every name resolving to exactly one id, and back", () => {
    const names = allRegisterNames();
    expect(names.length).toBeGreaterThan(1000);
    for (const name of names) {
      const hits = lookupRegisterName(name);
      expect(new Set(hits.map((h) => h.id)).size, name).toBe(1);
      const id = hits[0]?.id ?? -1n;
      expect(namesOfRegister(id).map((n) => n.name)).toContain(name);
      expect(parseRegisterId(registerName(id))).toBe(id);
    }
  });

  it("keeps the sysreg name primary and lists the KVM timer alias", () => {
    const d = describeRegister(0x603000000013df1an);
    expect(d.name).toBe("CNTV_CVAL_EL0");
    expect(d.aliases).toHaveLength(1);
    expect(d.aliases[0]).toMatch(/^KVM_REG_ARM_TIMER_CNT \(.*virtual count/);
    expect(describeRegister(0x603000000013df02n).aliases[0]).toMatch(/^KVM_REG_ARM_TIMER_CVAL/);
    expect(parseRegisterId("KVM_REG_ARM_TIMER_CVAL")).toBe(0x603000000013df02n);
  });

  it("looks names up ignoring case and the KVM_REG_ARM_ prefix", () => {
    expect(lookupRegisterName("std_hyp_bmap")[0]?.name).toBe("KVM_REG_ARM_STD_HYP_BMAP");
    expect(lookupRegisterName("SVE_VLS")[0]?.name).toBe("KVM_REG_ARM64_SVE_VLS");
    expect(lookupRegisterName("nope")).toEqual([]);
  });

  it("suggests the other execution state's twin first", () => {
    expect(suggestRegisterNames("ID_DFR0_EL2")[0]).toBe("ID_DFR0");
    expect(suggestRegisterNames("MIDR_EL2")).toContain("MIDR");
    expect(suggestRegisterNames("TCR2")[0]).toBe("TCR2_EL1");
    expect(suggestRegisterNames("VENDOR_HYP_BMAP2")[0]).toBe("KVM_REG_ARM_VENDOR_HYP_BMAP_2");
  });
});

describe("describeRegister", () => {
  it.each([
    [0x6030000000160003n, { id: "0x6030000000160003", name: "KVM_REG_ARM_VENDOR_HYP_BMAP_2", fields: "arm64 U64 FW_FEAT_BMAP number=3", readOnlyId: false, aliases: [] }],
    [0x603000000013c103n, { id: "0x603000000013c103", name: "TCR2_EL1", fields: "arm64 U64 SYSREG op0=3 op1=0 CRn=2 CRm=0 op2=3", readOnlyId: false, aliases: [] }],
    [0x603000000013c00an, {
      id: "0x603000000013c00a", name: "ID_DFR0_EL1", fields: "arm64 U64 SYSREG op0=3 op1=0 CRn=0 CRm=1 op2=2", readOnlyId: true, aliases: [],
      twin: { id: "0x40200000200f0082", name: "ID_DFR0" },
    }],
    [0x40200000200f0082n, {
      id: "0x40200000200f0082", name: "ID_DFR0", fields: "arm U32 AArch32 cp15 ns=1 opc1=0 CRn=0 CRm=1 opc2=2 (QEMU TCG key)", readOnlyId: true, aliases: [],
      twin: { id: "0x603000000013c00a", name: "ID_DFR0_EL1" },
    }],
    [0x6020000000110000n, { id: "0x6020000000110000", name: "CCSIDR[0]", fields: "arm64 U32 DEMUX id=0 (CCSIDR) CSSELR=0x00", readOnlyId: false, aliases: [] }],
  ])("describes %s", (id, expected) => {
    expect(describeRegister(id)).toEqual(expected);
  });

  it("marks the read-only ID space only", () => {
    expect(isReadOnlyIdRegister(0x603000000013c000n)).toBe(true); // MIDR_EL1
    expect(isReadOnlyIdRegister(0x603000000013c03fn)).toBe(true); // S3_0_C0_C7_7
    expect(isReadOnlyIdRegister(0x603000000013c800n)).toBe(false); // CCSIDR_EL1 (op1=1)
    expect(isReadOnlyIdRegister(0x603000000013d801n)).toBe(false); // CTR_EL0 (op1=3)
    expect(isReadOnlyIdRegister(0x40200000200f0000n)).toBe(true); // MIDR
    expect(isReadOnlyIdRegister(0x40200000200f0800n)).toBe(false); // SCTLR
    expect(isReadOnlyIdRegister(0x40200000200e0000n)).toBe(false); // cp14 DBGDIDR
    expect(isReadOnlyIdRegister(0x6030000000160003n)).toBe(false);
  });
});
