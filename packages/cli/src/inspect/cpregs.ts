import { cpuRegisterLists, noArmCpuError, type CpuRegisterList } from "@vmstate/inspect";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { readState, throwFailures } from "./state-input.js";
import { jsonDocument } from "../json-output.js";

/**
 * `cpregs`: each Arm vCPU's register list (id, name, value) in stream order. Lists decoded
 * before any damage are printed first (JSON: `complete: false`), then the error (exit 1); a
 * stream with no Arm cpu section exits 4.
 */
export async function cpregsCommand(file: string, json: boolean, io: CliIo): Promise<ExitCode> {
  const state = await readState(file, io);
  const lists = cpuRegisterLists(state);
  if (lists.length === 0 && state.failure === undefined) throw noArmCpuError(state);
  // Damage stops the decoding: the lists before it are printed, and `complete` says more were not read.
  if (json) io.print(jsonDocument("cpregs", { complete: state.failure === undefined, cpus: lists }));
  else io.print(formatCpregs(lists, state.name));
  throwFailures([state]);
  return EXIT.OK;
}

/**
 * One block per vCPU: id, value, name (the name last, since generic AArch32 names can be
 * long), so lines stay within 80 columns.
 */
export function formatCpregs(lists: readonly CpuRegisterList[], name: string): string {
  const lines: string[] = [];
  if (lists.length === 0) lines.push(`${name}: no Arm cpu register list was decoded`);
  for (const cpu of lists) {
    if (lines.length > 0) lines.push("");
    lines.push(`${name}: cpu ${cpu.instance_id}, ${cpu.count} registers`);
    lines.push(`  ${"id".padEnd(18)}  ${"value".padEnd(18)}  name`);
    for (const r of cpu.registers) lines.push(`  ${r.id}  ${r.value}  ${r.name}`);
  }
  return lines.join("\n") + "\n";
}
