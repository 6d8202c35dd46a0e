/**
 * What an Arm destination's `cpu_post_load` (`target/arm/machine.c`) does with an incoming
 * register list, replayed step by step so that its outcome and its printed lines can be
 * predicted exactly.
 *
 * 1. The walk. Both lists are sorted by id. Up to 10.2 the walk runs while both lists last:
 *    a destination id the stream lacks is skipped, and the first stream id the destination
 *    does not know fails the load at once (return -1); stream ids past the destination's last
 *    one are never looked at, so they are dropped without a word. From 11.0 the walk covers
 *    both lists whole and prints a line for every id only one side has (a warning for one the
 *    stream lacks, an error for one the destination does not know), then fails if there was
 *    an unknown one.
 * 2. The values. A destination id the stream lacks keeps what the destination's own list
 *    holds, and a destination that has just started holds 0 there (QEMU fills that list only
 *    when it saves): shown on QEMU 7.2 and 11.1 by loading a stream without SCTLR_EL1 and
 *    saving again (SCTLR_EL1 came back 0, not its reset value 0xc50838).
 * 3. TCG writes every value of its list into the CPU and reads it back; a register that
 *    keeps its own value (ID registers and other constants, `@vmstate/arm`'s `isConstantRegister`) reads back
 *    differently when the written value is not its own, and the load fails. So a constant
 *    the stream lacks fails the load unless the destination's value is 0 (seen: RMR_EL1,
 *    value 1 on QEMU 11.1's cortex-a57). Under KVM the kernel decides instead.
 */
import { qemuCpregKey } from "@vmstate/arm";
import type { RegisterSet } from "@vmstate/inspect";
import type { CpregLoadModel } from "./release.js";

/** A register of the walk, with its value on each side where known. */
export interface WalkedRegister {
  id: bigint;
  /** The stream's value. */
  value?: bigint;
  /** The destination's value (from its own stream). */
  destValue?: bigint;
}

/** What the destination does with one vCPU's list. */
export interface CpregLoad {
  /** Stream ids the walk meets and the destination does not know: each fails the load. */
  unknown: WalkedRegister[];
  /** Stream ids the destination lacks and lets pass: past its last id (up to 10.2), or tolerated (11.x). */
  unreached: WalkedRegister[];
  /** Destination ids the stream lacks: written as 0. */
  missing: WalkedRegister[];
  /** Registers whose written value a TCG destination does not keep (so the load fails); empty without destination values. */
  readBack: { id: bigint; written: bigint; own: bigint; inStream: boolean }[];
  /** What the walk prints (from 11.0), in id order. */
  printed: string[];
}

/**
 * Replays the walk of `model` over the stream's list `src` and the destination's `dest`;
 * `isConstant` tells which registers keep their own value on the destination, and
 * `tolerated` which stream-only registers a release that reports all (11.x) lets pass
 * without a word (its migration tolerances).
 */
export function replayCpregLoad(
  src: RegisterSet,
  dest: RegisterSet,
  model: CpregLoadModel,
  isConstant: (id: bigint) => boolean,
  tolerated: (id: bigint, value: bigint) => boolean,
): CpregLoad {
  const s = sortedEntries(src);
  const d = sortedEntries(dest);
  const out: CpregLoad = { unknown: [], unreached: [], missing: [], readBack: [], printed: [] };
  const written = new Map<bigint, bigint>();
  let i = 0;
  let v = 0;
  while (i < d.length || v < s.length) {
    const local = d[i];
    const incoming = s[v];
    if (local !== undefined && (incoming === undefined || incoming.id > local.id)) {
      out.missing.push({ id: local.id, destValue: local.value });
      if (model === "report-all") out.printed.push(missingLine(local.id));
      i++;
    } else if (incoming !== undefined && (local === undefined || incoming.id < local.id)) {
      const lone = { id: incoming.id, value: incoming.value };
      if (local === undefined && model === "stop-at-first-unknown") out.unreached.push(lone);
      else if (model === "report-all" && tolerated(incoming.id, incoming.value ?? 0n)) out.unreached.push(lone);
      else {
        out.unknown.push(lone);
        if (model === "report-all") out.printed.push(unknownLine(incoming.id));
      }
      v++;
    } else {
      if (incoming!.value !== undefined) written.set(incoming!.id, incoming!.value);
      i++;
      v++;
    }
  }
  for (const r of d) {
    if (r.value === undefined || !isConstant(r.id)) continue;
    const value = written.get(r.id) ?? 0n;
    if (value !== r.value) out.readBack.push({ id: r.id, written: value, own: r.value, inStream: written.has(r.id) });
  }
  return out;
}

function sortedEntries(set: RegisterSet): { id: bigint; value: bigint | undefined }[] {
  return set.indexes
    .map((id, k) => ({ id, value: set.values?.[k] }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const register = (id: bigint) => `system register 0x${qemuCpregKey(id).toString(16)}`;
const missingLine = (id: bigint) =>
  `warning: handle_cpreg_missing_in_incoming_stream: ${register(id)} expected by the destination but not in the incoming stream: skip it`;
const unknownLine = (id: bigint) =>
  `handle_cpreg_only_in_incoming_stream: ${register(id)} in the incoming stream but unknown on the destination: fail migration`;
