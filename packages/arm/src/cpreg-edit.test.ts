import { describe, expect, it } from "vitest";
import { findCpreg, planCpregEdit, validateCpregList, type CpregList } from "./cpreg-edit.js";
import { ArmError, CpregListError } from "./errors.js";

const BMAP2 = 0x6030000000160003n;
const TCR2 = 0x603000000013c103n;
const ID_DFR0_EL1 = 0x603000000013c00an;
const ID_DFR0_A32 = 0x40200000200f0082n;
const DBGDTRTX_BOGUS = 0x40200000200e0298n;

/** A small KVM-like and TCG-like list, ascending as unsigned 64-bit. */
function sample(): CpregList {
  return {
    indexes: [DBGDTRTX_BOGUS, ID_DFR0_A32, 0x6020000000110000n, ID_DFR0_EL1, TCR2, 0x603000000013c512n, 0x6030000000140000n, 0x6030000000160002n, BMAP2],
    values: [0n, 0x03010006n, 0x700fe01an, 0x03010006n, 0n, 0n, 0x10001n, 3n, 0n],
  };
}

describe("planCpregEdit", () => {
  it("hides a present register and keeps the arrays in lockstep", () => {
    const list = sample();
    const plan = planCpregEdit(list, { hide: [BMAP2] });
    expect(plan.indexes).toEqual(list.indexes.slice(0, -1));
    expect(plan.values).toEqual(list.values.slice(0, -1));
    expect(plan.changes).toEqual([{ kind: "hidden", id: BMAP2, oldValue: 0n }]);
    expect(plan.absent).toEqual([]);
    expect(plan.warnings).toEqual([]);
    expect(plan.changed).toBe(true);
    expect(list.indexes).toHaveLength(9); // input untouched
  });

  it("hides several registers from the middle, keeping order", () => {
    const list = sample();
    const plan = planCpregEdit(list, { hide: new Set([TCR2, DBGDTRTX_BOGUS, 0x603000000013c512n]) });
    expect(plan.indexes).toEqual([ID_DFR0_A32, 0x6020000000110000n, ID_DFR0_EL1, 0x6030000000140000n, 0x6030000000160002n, BMAP2]);
    expect(plan.values).toEqual([0x03010006n, 0x700fe01an, 0x03010006n, 0x10001n, 3n, 0n]);
    expect(plan.changes.map((c) => c.id)).toEqual([DBGDTRTX_BOGUS, TCR2, 0x603000000013c512n]);
  });

  it("reports an absent id and changes nothing, without copying", () => {
    const list = sample();
    const plan = planCpregEdit(list, { hide: [0x603000000013c513n] });
    expect(plan.absent).toEqual([{ kind: "hide", id: 0x603000000013c513n }]);
    expect(plan.changed).toBe(false);
    expect(plan.indexes).toBe(list.indexes);
    expect(plan.values).toBe(list.values);
  });

  it("warns when a hidden register is non-zero", () => {
    const list = sample();
    const values = [...list.values];
    values[8] = 3n;
    const plan = planCpregEdit({ indexes: list.indexes, values }, { hide: [BMAP2] });
    expect(plan.changes).toEqual([{ kind: "hidden", id: BMAP2, oldValue: 3n }]);
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]?.code).toBe("HIDE_NONZERO");
    expect(plan.warnings[0]?.message).toMatch(/KVM_REG_ARM_VENDOR_HYP_BMAP_2 \(0x6030000000160003\) drops the non-zero value 0x0000000000000003/);
  });

  it("sets values, sharing the unchanged index array", () => {
    const list = sample();
    const plan = planCpregEdit(list, { set: new Map([[ID_DFR0_A32, 0x03000006n], [ID_DFR0_EL1, 0x03000006n], [0x603000000013c513n, 1n]]) });
    expect(plan.indexes).toBe(list.indexes);
    expect(plan.values[1]).toBe(0x03000006n);
    expect(plan.values[3]).toBe(0x03000006n);
    expect(list.values[1]).toBe(0x03010006n);
    expect(plan.changes).toEqual([
      { kind: "set", id: ID_DFR0_A32, oldValue: 0x03010006n, newValue: 0x03000006n },
      { kind: "set", id: ID_DFR0_EL1, oldValue: 0x03010006n, newValue: 0x03000006n },
    ]);
    expect(plan.absent).toEqual([{ kind: "set", id: 0x603000000013c513n }]);
    expect(plan.warnings.map((w) => w.code)).toEqual(["SET_ID_REGISTER", "SET_ID_REGISTER"]);
  });

  it("hides and sets together, in either order along the list", () => {
    const list = sample();
    for (const [hide, set] of [[DBGDTRTX_BOGUS, BMAP2], [BMAP2, DBGDTRTX_BOGUS]] as const) {
      const plan = planCpregEdit(list, { hide: [hide], set: new Map([[set, 7n], [TCR2, 9n]]) });
      const expected = list.indexes.filter((id) => id !== hide);
      expect(plan.indexes).toEqual(expected);
      expect(plan.values).toEqual(expected.map((id) => (id === set ? 7n : id === TCR2 ? 9n : list.values[list.indexes.indexOf(id)])));
    }
  });

  it("handles empty lists and empty requests", () => {
    expect(planCpregEdit({ indexes: [], values: [] }, { hide: [BMAP2] }).absent).toEqual([{ kind: "hide", id: BMAP2 }]);
    const list = sample();
    expect(planCpregEdit(list, {}).changed).toBe(false);
  });

  it("refuses an id both hidden and set", () => {
    expect(() => planCpregEdit(sample(), { hide: [TCR2], set: new Map([[TCR2, 0n]]) })).toThrow(ArmError);
    expect(() => planCpregEdit(sample(), { hide: [TCR2], set: new Map([[TCR2, 0n]]) })).toThrow(/both hidden and set/);
  });

  it("refuses out-of-range request values", () => {
    expect(() => planCpregEdit(sample(), { set: new Map([[TCR2, 1n << 64n]]) })).toThrow(/64-bit/);
    expect(() => planCpregEdit(sample(), { hide: [-1n] })).toThrow(/64-bit/);
  });
});

describe("validateCpregList", () => {
  const bad: [string, CpregList, RegExp, number | undefined][] = [
    ["length mismatch", { indexes: [1n, 2n], values: [0n] }, /differ in length: 2 indexes, 1 values/, undefined],
    ["unsorted", { indexes: [TCR2, ID_DFR0_EL1], values: [0n, 0n] }, /not strictly ascending at \[1\]: 0x603000000013c00a after 0x603000000013c103/, 1],
    ["duplicate", { indexes: [TCR2, TCR2], values: [0n, 0n] }, /not strictly ascending at \[1\]/, 1],
    ["signed order is not unsigned order", { indexes: [0x8000000000000000n, 0x6030000000160003n], values: [0n, 0n] }, /ascending/, 1],
    ["negative id", { indexes: [-1n], values: [0n] }, /index \[0\] is not a 64-bit/, 0],
    ["wide value", { indexes: [1n], values: [1n << 64n] }, /value \[0\] \(0x0000000000000001\) is not a 64-bit/, 0],
  ];

  it.each(bad)("rejects %s", (_name, list, message, index) => {
    let err: unknown;
    try {
      validateCpregList(list);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CpregListError);
    expect((err as CpregListError).code).toBe("BAD_CPREG_LIST");
    expect((err as CpregListError).index).toBe(index);
    expect((err as Error).message).toMatch(message);
    expect(() => planCpregEdit(list, { hide: [1n] })).toThrow(CpregListError);
  });

  it("accepts the sample", () => {
    expect(() => validateCpregList(sample())).not.toThrow();
  });
});

describe("findCpreg", () => {
  it("finds by binary search", () => {
    const { indexes } = sample();
    indexes.forEach((id, i) => expect(findCpreg(indexes, id)).toBe(i));
    expect(findCpreg(indexes, 0n)).toBe(-1);
    expect(findCpreg(indexes, 0xffffffffffffffffn)).toBe(-1);
    expect(findCpreg(indexes, 0x603000000013c513n)).toBe(-1);
  });
});
