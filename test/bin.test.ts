/**
 * The executables as users run them: the bins, the bundles and their code caches, through
 * real pipes. (The other CLI tests call `main` in-process; these prove the packaging.)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { readSample, SAMPLES_DIR } from "./support/samples.js";
import { EXIT_CODES_HELP } from "../packages/cli/src/exit-codes.js";

const binDir = resolve(import.meta.dirname, "../packages/cli/bin");
const bin = (name: string) => resolve(binDir, `vmstate-${name}.cjs`);
const cliVersion = JSON.parse(readFileSync(resolve(binDir, "../package.json"), "utf8")).version as string;

function run(name: string, args: string[], input?: Uint8Array) {
  return spawnSync(bin(name), args, { input, maxBuffer: 64 << 20 });
}

describe.each(["rewrite", "inspect"])("vmstate-%s", (name) => {
  it("prints the package version", () => {
    const r = run(name, ["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString().trim()).toBe(cliVersion);
  });

  it("prints help with the exit codes, unbroken at 80 columns, and exits 0", () => {
    const r = run(name, ["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toContain(EXIT_CODES_HELP);
    for (const line of r.stdout.toString().split("\n")) expect(line.length).toBeLessThanOrEqual(80);
  });

  it("refuses an unknown option with exit 2 and a hint", () => {
    const r = run(name, ["--no-such-option"]);
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toContain(`Try 'vmstate-${name} --help'.`);
  });

  it("starts from its V8 code cache (made under the bin's own Node flags, from this very bundle)", () => {
    // V8 rejects a cache made under other flags or another Node.js; the run still works then,
    // only slower, so nothing but this test would notice.
    const r = spawnSync(bin(name), ["--version"], { env: { ...process.env, VMSTATE_DEBUG_CODE_CACHE: "1" } });
    expect(r.stderr.toString()).toBe(`vmstate: code cache of ${name}: accepted\n`);
  });
});

describe("vmstate-rewrite through pipes", () => {
  const sample = "aarch64-virt-max-4cpu.mig";

  it("copies a stream from stdin to stdout byte for byte", () => {
    const input = readSample(sample);
    const r = run("rewrite", [], input);
    expect(r.stderr.toString()).toBe("");
    expect(r.status).toBe(0);
    expect(Buffer.compare(r.stdout, input)).toBe(0);
  });

  it("says what it changed on stderr, one line per register and vCPU", () => {
    // ID_DFR0_EL1 is in every vCPU of a TCG -cpu max stream.
    const r = run("rewrite", ["--dry-run", "--set", "ID_DFR0_EL1=0x11"], readSample(sample));
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBe(0);
    const lines = r.stderr.toString().trim().split("\n");
    expect(lines.filter((l) => /^vmstate-rewrite: cpu \(\d\): would set ID_DFR0_EL1 \(0x603000000013c00a\) 0x6010009 -> 0x11 \[enforced\]$/.test(l))).toHaveLength(4);
  });

  it("never creates process.stdout or process.stderr (start-up time; and Node would make a piped fd 1 non-blocking under the stream's writes)", () => {
    const dir = mkdtempSync(join(tmpdir(), "vmstate-bin-"));
    try {
      const probe = join(dir, "stdio-probe.cjs");
      writeFileSync(
        probe,
        `for (const n of ["stdout", "stderr"]) {
  const d = Object.getOwnPropertyDescriptor(process, n);
  Object.defineProperty(process, n, { configurable: true, enumerable: d.enumerable, get() { require("node:fs").writeSync(2, "PROCESS." + n + " CREATED\\n"); return d.get.call(this); } });
}`,
      );
      const input = readSample(sample);
      const r = spawnSync(process.execPath, ["--require", probe, bin("rewrite"), "--hide", "ID_AA64DFR1_EL1"], { input, maxBuffer: 64 << 20 });
      expect(r.stderr.toString()).not.toContain("CREATED");
      expect(r.stderr.toString()).toContain("hid ID_AA64DFR1_EL1 (0x603000000013c029)");
      expect(r.status).toBe(0);
      expect(r.stdout.length).toBe(input.length - 4 * 16);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports a truncated stream with its offset and exit 1", () => {
    const input = readSample(sample);
    const r = run("rewrite", [], input.subarray(0, 1000));
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toMatch(/^vmstate-rewrite: .*offset 0x[0-9a-f]+/);
  });
});

describe("vmstate-rewrite on a terminal (script(1) gives it one)", () => {
  /** Runs a shell command line with standard input, output and error on a new terminal. */
  function onTerminal(command: string, typed = "") {
    return spawnSync("script", ["-qec", command, "/dev/null"], { input: typed, encoding: "utf8", timeout: 60_000 });
  }

  it("says it is waiting for a stream when standard input is the terminal", () => {
    // Ctrl-D ends the (empty) input, so the run ends with its usual error.
    const r = onTerminal(`'${bin("rewrite")}' -o /dev/null`, "\x04");
    expect(r.stdout).toMatch(/^vmstate-rewrite: reading a migration stream from standard input, which is a terminal/);
    expect(r.stdout).toContain("input ends inside the file header");
  });

  it("draws progress for a stream given as < FILE when it reads every record (--check-ram; otherwise only the end is read)", () => {
    const r = onTerminal(`'${bin("rewrite")}' -o /dev/null --check-ram < '${resolve(SAMPLES_DIR, "aarch64-virt-max-1cpu.mig")}'`);
    expect(r.stdout).toContain("\rvmstate-rewrite [");
    expect(r.stdout).not.toContain("reading a migration stream from standard input");
  });
});

describe("vmstate-inspect through pipes", () => {
  it("summarises a stream read from stdin", () => {
    const r = run("inspect", ["summary", "-"], readSample("arm-virt-a15.mig"));
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toMatch(/^machine: +virt-7\.2$/m);
  });

  it("ends quietly when its reader closes the pipe early", () => {
    const r = spawnSync("bash", ["-c", `set -o pipefail; '${bin("inspect")}' sections --all '${resolve(SAMPLES_DIR, "aarch64-virt-uefi.mig")}' | head -1`]);
    expect(r.status).toBe(0);
    expect(r.stderr.toString()).toBe("");
    expect(r.stdout.toString().split("\n")).toHaveLength(2);
  });
});
