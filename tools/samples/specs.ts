/**
 * The committed samples: how each one is made and what it is for.
 *
 * Every sample is a paused-VM snapshot unless it says live. Machines use `-nodefaults` and small
 * RAM to keep files small; on Arm `virt` the two 64 MiB flash banks are RAM blocks too, so every
 * virt stream carries ~32 Ki ZERO records for them (about 300 KB) whatever `-m` is.
 */
import type { QemuKind } from "../qemu/binaries.js";
import type { LiveOptions, MigrateInfo } from "../qemu/capture.js";
import { COMPRESS_DATA_ADDR, XBZRLE_LOOP_ADDR } from "./guest-data.js";

/** One sample to capture. `{work}` in `sourceOnlyArgs` is the capture's scratch dir. */
export interface SampleSpec {
  file: string;
  kind: QemuKind;
  arch: "aarch64" | "arm" | "x86_64";
  vcpus: number;
  /** Machine arguments shared by source and destination (the source also gets `-S`). */
  args: string[];
  /** Source-only arguments: generic-loader devices that put payloads into RAM. */
  sourceOnlyArgs?: string[];
  capabilities?: Record<string, boolean>;
  parameters?: Record<string, unknown>;
  runMs: number;
  live?: LiveOptions;
  /** What a destination needs beyond `args` to load the stream. */
  destination?: { extraArgs?: string[]; capabilities?: Record<string, boolean>; parameters?: Record<string, unknown> };
  /** Framing the stream must have (checked against the bytes after capture). */
  expect: { vmdesc: boolean; footers: boolean; configuration: boolean; pageSize: number };
  /** README text: what this sample exercises. */
  exercises: string;
  /** Returns a complaint when the final `query-migrate` shows the feature was not exercised. */
  check?: (final: MigrateInfo) => string | undefined;
  /** Deliberate failures: loading into another QEMU must fail with this stderr text. */
  crossLoads?: { kind: QemuKind; stderrIncludes: string }[];
  /** False when the sample must not be loaded by the QEMU that wrote it (none today). */
  selfLoad?: boolean;
  /**
   * Registers put into every vCPU after the capture (tools/simulate-newer-source.ts), for a
   * stream no QEMU here can write: what a newer host kernel's QEMU saves under KVM.
   */
  inserted?: ReadonlyMap<bigint, bigint>;
}

const UEFI = "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd";
const base = (cpu: string, machine = "virt", mem = "32") => ["-M", machine, "-cpu", cpu, "-m", mem, "-nodefaults"];
const std = { vmdesc: true, footers: true, configuration: true, pageSize: 4096 };

/** Samples made with Debian's QEMU 7.2. */
export const SAMPLES_72: SampleSpec[] = [
  {
    file: "aarch64-virt-max-1cpu.mig",
    kind: "aarch64", arch: "aarch64", vcpus: 1,
    args: base("max"),
    runMs: 200,
    expect: std,
    exercises: "Baseline aarch64 `virt` with `-cpu max` (the largest cpreg list), 1 vCPU, no firmware: RAM is almost all ZERO records plus the DTB page; every device section with footers; vmdesc trailer.",
  },
  {
    file: "aarch64-virt-max-4cpu.mig",
    kind: "aarch64", arch: "aarch64", vcpus: 4,
    args: [...base("max"), "-smp", "4"],
    runMs: 200,
    expect: std,
    exercises: "Four vCPUs: `cpu_common`/`cpu` sections repeat per vCPU with instance ids 0..3, interleaved; GIC state sized for 4 CPUs.",
  },
  {
    file: "aarch64-virt-7.2-a57.mig",
    kind: "aarch64", arch: "aarch64", vcpus: 1,
    args: base("cortex-a57", "virt-7.2"),
    runMs: 200,
    expect: std,
    // Forward migration 7.2 -> 10.0 fails too with Debian's builds: the cpu post_load rejects
    // the differing read-only ID register values (checked when the newer QEMU is present).
    crossLoads: [{ kind: "newer-aarch64", stderrIncludes: "load of migration failed: Operation not permitted" }],
    exercises: "`-cpu cortex-a57` (a fixed, smaller cpreg list than `max`) on the explicit `virt-7.2` machine type. Also the 7.2 half of the backward-migration pair: compare with `newer-aarch64-virt-7.2-a57.mig` (same command line, written by 10.0). Forward migration fails as well: loading this 7.2 stream into 10.0 with the same arguments ends in `error while loading state for instance 0x0 of device 'cpu'` / `load of migration failed: Operation not permitted` (cpu post_load: read-only ID registers differ).",
  },
  {
    file: "arm-virt-a15.mig",
    kind: "arm", arch: "arm", vcpus: 1,
    args: base("cortex-a15"),
    runMs: 200,
    expect: std,
    exercises: "32-bit Arm (`qemu-system-arm -M virt -cpu cortex-a15`): AArch32 `cpu` section layout and 32-bit cpreg ids.",
  },
  {
    file: "x86_64-pc-seabios.mig",
    kind: "x86_64", arch: "x86_64", vcpus: 1,
    args: ["-M", "pc", "-m", "32", "-nodefaults"],
    runMs: 2000,
    expect: { ...std, pageSize: 4096 },
    exercises: "x86_64 i440FX `pc` after ~2 s of SeaBIOS (real RAM content, PAGE records, `pc.bios`/`pc.rom` blocks); configuration section without the target-page-bits subsection.",
  },
  {
    file: "x86_64-q35-seabios.mig",
    kind: "x86_64", arch: "x86_64", vcpus: 1,
    args: ["-M", "q35", "-m", "32", "-nodefaults"],
    runMs: 2000,
    expect: { ...std, pageSize: 4096 },
    exercises: "x86_64 `q35` (ICH9, PCIe) after ~2 s of SeaBIOS: many more device sections (ich9 LPC/AHCI/SMBus, etc.).",
  },
  {
    file: "aarch64-virt-no-vmdesc.mig",
    kind: "aarch64", arch: "aarch64", vcpus: 1,
    args: base("cortex-a57", "virt,suppress-vmdesc=on"),
    runMs: 200,
    expect: { ...std, vmdesc: false },
    exercises: "`suppress-vmdesc=on`: no VMDESCRIPTION trailer; the file ends right after the EOF byte 00.",
  },
  {
    file: "aarch64-virt-no-footer-no-config.mig",
    kind: "aarch64", arch: "aarch64", vcpus: 1,
    args: [...base("cortex-a57"), "-global", "migration.send-section-footer=off", "-global", "migration.send-configuration=off"],
    runMs: 200,
    expect: { ...std, footers: false, configuration: false },
    exercises: "No section footers and no configuration section (what pre-2.4 machine types and Xen do). With no configuration section the stream itself does not state the target page size (it is still 4096; the vmdesc `page_size` says so, and since offsets are 4 KiB aligned, masking RAM words with the Arm legacy 1 KiB mask gives the same flags). The destination needs the same two `-global`s (they are in `args`).",
  },
  {
    file: "aarch64-virt-2.6-1k-pages.mig",
    kind: "aarch64", arch: "aarch64", vcpus: 1,
    args: base("cortex-a57", "virt-2.6"),
    runMs: 200,
    expect: { ...std, pageSize: 1024 },
    exercises: "`-M virt-2.6`: 1 KiB target pages (no `configuration/target-page-bits` subsection; RAM flags live in the low 10 bits; 4x as many records).",
  },
  {
    file: "aarch64-virt-uefi.mig",
    kind: "aarch64", arch: "aarch64", vcpus: 1,
    args: ["-M", "virt", "-cpu", "cortex-a57", "-m", "128", "-nodefaults", "-bios", UEFI],
    runMs: 40,
    expect: std,
    // The 2 MiB firmware image alone is 512 PAGE records of virt.flash0; demand RAM pages too.
    check: (f) => ((f.ram?.normal ?? 0) > 512 + 32 ? undefined : "firmware wrote (almost) no RAM"),
    exercises: "UEFI (EDK2 `QEMU_EFI.fd` from Debian qemu-efi-aarch64) stopped ~40 ms after start: real RAM content written by the firmware (PAGE records in `mach-virt.ram`) and the firmware image itself in `virt.flash0` (512 PAGE records). Kept small on purpose: with `-m` below 128 this EDK2 build writes no RAM at all (it does not get going), and after ~1 s at `-m 128` it has written ~24 MiB (a 25 MB stream), so the capture stops it early; the amount of RAM written varies from run to run.",
  },
  {
    file: "aarch64-virt-compress.mig",
    kind: "aarch64", arch: "aarch64", vcpus: 1,
    args: base("cortex-a57"),
    sourceOnlyArgs: ["-device", `loader,file={work}/compress.txt,addr=0x${COMPRESS_DATA_ADDR.toString(16)}`],
    capabilities: { compress: true },
    parameters: { "compress-threads": 2 },
    runMs: 200,
    destination: { extraArgs: ["-global", "migration.x-compress=on"] },
    expect: std,
    check: (f) => ((f.compression?.pages ?? 0) > 0 ? undefined : "no compressed pages reported"),
    exercises: "Capability `compress` (zlib, QEMU <= 9.0) with 256 KiB of generated text loaded at 0x40400000: COMPRESS_PAGE (0x100) records. The destination needs `-global migration.x-compress=on` (verified: without it 7.2 fails with `Received an unexpected compressed page`). The generic-loader device is source-only (it has no migration state; the data travel in RAM).",
  },
  {
    file: "aarch64-virt-xbzrle.mig",
    kind: "aarch64", arch: "aarch64", vcpus: 1,
    args: base("cortex-a57"),
    sourceOnlyArgs: ["-device", `loader,file={work}/loop.bin,addr=0x${XBZRLE_LOOP_ADDR.toString(16)},cpu-num=0`],
    capabilities: { xbzrle: true },
    parameters: { "xbzrle-cache-size": 4 * 1024 * 1024, "downtime-limit": 1, "max-bandwidth": 4 * 1024 * 1024 },
    runMs: 300,
    live: {
      until: (i) => (i["xbzrle-cache"]?.pages ?? 0) >= 64,
      thenStop: true,
      thenParameters: { "max-bandwidth": 1024 * 1024 * 1024 },
      timeoutMs: 90_000,
    },
    expect: std,
    check: (f) => ((f["xbzrle-cache"]?.pages ?? 0) > 0 ? undefined : "no XBZRLE pages reported"),
    exercises: "Live migration with capability `xbzrle`: a guest loop (tools/samples/guest-data.ts) rewrites 64 pages at 0x40100000 and flushes its TLB each pass, so pages are resent round after round and go out as XBZRLE (0x40) records from their third send; several RAM PART sections. The capture waits until query-migrate reports >= 64 XBZRLE pages, then stops the guest and raises the bandwidth so the migration converges. Timing decides how many live rounds happen first (sometimes QEMU converges by itself after the second round and the 64 pages go out as XBZRLE only in the final stage); the QMP steps and `migrateStats` below say what happened for this file. The destination needs no capability (XBZRLE records are decoded regardless; verified by the load-back, which sets none).",
  },
];

/** Samples made with the newer QEMU (10.x from bookworm-backports). */
export const SAMPLES_NEWER: SampleSpec[] = [
  {
    file: "newer-aarch64-virt-max.mig",
    kind: "newer-aarch64", arch: "aarch64", vcpus: 1,
    args: base("max"),
    runMs: 200,
    expect: std,
    exercises: "QEMU 10.0 `virt -cpu max`: `virt-10.0` machine, vmdesc starts with a `configuration` object, COMMAND SWITCHOVER_START (id 11) before RAM END, a longer cpreg list.",
  },
  {
    file: "newer-aarch64-virt-7.2-a57.mig",
    kind: "newer-aarch64", arch: "aarch64", vcpus: 1,
    args: base("cortex-a57", "virt-7.2"),
    runMs: 200,
    expect: std,
    crossLoads: [{ kind: "aarch64", stderrIncludes: "Failed to load cpu:cpreg_vmstate_array_len" }],
    exercises: "The real backward migration: written by 10.0 with `-M virt-7.2 -cpu cortex-a57`. No SWITCHOVER_START command (10.0 turns it off for machine types <= 9.2). Loads in 10.0; loading it into 7.2 with the same arguments FAILS (`Failed to load cpu:cpreg_vmstate_array_len`: the 10.0 cpreg list is longer). Compare with `aarch64-virt-7.2-a57.mig`.",
  },
];

/**
 * The guest of `spec` saved without a vmdesc (`-M …,suppress-vmdesc=on`), as
 * `…-no-vmdesc.mig`: a twin whose `cpu` sections the built-in schema must read as the
 * vmdesc of `spec` describes them.
 */
function withoutVmdesc(spec: SampleSpec, exercises: string): SampleSpec {
  const machine = spec.args.indexOf("-M") + 1;
  const args = spec.args.map((a, i) => (i === machine ? `${a},suppress-vmdesc=on` : a));
  const { crossLoads: _crossLoads, ...rest } = spec;
  return { ...rest, file: spec.file.replace(/\.mig$/, "-no-vmdesc.mig"), args, expect: { ...spec.expect, vmdesc: false }, exercises };
}

const V11_MAX: SampleSpec = {
  file: "v11-aarch64-virt-max.mig",
  kind: "trixie-aarch64", arch: "aarch64", vcpus: 1,
  args: base("max"),
  runMs: 200,
  expect: std,
  exercises: "QEMU 11.1 `virt -cpu max`: `cpreg_vmstate_array_len` described as `int32` (11.0 allocates the arrays on load), and the `cpu` subsections `cpu/wfxt-timer` and `cpu/fpmr` (last in 11.1's list) after `cpu/irq-line-state`.",
};

const V11_72_A57: SampleSpec = {
  file: "v11-aarch64-virt-7.2-a57.mig",
  kind: "trixie-aarch64", arch: "aarch64", vcpus: 1,
  args: base("cortex-a57", "virt-7.2"),
  runMs: 200,
  expect: std,
  crossLoads: [{ kind: "aarch64", stderrIncludes: "Failed to load cpu:cpreg_vmstate_array_len" }],
  exercises: "QEMU 11.1 saving the deprecated `-M virt-7.2 -cpu cortex-a57` (it warns on stderr and goes on): 11.1 sends `cpu/wfxt-timer` although cortex-a57 lacks FEAT_WFxT (ID_AA64ISAR2_EL1 is 0), which no release before 11.x does. Loading it into 7.2 with the same arguments fails (`Failed to load cpu:cpreg_vmstate_array_len`: 11.1's list is longer).",
};

/**
 * Samples made with QEMU 11.1 (trixie-backports, run in the chroot of
 * `tools/fetch-qemu-trixie.sh`). They come in pairs, the same guest saved with and without
 * a vmdesc, so the built-in cpu schema can be checked against 11.1's own description.
 */
export const SAMPLES_111: SampleSpec[] = [
  V11_MAX,
  withoutVmdesc(V11_MAX, "The guest of `v11-aarch64-virt-max.mig` saved without a vmdesc: its `cpu` section (with `cpu/fpmr`) can only be read with the built-in schema."),
  V11_72_A57,
  withoutVmdesc(V11_72_A57, "The guest of `v11-aarch64-virt-7.2-a57.mig` saved without a vmdesc: the built-in schema must find `cpu/wfxt-timer` and name field 13 `int32` from the bytes alone."),
];

/** KVM_REG_ARM_VENDOR_HYP_BMAP_2, which Linux 6.15 added (wire-format.md §12.6). */
const VENDOR_HYP_BMAP_2 = 0x6030000000160003n;

/**
 * Streams a real capture becomes after registers are put in: what no QEMU here writes, since
 * only KVM on a newer host kernel lists them. Each says what was added, and that 7.2 refuses it.
 */
export const SAMPLES_SIMULATED: SampleSpec[] = [
  {
    file: "simulated-kvm-bmap2-aarch64-virt-7.2-a57.mig",
    kind: "aarch64", arch: "aarch64", vcpus: 1,
    args: base("cortex-a57", "virt-7.2"),
    runMs: 200,
    expect: std,
    inserted: new Map([[VENDOR_HYP_BMAP_2, 0n]]),
    selfLoad: false,
    crossLoads: [{ kind: "aarch64", stderrIncludes: "Failed to load cpu:cpreg_vmstate_array_len" }],
    exercises: "The README's headline case on a bundled file: a QEMU 7.2 capture of `-M virt-7.2 -cpu cortex-a57` into which tools/simulate-newer-source.ts put `KVM_REG_ARM_VENDOR_HYP_BMAP_2` (`0x6030000000160003`) = 0, the way QEMU on a Linux 6.15+ KVM host lists it (sorted, arrays in step, `cpreg_vmstate_array_len` and the vmdesc updated). QEMU 7.2 refuses it (`Failed to load cpu:cpreg_vmstate_array_len`); `vmstate-rewrite --hide 0x6030000000160003` gives back the capture byte for byte, which loads. Simulated, not written by a QEMU: no KVM host here.",
  },
];
