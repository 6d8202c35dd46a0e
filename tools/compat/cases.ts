/**
 * The case list of the compatibility matrix: which stream goes into which QEMU.
 *
 * Backward pairs: streams saved by 11.1 and 10.0 from `virt-7.2`, `virt-6.2` and `virt-10.0`
 * guests, loaded into 7.2 and 10.0 with the same arguments. Forward pairs: streams saved by 7.2
 * (`virt-7.2`, `virt-6.2`) loaded into 11.1. A destination that lacks the machine type is no
 * case (QEMU would refuse the command line, not the stream), nor is a release into itself.
 *
 * Every pair also names the stream the destination release saves from the same guest: that is
 * what `vmstate-inspect explain SRC --dest DEST.mig` compares the source against.
 */
import { CPUS, type Guest, guestArgs } from "./guests.js";
import { QEMU_10_0, QEMU_11_1, QEMU_7_2, type Release } from "./releases.js";

/** One stream to capture: a release saving a guest. */
export interface StreamSpec {
  release: Release;
  guest: Guest;
}

/** One migration of the matrix. */
export interface CompatCase {
  /** Stable name, e.g. `11.1-virt-7.2-a57-into-7.2`: file names and test titles. */
  id: string;
  /** The saved stream that is loaded. */
  source: StreamSpec;
  /** The release that loads it (with the source's guest arguments). */
  dest: Release;
  /** The stream `dest` saves from the same guest (explain's `--dest`). */
  destStream: StreamSpec;
}

/** File-name-safe key of a stream: `11.1-virt-7.2-a72x2`. */
export function streamKey(s: StreamSpec): string {
  return `${s.release.name}-${s.guest.machine}-${s.guest.cpu.label}`;
}

/** The arguments both sides of `c` run with. */
export function caseArgs(c: CompatCase): string[] {
  return guestArgs(c.source.guest);
}

/** Which releases each source release is loaded into. */
const DIRECTIONS: readonly { from: Release; into: readonly Release[] }[] = [
  { from: QEMU_11_1, into: [QEMU_7_2, QEMU_10_0] },
  { from: QEMU_10_0, into: [QEMU_7_2, QEMU_10_0] },
  { from: QEMU_7_2, into: [QEMU_11_1] },
];

/** Machine types of the sources, per source release. */
const SOURCE_MACHINES: ReadonlyMap<Release, readonly string[]> = new Map([
  [QEMU_11_1, ["virt-7.2", "virt-6.2", "virt-10.0"]],
  [QEMU_10_0, ["virt-7.2", "virt-6.2", "virt-10.0"]],
  [QEMU_7_2, ["virt-7.2", "virt-6.2"]],
]);

/** Every case of the matrix, in a fixed order (source release, machine, CPU, destination). */
export function compatCases(): CompatCase[] {
  const out: CompatCase[] = [];
  for (const { from, into } of DIRECTIONS) {
    for (const machine of SOURCE_MACHINES.get(from) ?? []) {
      if (!from.machines.includes(machine)) continue;
      for (const cpu of CPUS) {
        const guest = { machine, cpu };
        for (const dest of into) {
          if (dest === from || !dest.machines.includes(machine)) continue;
          const source = { release: from, guest };
          out.push({
            id: `${streamKey(source)}-into-${dest.name}`,
            source,
            dest,
            destStream: { release: dest, guest },
          });
        }
      }
    }
  }
  return out;
}

/** The distinct streams `cases` need (sources and destination streams), each once. */
export function streamsOf(cases: readonly CompatCase[]): StreamSpec[] {
  const seen = new Map<string, StreamSpec>();
  for (const c of cases) for (const s of [c.source, c.destStream]) seen.set(streamKey(s), s);
  return [...seen.values()];
}
