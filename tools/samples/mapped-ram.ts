/**
 * The mapped-ram samples (tools/capture-mapped-ram.ts): how QEMU 10.0 made each one and what a
 * destination needs to load it. They are not in samples/manifest.json: the files are sparse
 * (a logical size of about the guest's RAM plus flash) and committed as `tar --sparse`
 * archives, which test/support/packed-samples.ts expands on demand.
 */

/** One mapped-ram capture. */
export interface MappedRamSample {
  /** The stream's name; the archive is `samples/<file>.tar.gz`. */
  file: string;
  /** Machine arguments shared by source and destination (the source also gets `-S`). */
  args: string[];
  /** Set on both ends (a mapped-ram destination must have the capability on). */
  capabilities: Record<string, boolean>;
  parameters?: Record<string, unknown>;
}

/** Arguments of both captures: `-cpu max` for the largest register list. */
const ARGS = ["-M", "virt", "-cpu", "max", "-m", "128", "-nodefaults"];

export const MAPPED_RAM_SAMPLES: readonly MappedRamSample[] = [
  { file: "newer-aarch64-virt-mapped-ram.mig", args: ARGS, capabilities: { "mapped-ram": true } },
  {
    file: "newer-aarch64-virt-mapped-ram-multifd.mig",
    args: ARGS,
    capabilities: { "mapped-ram": true, multifd: true },
    parameters: { "multifd-channels": 2 },
  },
];
