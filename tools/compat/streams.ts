/**
 * Capturing every stream the matrix needs, once, into a cache directory.
 *
 * Why a cache: each stream serves several pairs (a 10.0 `virt-7.2` stream is a source into
 * 7.2 and the destination stream for 11.1's `virt-7.2` source), and a person re-running the
 * facts script should not wait for QEMU again. A cached stream is reused only when its sidecar
 * names the same QEMU version line as the binary installed now. Why no firmware: the guest is
 * started paused (`-S`), runs briefly and is stopped again; without firmware the RAM stays
 * almost empty, so a capture takes a second or two under TCG.
 *
 * The directory must lie under the temp dir or the repository: the trixie chroot binds only
 * those at their own paths (tools/qemu/binaries.ts), and QEMU resolves `exec:cat > FILE` there.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { qemuVersion, requireQemu } from "../qemu/binaries.js";
import { captureStream } from "../qemu/capture.js";
import { guestArgs } from "./guests.js";
import { type StreamSpec, streamKey } from "./cases.js";
import { mapLimit, qemuJobs } from "./limit.js";

/** A stream on disk and how it was made. */
export interface CapturedStream {
  spec: StreamSpec;
  file: string;
  /** QEMU's `--version` first line. */
  version: string;
  /** The full QEMU argv (binary first), as QEMU was started. */
  argv: string[];
  /** True when this run reused a cached file. */
  cached: boolean;
}

/** What the sidecar `KEY.json` beside each cached stream holds. */
interface Sidecar {
  version: string;
  argv: string[];
}

/** How long the guest runs between `cont` and `stop` before the snapshot. */
const RUN_MS = 100;

/** Captures (or reuses) one stream in `dir`. */
export async function captureSpec(spec: StreamSpec, dir: string): Promise<CapturedStream> {
  const key = streamKey(spec);
  const file = join(dir, `${key}.mig`);
  const sidecar = join(dir, `${key}.json`);
  const binary = requireQemu(spec.release.kind);
  const version = qemuVersion(binary);
  if (existsSync(file) && existsSync(sidecar)) {
    const known = JSON.parse(readFileSync(sidecar, "utf8")) as Sidecar;
    if (known.version === version) return { spec, file, version, argv: known.argv, cached: true };
  }
  const r = await captureStream({ binary, args: guestArgs(spec.guest), runMs: RUN_MS, file });
  writeFileSync(sidecar, JSON.stringify({ version: r.version, argv: r.argv } satisfies Sidecar, null, 2) + "\n");
  return { spec, file, version: r.version, argv: r.argv, cached: false };
}

/**
 * Captures every spec (at most `qemuJobs()` QEMUs at once).
 * @returns the streams by {@link streamKey}.
 * @throws when a QEMU is missing or a capture fails: the matrix needs every stream.
 */
export async function captureAll(specs: readonly StreamSpec[], dir: string): Promise<Map<string, CapturedStream>> {
  mkdirSync(dir, { recursive: true });
  const got = await mapLimit(specs, qemuJobs(), (s) => captureSpec(s, dir));
  return new Map(got.map((c) => [streamKey(c.spec), c]));
}
