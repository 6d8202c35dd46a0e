import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const probe = resolve(import.meta.dirname, "rss-probe.cjs");

/** The middle value (the upper one of an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Runs a command with its output discarded; returns its wall time in seconds, or throws with
 * the end of its stderr when it fails.
 */
export function timed(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): number {
  // /dev/null opened write-only, as a shell's `> /dev/null` does: Node's "ignore" opens it
  // read-write, which is what a closed stdout (`>&-`) looks like, and the CLIs refuse that.
  const devNull = openSync("/dev/null", "w");
  try {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { ...options, stdio: ["ignore", devNull, "pipe"], maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${String(r.stderr).slice(-2000)}`);
    return Number(process.hrtime.bigint() - t) / 1e9;
  } finally {
    closeSync(devNull);
  }
}

/**
 * Runs a vmstate bin (or a shell line that runs one: the probe rides along in NODE_OPTIONS)
 * as {@link timed} does; returns its wall time and the peak resident set size, in MiB, of
 * the Node process that ran last (bench/rss-probe.cjs).
 */
export function timedWithPeakRss(cmd: string, args: string[], options: { cwd?: string } = {}): { seconds: number; rssMiB: number } {
  const dir = mkdtempSync(join(tmpdir(), "vmstate-bench-rss-"));
  try {
    const rssFile = join(dir, "rss");
    const env = { ...process.env, VMSTATE_RSS_FILE: rssFile, NODE_OPTIONS: `--require=${probe}` };
    const seconds = timed(cmd, args, { ...options, env });
    return { seconds, rssMiB: Number(readFileSync(rssFile, "utf8")) / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * User plus system CPU seconds of one `BIN ...args` with its output discarded, as bash's
 * `times` reports its children: CPU time varies less than wall time on a shared machine.
 */
export function cpuSeconds(bin: string, args: string[], cwd: string): number {
  const out = execFileSync("bash", ["-c", '"$@" > /dev/null; times', "cpu-seconds", bin, ...args], { cwd, encoding: "utf8" });
  const children = out.trim().split("\n")[1] ?? "";
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (seconds.length !== 2) throw new Error(`unexpected output of times: ${out}`);
  return seconds[0]! + seconds[1]!;
}
