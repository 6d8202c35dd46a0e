/**
 * The register table of the report: every Arm vCPU's registers with names and values and,
 * beside a destination, each register's standing against the destination's list: in both
 * with the same value, differing, only in the source, or only in the destination. The
 * source's rows are `cpregs --json`'s (same ids, names and values, same order); the
 * destination's extra rows come after them, ids ascending.
 *
 * A destination vCPU is matched by instance id, as QEMU matches sections; when the
 * destination has fewer vCPUs (a one-vCPU capture for a four-vCPU source), the first one
 * stands for all, since a CPU model's register list is the same on every vCPU. A destination
 * given as a list of ids has no values: registers in both are then "in both" without a value
 * comparison. A destination stream without Arm vCPUs gives the plain source rows.
 */
import { registerName } from "@vmstate/arm";
import { armCpus, type StreamState } from "@vmstate/inspect";
import { hex64 } from "@vmstate/wire";
import type { Destination } from "@vmstate/destination";

/** A register's standing against the destination; "source" when there is no destination. */
export type RegisterStatus = "same" | "differs" | "only-source" | "only-dest" | "source";

export interface RegisterRow {
  id: string;
  name: string;
  /** The source's value; null for a register only the destination has. */
  value: string | null;
  /** The destination's value; null when it has none (not there, or a list of ids). */
  dest: string | null;
  status: RegisterStatus;
}

export interface CpuRegisters {
  instanceId: number;
  rows: RegisterRow[];
}

/** The rows of every source vCPU; `dest` undefined when the report has no destination. */
export function registerTable(src: StreamState, dest: Destination | undefined): CpuRegisters[] {
  const destCpus = dest?.kind === "stream" ? armCpus(dest.state) : [];
  return armCpus(src).map((cpu) => {
    const list = cpu.cpregs!;
    // A destination without an Arm register list (an x86 stream) has nothing to compare.
    if (dest === undefined || (dest.kind === "stream" && destCpus.length === 0)) {
      return { instanceId: cpu.instanceId, rows: list.indexes.map((id, i) => row(id, list.values[i]!, null, "source")) };
    }
    const other = dest.kind === "register-list"
      ? new Map<bigint, bigint | null>(dest.ids.map((id) => [id, null]))
      : destinationList(destCpus.find((d) => d.instanceId === cpu.instanceId) ?? destCpus[0]);
    const rows = list.indexes.map((id, i) => {
      const value = list.values[i]!;
      if (!other.has(id)) return row(id, value, null, "only-source");
      const theirs = other.get(id) ?? null;
      return row(id, value, theirs, theirs === null || theirs === value ? "same" : "differs");
    });
    const mine = new Set(list.indexes);
    const extra = [...other.keys()].filter((id) => !mine.has(id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const id of extra) rows.push(row(id, null, other.get(id) ?? null, "only-dest"));
    return { instanceId: cpu.instanceId, rows };
  });
}

function destinationList(cpu: ReturnType<typeof armCpus>[number] | undefined): Map<bigint, bigint | null> {
  const list = cpu?.cpregs;
  return new Map(list === undefined ? [] : list.indexes.map((id, i) => [id, list.values[i] ?? null]));
}

function row(id: bigint, value: bigint | null, dest: bigint | null, status: RegisterStatus): RegisterRow {
  return { id: hex64(id), name: registerName(id), value: value === null ? null : hex64(value), dest: dest === null ? null : hex64(dest), status };
}

/**
 * The register table as the page carries it. Rows are made in the page by its script, from
 * this: a 16-vCPU `-cpu max` guest has some 5,000 rows, and as markup (each with its id, name,
 * two 18-character values and a status label) they were 1.2 MB, most of a page meant to stay
 * far below 2 MB. Here what the vCPUs share is written once: ids and names in one table,
 * each distinct row list once (every vCPU of a CPU model lists the same registers), each
 * distinct value once (ID registers, most of a list, are equal on every vCPU). What is left
 * per vCPU is a status letter and a value index a row.
 */
export interface CompactRegisters {
  /** Every register id of any row (`0x…`, as `cpregs` prints it), and its name at the same index. */
  ids: string[];
  names: string[];
  /** The distinct row lists: for each row, the index of its id in `ids`. */
  lists: number[][];
  /** The distinct values, as hex digits without `0x` and leading zeros (`0` for zero). */
  values: string[];
  /**
   * Whether a "same" row shows the destination's value (which is then the source's): true
   * beside a stream, false beside a list of ids, which has no values.
   */
  destValues: boolean;
  cpus: CompactCpu[];
}

export interface CompactCpu {
  cpu: number;
  /** Index into `lists`. */
  list: number;
  /** One letter a row, its {@link RegisterStatus} (see {@link STATUS_LETTER}). */
  status: string;
  /** A row's value as an index into `values`: the source's, or for an only-dest row the destination's; -1 for none. */
  value: number[];
  /** The destination's values of the "differs" rows, in row order. */
  dest: number[];
}

/** The letters of the statuses in {@link CompactCpu.status}; the page's script reads them back. */
export const STATUS_LETTER: Readonly<Record<RegisterStatus, string>> = { same: "s", differs: "d", "only-source": "o", "only-dest": "x", source: "r" };

export function compactRegisters(cpus: readonly CpuRegisters[]): CompactRegisters {
  const ids = new Map<string, number>();
  const names: string[] = [];
  const lists = new Map<string, number>();
  const values = new Map<string, number>();
  const valueIndex = (v: string | null): number => {
    if (v === null) return -1;
    const digits = v.slice(2).replace(/^0+(?=.)/, "");
    let i = values.get(digits);
    if (i === undefined) values.set(digits, (i = values.size));
    return i;
  };
  let destValues = false;
  const out = cpus.map((c): CompactCpu => {
    const list = c.rows.map((r) => {
      let i = ids.get(r.id);
      if (i === undefined) {
        ids.set(r.id, (i = ids.size));
        names.push(r.name);
      }
      return i;
    });
    const key = list.join(",");
    let listIndex = lists.get(key);
    if (listIndex === undefined) lists.set(key, (listIndex = lists.size));
    const dest: number[] = [];
    for (const r of c.rows) {
      if (r.status === "same" && r.dest !== null) destValues = true;
      if (r.status === "differs") dest.push(valueIndex(r.dest));
    }
    return {
      cpu: c.instanceId,
      list: listIndex,
      status: c.rows.map((r) => STATUS_LETTER[r.status]).join(""),
      value: c.rows.map((r) => valueIndex(r.status === "only-dest" ? r.dest : r.value)),
      dest,
    };
  });
  return { ids: [...ids.keys()], names, lists: [...lists.keys()].map((k) => (k === "" ? [] : k.split(",").map(Number))), values: [...values.keys()], destValues, cpus: out };
}
