/**
 * Properties of register-list edits (fast-check): an edit is the same as editing a map of
 * id → value and listing it sorted, so edits commute with sorting; hiding what was added,
 * and adding back what was hidden with its value, give back the list.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { planCpregEdit, validateCpregList, type CpregList } from "./cpreg-edit.js";

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

/** A valid list: unique ids, ascending, each with a value. */
const list = fc.uniqueArray(fc.tuple(u64, u64), { selector: ([id]) => id, maxLength: 40 }).map((pairs): CpregList => {
  const sorted = [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { indexes: sorted.map(([id]) => id), values: sorted.map(([, v]) => v) };
});

/** The model: the list as a map, edited, then sorted. */
function model(l: CpregList, hide: Set<bigint>, set: Map<bigint, bigint>, add: Map<bigint, bigint>): CpregList {
  const m = new Map(l.indexes.map((id, i) => [id, l.values[i]!]));
  for (const id of hide) m.delete(id);
  for (const [id, v] of set) if (m.has(id)) m.set(id, v);
  for (const [id, v] of add) if (!m.has(id)) m.set(id, v);
  const ids = [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { indexes: ids, values: ids.map((id) => m.get(id)!) };
}

describe("planCpregEdit, as properties", () => {
  it("equals editing a map and sorting it, and keeps the list valid", () => {
    fc.assert(
      fc.property(list, fc.array(u64, { maxLength: 8 }), fc.array(fc.tuple(u64, u64), { maxLength: 8 }), fc.array(fc.tuple(u64, u64), { maxLength: 8 }), fc.infiniteStream(fc.nat()), (l, extra, setPairs, addPairs, picks) => {
        // Requests that touch present ids too, each id in one request only (as checkCpregRequest demands).
        const it = picks[Symbol.iterator]();
        const present = (n: number) => l.indexes.length === 0 ? [] : Array.from({ length: n }, () => l.indexes[it.next().value! % l.indexes.length]!);
        const hide = new Set([...extra, ...present(3)]);
        const set = new Map([...setPairs, ...present(3).map((id) => [id, 7n] as [bigint, bigint])].filter(([id]) => !hide.has(id)));
        const add = new Map(addPairs.filter(([id]) => !hide.has(id) && !set.has(id) && !l.indexes.includes(id)));
        const plan = planCpregEdit(l, { hide, set, add });
        const got = { indexes: plan.indexes, values: plan.values };
        validateCpregList(got);
        expect(got).toEqual(model(l, hide, set, add));
      }),
      { numRuns: 300 },
    );
  });

  it("hide after add, and add after hide, give back the list", () => {
    fc.assert(
      fc.property(list, fc.array(fc.tuple(u64, u64), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 8 }), (l, newPairs, picks) => {
        const add = new Map(newPairs.filter(([id]) => !l.indexes.includes(id)));
        const added = planCpregEdit(l, { add });
        expect(planCpregEdit(added, { hide: add.keys() })).toMatchObject({ indexes: l.indexes, values: l.values });
        if (l.indexes.length === 0) return;
        const hidden = new Map(picks.map((p) => p % l.indexes.length).map((i) => [l.indexes[i]!, l.values[i]!]));
        const without = planCpregEdit(l, { hide: hidden.keys() });
        expect(planCpregEdit(without, { add: hidden })).toMatchObject({ indexes: l.indexes, values: l.values });
      }),
      { numRuns: 300 },
    );
  });
});
