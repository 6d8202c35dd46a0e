import { walkSection, type DeviceDesc, type WalkResult } from "@vmstate/vmsd";
import { ARM_CPU_IDSTR, ARM_CPU_VERSION, walkArmCpu } from "@vmstate/arm";

/** Walks a FULL section's payload with its vmdesc entry (`payload[0]` is at absolute `base`). */
export function walkWithVmdesc(desc: DeviceDesc, payload: Uint8Array, base: number, path: string): WalkResult {
  return walkSection(desc, payload, 0, { base, path });
}

/**
 * Walks a FULL section with a built-in schema when we have one for it, else undefined.
 * Only the Arm `cpu` section (version 22, one wire layout from QEMU 2.x to 11.1) has one,
 * `@vmstate/arm`'s: it is the section our users must edit even when the stream has no vmdesc.
 */
export function walkWithSchema(idstr: string, version: number, payload: Uint8Array, base: number, path: string): WalkResult | undefined {
  if (idstr !== ARM_CPU_IDSTR || version !== ARM_CPU_VERSION) return undefined;
  return walkArmCpu(payload, 0, { base, path, version });
}
