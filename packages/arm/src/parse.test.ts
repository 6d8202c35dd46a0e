import { describe, expect, it } from "vitest";
import { RegisterArgumentError } from "./errors.js";
import { registerName } from "./names.js";
import {
  parseRegisterId, parseRegisterList, parseRegisterListText, parseRegisterValue, parseSetAssignment, parseSetList,
  splitRegisterList,
} from "./parse.js";
import { formatRegId } from "./regid.js";

const ACCEPTED: [string, bigint][] = [
  ["0x6030000000160003", 0x6030000000160003n],
  ["0X6030000000160003", 0x6030000000160003n],
  ["  0x603000000013C103 ", 0x603000000013c103n],
  ["0x1", 1n],
  ["KVM_REG_ARM_VENDOR_HYP_BMAP_2", 0x6030000000160003n],
  ["VENDOR_HYP_BMAP_2", 0x6030000000160003n],
  ["vendor_hyp_bmap_2", 0x6030000000160003n],
  ["KVM_REG_ARM_PSCI_VERSION", 0x6030000000140000n],
  ["TCR2_EL1", 0x603000000013c103n],
  ["tcr_el1", 0x603000000013c102n],
  ["ID_DFR0_EL1", 0x603000000013c00an],
  ["ID_DFR0", 0x40200000200f0082n],
  ["S3_0_C2_C0_3", 0x603000000013c103n],
  ["s3_0_c2_c0_3", 0x603000000013c103n],
  ["3:0:0:1:2", 0x603000000013c00an],
  ["FW_FEAT_BMAP[3]", 0x6030000000160003n],
  ["FW_FEAT_BMAP[0x3]", 0x6030000000160003n],
  ["KVM_REG_ARM_FW_FEAT_BMAP_REG(3)", 0x6030000000160003n],
  ["KVM_REG_ARM_FW_REG(2)", 0x6030000000140002n],
  ["FW[1]", 0x6030000000140001n],
  ["CCSIDR[0]", 0x6020000000110000n],
  ["CORE[64]", 0x6030000000100040n],
  ["CORE[84]", 0x6040000000100054n],
  ["PC", 0x6030000000100040n],
  ["KVM_REG_ARM64_SVE_ZREG(31,1)", 0x60800000001503e1n],
  ["SVE_PREG(15, 0)", 0x60500000001505e0n],
  ["KVM_REG_ARM64_SVE_FFR(0)", 0x6050000000150600n],
  ["KVM_REG_ARM64_SVE_VLS", 0x606000000015ffffn],
  ["SVE_VLS", 0x606000000015ffffn],
  ["cp14(opc1=3,CRn=0,CRm=5,opc2=0)", 0x40200000200e0298n],
  ["CP15(opc1=0, crn=0, crm=1, opc2=2)", 0x40200000200f0082n],
  ["cp15(opc1=0,CRn=13,CRm=0,opc2=0,ns=0)", 0x40200000000f6800n],
  ["cp15_64(opc1=0,CRm=2)", 0x40300000200f0100n],
  ["S3_0_C2_C0_3/U32", 0x602000000013c103n],
  ["id(arch=0x20,size=3,coproc=0x010,low=0x0000)", 0x2030000000100000n],
  ["KVM_REG_ARM_TIMER_CNT", 0x603000000013df1an],
  ["CNTV_CVAL_EL0", 0x603000000013df1an],
];

const REJECTED: [string, RegExp][] = [
  ["", /empty register argument/],
  ["   ", /empty register argument/],
  ["6030000000160003", /hex with 0x.*did you mean 0x6030000000160003/],
  ["42", /hex with 0x.*as a decimal number it would be 0x000000000000002a/],
  ["603000000013c103", /missing its 0x prefix: 0x603000000013c103/],
  ["0x", /not a hex number/],
  ["0xZZ", /not a hex number/],
  ["0x16030000000160003", /wider than 64 bits/],
  ["VENDOR_HYP_BMAP2", /unknown register "VENDOR_HYP_BMAP2"; did you mean KVM_REG_ARM_VENDOR_HYP_BMAP_2/],
  ["TCR2", /did you mean TCR2_EL1/],
  ["ID_DFR0_EL2", /did you mean .*ID_DFR0/],
  ["S4_0_C2_C0_3", /op0=4 does not fit/],
  ["3:0:16:0:0", /CRn=16 does not fit/],
  ["cp15(opc1=0,CRn=1,CRm=0)", /lacks opc2=/],
  ["cp15(opc1=0,CRn=1,CRm=0,opc2=0,foo=1)", /cannot read "foo=1"/],
  ["NOT_A_REGISTER_AT_ALL", /unknown register "NOT_A_REGISTER_AT_ALL"/],
  ["-0x1", /unknown register/],
];

describe("parseRegisterId", () => {
  it.each(ACCEPTED)("accepts %s", (text, id) => {
    expect(formatRegId(parseRegisterId(text))).toBe(formatRegId(id));
  });

  it.each(REJECTED)("rejects %j", (text, message) => {
    let err: unknown;
    try {
      parseRegisterId(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RegisterArgumentError);
    expect((err as Error).message).toMatch(message);
  });

  it("offers suggestions on the error object", () => {
    try {
      parseRegisterId("VENDOR_HYP_BMAP2");
      expect.unreachable();
    } catch (e) {
      expect((e as RegisterArgumentError).suggestions[0]).toBe("KVM_REG_ARM_VENDOR_HYP_BMAP_2");
      expect((e as RegisterArgumentError).code).toBe("BAD_REGISTER_ARG");
    }
  });

  it("accepts back every name it prints", () => {
    for (const id of ACCEPTED.map(([, id]) => id)) expect(parseRegisterId(registerName(id))).toBe(id);
  });
});

describe("lists", () => {
  it("splits commas outside parentheses and trims", () => {
    expect(splitRegisterList(" a , cp15(opc1=0,CRn=1,CRm=0,opc2=0) ,b")).toEqual(["a", "cp15(opc1=0,CRn=1,CRm=0,opc2=0)", "b"]);
  });

  it("parses repeated flags and comma lists, dropping duplicates", () => {
    expect(parseRegisterList(["0x6030000000160003,TCR2_EL1", "PIR_EL1", "VENDOR_HYP_BMAP_2,"])).toEqual([
      0x6030000000160003n, 0x603000000013c103n, 0x603000000013c513n,
    ]);
  });

  it("rejects empty items with the whole argument in the message", () => {
    expect(() => parseRegisterList(["TCR2_EL1,,PIR_EL1"])).toThrow(/empty register in "TCR2_EL1,,PIR_EL1"/);
    expect(() => parseRegisterList([""])).toThrow(/empty register/);
  });

  it("parses --hide-from text", () => {
    const text = "# ids the 6.12 host lacks\n\n0x6030000000160003   # VENDOR_HYP_BMAP_2\r\n  TCR2_EL1\n#0x1\n0x6030000000160003\n";
    expect(parseRegisterListText(text)).toEqual([0x6030000000160003n, 0x603000000013c103n]);
    expect(parseRegisterListText("")).toEqual([]);
  });

  it("names the line of a bad --hide-from entry", () => {
    expect(() => parseRegisterListText("0x6030000000160003\n\nTCR2\n")).toThrow(/^line 3: unknown register "TCR2"/);
  });
});

describe("--set", () => {
  it.each([
    ["ID_DFR0_EL1=0x03010066", 0x603000000013c00an, 0x03010066n],
    ["0x40200000200f0082 = 50397190", 0x40200000200f0082n, 50397190n],
    ["cp15(opc1=0,CRn=0,CRm=1,opc2=2)=0x1", 0x40200000200f0082n, 1n],
    ["VENDOR_HYP_BMAP_2=0", 0x6030000000160003n, 0n],
    ["TCR2_EL1=0xffffffffffffffff", 0x603000000013c103n, 0xffffffffffffffffn],
  ])("parses %s", (text, id, value) => {
    expect(parseSetAssignment(text)).toEqual({ id, value });
  });

  it.each([
    ["TCR2_EL1", /not REGISTER=VALUE/],
    ["TCR2_EL1=", /is not a value/],
    ["TCR2_EL1=abc", /is not a value/],
    ["TCR2_EL1=-1", /is not a value/],
    ["TCR2_EL1=0x10000000000000000", /does not fit in 64 bits/],
    ["TCR2=1", /did you mean TCR2_EL1/],
  ])("rejects %s", (text, message) => {
    expect(() => parseSetAssignment(text)).toThrow(message);
  });

  it("collects a map and refuses contradictory values", () => {
    const m = parseSetList(["ID_DFR0_EL1=1,ID_DFR0=2", "ID_DFR0_EL1=0x1"]);
    expect([...m]).toEqual([[0x603000000013c00an, 1n], [0x40200000200f0082n, 2n]]);
    expect(() => parseSetList(["ID_DFR0_EL1=1", "3:0:0:1:2=2"])).toThrow(/set twice/);
  });

  it("parses values", () => {
    expect(parseRegisterValue("0X1F")).toBe(31n);
    expect(parseRegisterValue("18446744073709551615")).toBe(0xffffffffffffffffn);
    expect(() => parseRegisterValue("18446744073709551616")).toThrow(/64 bits/);
  });
});
