import { describe, expect, it } from "vitest";
import { decodeRegId, encodeRegId, formatRegId, type RegId } from "./regid.js";
import { genericRegName, regFieldsText } from "./regid-format.js";

/** [id, decoded form] — checked in both directions. */
const VECTORS: [bigint, RegId][] = [
  [0x6030000000160003n, { arch: "arm64", size: "U64", group: "fw-feat-bmap", number: 3 }],
  [0x6030000000160000n, { arch: "arm64", size: "U64", group: "fw-feat-bmap", number: 0 }],
  [0x603000000013c103n, { arch: "arm64", size: "U64", group: "sysreg", op0: 3, op1: 0, crn: 2, crm: 0, op2: 3 }],
  [0x603000000013c102n, { arch: "arm64", size: "U64", group: "sysreg", op0: 3, op1: 0, crn: 2, crm: 0, op2: 2 }],
  [0x603000000013c00an, { arch: "arm64", size: "U64", group: "sysreg", op0: 3, op1: 0, crn: 0, crm: 1, op2: 2 }],
  [0x603000000013df1an, { arch: "arm64", size: "U64", group: "sysreg", op0: 3, op1: 3, crn: 14, crm: 3, op2: 2 }],
  [0x6030000000138012n, { arch: "arm64", size: "U64", group: "sysreg", op0: 2, op1: 0, crn: 0, crm: 2, op2: 2 }],
  [0x6030000000140001n, { arch: "arm64", size: "U64", group: "fw", number: 1 }],
  [0x6020000000110000n, { arch: "arm64", size: "U32", group: "demux", demuxId: 0, value: 0 }],
  [0x6020000000110003n, { arch: "arm64", size: "U32", group: "demux", demuxId: 0, value: 3 }],
  [0x6030000000100040n, { arch: "arm64", size: "U64", group: "core", offset: 64 }],
  [0x6040000000100054n, { arch: "arm64", size: "U128", group: "core", offset: 84 }],
  [0x60200000001000d4n, { arch: "arm64", size: "U32", group: "core", offset: 212 }],
  [0x6080000000150000n, { arch: "arm64", size: "U2048", group: "sve", kind: "z", n: 0, slice: 0 }],
  [0x60800000001503e1n, { arch: "arm64", size: "U2048", group: "sve", kind: "z", n: 31, slice: 1 }],
  [0x60500000001505e0n, { arch: "arm64", size: "U256", group: "sve", kind: "p", n: 15, slice: 0 }],
  [0x6050000000150600n, { arch: "arm64", size: "U256", group: "sve", kind: "ffr", n: 0, slice: 0 }],
  [0x606000000015ffffn, { arch: "arm64", size: "U512", group: "sve", kind: "vls", n: 0, slice: 0 }],
  [0x40200000200e0298n, { arch: "arm", size: "U32", group: "cp32", cp: 14, ns: 1, crn: 0, crm: 5, opc1: 3, opc2: 0 }],
  [0x40200000200f0082n, { arch: "arm", size: "U32", group: "cp32", cp: 15, ns: 1, crn: 0, crm: 1, opc1: 0, opc2: 2 }],
  [0x40200000000f6800n, { arch: "arm", size: "U32", group: "cp32", cp: 15, ns: 0, crn: 13, crm: 0, opc1: 0, opc2: 0 }],
  [0x40300000200f0100n, { arch: "arm", size: "U64", group: "cp64", cp: 15, ns: 1, crm: 2, opc1: 0 }],
  // Not explained by any layout: kept as raw fields.
  [0x2030000000100000n, { group: "other", archCode: 0x20, sizeCode: 3, middle: 0, coproc: 0x010, low: 0 }],
  [0x6030000010130000n, { group: "other", archCode: 0x60, sizeCode: 3, middle: 1, coproc: 0x013, low: 0 }],
  [0x6030000000170000n, { group: "other", archCode: 0x60, sizeCode: 3, middle: 0, coproc: 0x017, low: 0 }],
  [0x6050000000150620n, { group: "other", archCode: 0x60, sizeCode: 5, middle: 0, coproc: 0x015, low: 0x620 }],
  [0x40300000200f0882n, { group: "other", archCode: 0x40, sizeCode: 3, middle: 2, coproc: 0x00f, low: 0x0882 }],
  [0x6090000000130000n, { group: "other", archCode: 0x60, sizeCode: 9, middle: 0, coproc: 0x013, low: 0 }],
];

describe("decodeRegId / encodeRegId", () => {
  it.each(VECTORS.map(([id, d]) => [formatRegId(id), id, d] as const))("%s", (_hex, id, decoded) => {
    expect(decodeRegId(id)).toEqual(decoded);
    expect(encodeRegId(decoded)).toBe(id);
  });

  it("round-trips arbitrary 64-bit values", () => {
    let x = 0x9e3779b97f4a7c15n;
    for (let i = 0; i < 2000; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
      // Bias towards the interesting top bytes.
      const id = i % 2 === 0 ? (x & 0x00ffffffffffffffn) | (i % 4 === 0 ? 0x6000000000000000n : 0x4000000000000000n) : x;
      expect(encodeRegId(decodeRegId(id))).toBe(id);
    }
  });

  it("rejects non-64-bit ids and out-of-range fields", () => {
    expect(() => decodeRegId(-1n)).toThrow(/64-bit/);
    expect(() => decodeRegId(1n << 64n)).toThrow(/64-bit/);
    expect(() => encodeRegId({ arch: "arm64", size: "U64", group: "sysreg", op0: 4, op1: 0, crn: 0, crm: 0, op2: 0 })).toThrow(/op0=4/);
    expect(() => encodeRegId({ arch: "arm", size: "U32", group: "cp32", cp: 15, ns: 1, crn: 16, crm: 0, opc1: 0, opc2: 0 })).toThrow(/CRn=16/);
  });
});

describe("formatting", () => {
  it("prints ids as 0x + 16 hex digits", () => {
    expect(formatRegId(0x6030000000160003n)).toBe("0x6030000000160003");
    expect(formatRegId(0n)).toBe("0x0000000000000000");
  });

  it.each([
    [0x603000000013c103n, "S3_0_C2_C0_3"],
    [0x6030000000160007n, "FW_FEAT_BMAP[7]"],
    [0x6030000000140009n, "FW[9]"],
    [0x6020000000110002n, "CCSIDR[2]"],
    [0x6020000000110102n, "DEMUX[1][2]"],
    [0x6030000000100044n, "CORE[68]"],
    [0x6040000000100054n, "CORE[84]"],
    [0x6030000000100054n, "CORE[84]/U64"],
    [0x602000000013c103n, "S3_0_C2_C0_3/U32"],
    [0x40200000200f0800n, "cp15(opc1=0,CRn=1,CRm=0,opc2=0)"],
    [0x40200000000f0800n, "cp15(opc1=0,CRn=1,CRm=0,opc2=0,ns=0)"],
    [0x40300000200f0100n, "cp15_64(opc1=0,CRm=2)"],
    [0x60800000001503e1n, "KVM_REG_ARM64_SVE_ZREG(31,1)"],
    [0x6050000000150600n, "KVM_REG_ARM64_SVE_FFR(0)"],
    [0x2030000000100000n, "id(arch=0x20,size=3,coproc=0x010,low=0x0000)"],
  ].map(([id, name]) => [formatRegId(id as bigint), id as bigint, name as string] as const))("generic name of %s", (_hex, id, name) => {
    expect(genericRegName(decodeRegId(id))).toBe(name);
  });

  it("spells out fields", () => {
    expect(regFieldsText(decodeRegId(0x603000000013c103n))).toBe("arm64 U64 SYSREG op0=3 op1=0 CRn=2 CRm=0 op2=3");
    expect(regFieldsText(decodeRegId(0x40200000200e0298n))).toContain("cp14 ns=1 opc1=3 CRn=0 CRm=5 opc2=0");
    expect(regFieldsText(decodeRegId(0x6030000000160003n))).toBe("arm64 U64 FW_FEAT_BMAP number=3");
  });
});
