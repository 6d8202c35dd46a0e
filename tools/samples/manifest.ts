/**
 * The shape of samples/manifest.json. Tests read it to load samples back into QEMU, so every
 * field says exactly what a destination needs; `verified` records what the capture script
 * checked when the sample was made.
 */
import type { QemuKind } from "../qemu/binaries.js";

/** One committed sample. */
export interface ManifestEntry {
  file: string;
  /** Registers put into every vCPU after the capture (id → value, hex): a simulated stream. */
  inserted?: Record<string, string>;
  bytes: number;
  sha256: string;
  qemu: {
    /** Flavour for `findQemu()` in tools/qemu/binaries.ts (`newer-*` = the unpacked 10.x). */
    kind: QemuKind;
    /** Version line of the QEMU that wrote the sample. */
    version: string;
    /** Executable name on PATH, or path relative to the repository root. */
    binary: string;
    /** Arguments the binary itself needs first (relative `-L` dir for the newer QEMU). */
    baseArgs: string[];
  };
  /** Arguments to start a destination that can load the sample (source args without `-S`). */
  args: string[];
  /** What a destination needs besides `args` and `-incoming`. */
  destination: {
    extraArgs: string[];
    capabilities: Record<string, boolean>;
    parameters: Record<string, unknown>;
  };
  /** How the sample was made. */
  source: {
    /** Full source argv; `$WORK` = scratch dir with generated payloads, `SOCK` = QMP socket. */
    argv: string[];
    /** Source-only arguments (generic-loader payloads), already part of `argv`. */
    sourceOnlyArgs: string[];
    capabilities: Record<string, boolean>;
    parameters: Record<string, unknown>;
    runMs: number;
    live: boolean;
    qmpSteps: string[];
  };
  flags: {
    vmdesc: boolean;
    footers: boolean;
    configuration: boolean;
    /** Target page size in bytes (4096, or 1024 for virt-2.6). */
    pageSize: number;
    arch: "aarch64" | "arm" | "x86_64";
    vcpus: number;
    /** Machine name from the configuration section (null when there is none). */
    machine: string | null;
  };
  /** RAMBlocks of the MEM_SIZE list, in stream order. */
  ramBlocks: { name: string; bytes: number }[];
  /** From the source's final `query-migrate`. */
  migrateStats: {
    transferred: number;
    normalPages: number;
    zeroPages: number;
    dirtySyncCount: number;
    xbzrlePages: number;
    compressedPages: number;
  };
  verified: {
    selfLoad: { kind: QemuKind; ok: boolean; status: string };
    /** Deliberate loads into other QEMUs (expected to fail), with the stderr they produced. */
    crossLoads: { kind: QemuKind; version: string; ok: boolean; stderr: string }[];
  };
  exercises: string;
}

/** samples/manifest.json */
export interface Manifest {
  generatedBy: string;
  note: string;
  samples: ManifestEntry[];
}
