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
  });

  it("counts a set to the value already there as unchanged, not as a change", () => {
    const list = sample();
    const plan = planCpregEdit(list, { set: new Map([[ID_DFR0_EL1, 0x03010006n]]) });
    expect(plan.changed).toBe(false);
    expect(plan.values).toBe(list.values);
    expect(plan.unchanged).toEqual([{ kind: "set", id: ID_DFR0_EL1, value: 0x03010006n }]);
  });

  it("adds registers at their place in both arrays, lowest and highest ids included", () => {
    const list = sample();
    const add = new Map([[0xffff_ffff_ffff_fff0n, 5n], [0x603000000013c513n, 6n], [0x10n, 7n]]);
    const plan = planCpregEdit(list, { add });
    const pairs = list.indexes.map((id, i) => [id, list.values[i]!] as const).concat([...add]);
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    expect(plan.indexes).toEqual(pairs.map((p) => p[0]));
    expect(plan.values).toEqual(pairs.map((p) => p[1]));
    expect(plan.changes).toEqual([
      { kind: "added", id: 0x10n, newValue: 7n },
      { kind: "added", id: 0x603000000013c513n, newValue: 6n },
      { kind: "added", id: 0xffff_ffff_ffff_fff0n, newValue: 5n },
    ]);
    expect(() => validateCpregList(plan)).not.toThrow();
    expect(list.indexes).toHaveLength(9);
  });

  it("undoes a hide by adding the same register back with its value", () => {
    const list = sample();
    for (const id of list.indexes) {
      const hidden = planCpregEdit(list, { hide: [id] });
      const value = list.values[list.indexes.indexOf(id)]!;
      const back = planCpregEdit(hidden, { add: new Map([[id, value]]) });
      expect(back.indexes).toEqual(list.indexes);
      expect(back.values).toEqual(list.values);
    }
  });

  it("does not add a present register: unchanged when equal, a conflict when not", () => {
    const list = sample();
    const plan = planCpregEdit(list, { add: new Map([[ID_DFR0_EL1, 0x03010006n], [TCR2, 1n]]) });
    expect(plan.changed).toBe(false);
    expect(plan.indexes).toBe(list.indexes);
    expect(plan.unchanged).toEqual([{ kind: "add", id: ID_DFR0_EL1, value: 0x03010006n }]);
    expect(plan.conflicts).toEqual([{ id: TCR2, present: 0n, wanted: 1n }]);
  });

  it("hides, sets and adds in one plan", () => {
    const list = sample();
    const plan = planCpregEdit(list, { hide: [BMAP2], set: new Map([[TCR2, 9n]]), add: new Map([[0x603000000013c513n, 4n]]) });
    expect(plan.indexes).toEqual([...list.indexes.slice(0, 6), 0x603000000013c513n, ...list.indexes.slice(6, 8)]);
    expect(plan.values).toEqual([0n, 0x03010006n, 0x700fe01an, 0x03010006n, 9n, 0n, 4n, 0x10001n, 3n]);
    expect(plan.changes.map((c) => c.kind)).toEqual(["set", "hidden", "added"]);
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
    expect(() => planCpregEdit(sample(), { hide: [TCR2], add: new Map([[TCR2, 0n]]) })).toThrow(/both hidden and added/);
    expect(() => planCpregEdit(sample(), { set: new Map([[TCR2, 0n]]), add: new Map([[TCR2, 0n]]) })).toThrow(/both set and added/);
    expect(() => planCpregEdit(sample(), { add: new Map([[TCR2, -1n]]) })).toThrow(/64-bit/);
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
