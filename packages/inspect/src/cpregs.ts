/**
 * The `cpregs` view: each Arm `cpu` section's register list as id, name and value, in
 * stream order. QEMU migrates these registers as two parallel uint64 arrays counted by
 * `cpreg_vmstate_array_len` (`target/arm/machine.c`, wire-format.md §12.2); the ids are
 * KVM register ids, which `@vmstate/arm` names.
 */
import { registerName } from "@vmstate/arm";
import { VmstateError, hex64 } from "@vmstate/wire";
import { armCpus, type StreamState } from "./stream-state.js";

/** One register of one vCPU, printable as is (`0x` + 16 hex digits). */
export interface CpregEntry {
  id: string;
  name: string;
  value: string;
}

/** The register list of one `cpu` section (one vCPU). */
export interface CpuRegisterList {
  instance_id: number;
  count: number;
  registers: CpregEntry[];
}

/** Which accelerator wrote a register list, as far as the ids tell (see {@link guessAccelerator}). */
export type Accelerator = "kvm" | "tcg" | "unknown";

/** KVM register groups that only KVM's `KVM_GET_REG_LIST` yields (wire-format.md §12.6, §13.1). */
const KVM_ONLY_GROUPS = new Set([0x0011n, 0x0014n, 0x0016n]);
const ARM64 = 0x60n;
const ARM32 = 0x40n;

/**
 * TCG and KVM lists are effectively disjoint (wire-format.md §12.6): QEMU TCG lists
 * AArch32 registers under its own `0x40…` ids and never firmware, firmware-bitmap or
 * CCSIDR-demux registers; a KVM arm64 list has those and no `0x40…` ids. The answer
 * matters because only TCG reads every written value back (`write_list_to_cpustate`).
 */
export function guessAccelerator(ids: readonly bigint[]): Accelerator {
  let kvm = false;
  let tcg = false;
  for (const id of ids) {
    const arch = id >> 56n;
    if (arch === ARM32) tcg = true;
    else if (arch === ARM64 && KVM_ONLY_GROUPS.has((id >> 16n) & 0xfffn)) kvm = true;
  }
  if (kvm === tcg) return "unknown";
  return kvm ? "kvm" : "tcg";
}

/** Every Arm `cpu` section's register list, in stream order. */
export function cpuRegisterLists(state: StreamState): CpuRegisterList[] {
  return armCpus(state).map((cpu) => {
    const list = cpu.cpregs!;
    return {
      instance_id: cpu.instanceId,
      count: list.count,
      registers: list.indexes.map((id, i) => ({ id: hex64(id), name: registerName(id), value: hex64(list.values[i]!) })),
    };
  });
}

/**
 * The error for a stream that has no Arm `cpu` section (an x86 stream, or one whose cpu
 * sections could not be walked): exit code 4 in the CLI, "nothing to apply this to".
 */
export function noArmCpuError(state: StreamState): VmstateError {
  const cpu = state.devices.find((d) => d.idstr === "cpu");
  const why = cpu === undefined
    ? "it has no 'cpu' section"
    : cpu.fields === undefined
      ? "its 'cpu' sections could not be walked (no vmdesc and no schema for this version)"
      : "its 'cpu' sections have no cpreg_vmstate_array_len field (not an Arm CPU)";
  return new VmstateError("NOT_APPLICABLE", `${state.name} has no Arm cpu register list: ${why}`);
}
