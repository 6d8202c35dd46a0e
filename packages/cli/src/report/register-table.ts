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
