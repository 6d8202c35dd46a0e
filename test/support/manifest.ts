import { readFileSync } from "node:fs";
import { join } from "node:path";
import { requireQemu, type QemuKind } from "../../tools/qemu/binaries.js";
import { loadStream, type LoadResult } from "../../tools/qemu/load.js";
import { SAMPLES_DIR } from "./samples.js";

/** One entry of samples/manifest.json (written by tools/capture-samples.ts). */
export interface SampleEntry {
  file: string;
  /** Registers put in after the capture (id → value): a simulated stream its QEMU refuses as it is. */
  inserted?: Record<string, string>;
  qemu: { kind: QemuKind; version: string };
  /** Arguments a destination needs (the source's, without -S). */
  args: string[];
  destination: { extraArgs: string[]; capabilities: Record<string, boolean>; parameters: Record<string, unknown> };
  flags: { vmdesc: boolean; footers: boolean; configuration: boolean; pageSize: number; arch: string; vcpus: number; machine: string | null };
  ramBlocks: { name: string; bytes: number }[];
}

export function manifest(): SampleEntry[] {
  return (JSON.parse(readFileSync(join(SAMPLES_DIR, "manifest.json"), "utf8")) as { samples: SampleEntry[] }).samples;
}

export function sampleEntry(file: string): SampleEntry {
  const s = manifest().find((e) => e.file === file);
  if (!s) throw new Error(`${file} is not in samples/manifest.json`);
  return s;
}

/**
 * Loads a stream file into a destination QEMU configured as the sample's was (or as another
 * QEMU flavour, for backward migrations). Throws when that QEMU is not installed: tests that
 * need QEMU fail rather than skip (.ci/run installs it).
 */
export function loadLike(sample: SampleEntry, file: string, kind: QemuKind = sample.qemu.kind, keep = false): Promise<LoadResult> {
  return loadStream({
    binary: requireQemu(kind),
    args: sample.args,
    file,
    extraArgs: sample.destination.extraArgs,
    capabilities: sample.destination.capabilities,
    parameters: sample.destination.parameters,
    keep,
  });
}
