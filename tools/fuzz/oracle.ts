/**
 * The fuzzer's oracle: runs the commands on one mutant, in this process (a spawn per run
 * would cost more than the run), and lists every invariant it breaks:
 *
 * - exit-code classes: `verify` 0 or 1; the others 0, 1, 3 or 4; never 2 (usage) or 70;
 * - no internal error, and a failure ends with one printable line that says where (an offset,
 *   for a bad stream);
 * - nothing shown raw: no control character but the newline in any output;
 * - nothing partial: a failed rewrite leaves no -o file and no temporary file beside it;
 * - a copy (rewrite with no change) that succeeds is the input, byte for byte;
 * - agreement: when `verify` finds the stream bad, `summary` and the rewrite do not succeed
 *   silently: they fail, or warn that the device state is not verified. Except for the RAM
 *   content checks only `verify` makes ({@link VERIFY_ONLY}).
 *
 * Memory is checked apart ({@link ./memory.ts}): in this process one run's peak cannot be told.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemorySink } from "@vmstate/wire";
import { inspectMain, rewriteMain, type CliIo } from "../../packages/cli/src/index.js";

/** What one command run left behind. */
export interface Run {
  command: string;
  /** The command line, for what the output is (`--json`: a document of schemas/ARGV[0]). */
  argv: string[];
  code: number;
  out: string;
  stderr: string;
}

/** A broken invariant. */
export interface Violation {
  invariant: string;
  command: string;
  detail: string;
}

type Main = (argv: string[], io: CliIo) => Promise<number>;

/** Runs a CLI in-process on `stdin` bytes, the real file system for -o. */
async function run(command: string, main: Main, argv: string[], stdin: Uint8Array): Promise<Run> {
  const stdout = new MemorySink();
  let printed = "";
  let stderr = "";
  const io: CliIo = {
    stdin: () => [stdin],
    stdout,
    stderr: (t) => void (stderr += t),
    print: (t) => void (printed += t),
    fs: (await import("node:fs")) as unknown as CliIo["fs"],
    stderrIsTTY: false,
    stdoutIsTTY: false,
    term: undefined,
    stdinSize: () => undefined,
  };
  const code = await main(argv, io);
  return { command, argv, code, out: printed || Buffer.from(stdout.bytes()).toString("latin1"), stderr };
}

/**
 * Problems only `verify` looks for, by design: RAM page contents, which a rewrite passes
 * through at the speed of `cat` without inflating or patching pages (a zlib inflate per
 * compressed page, a bitmap per KiB of guest RAM for XBZRLE bases), and a zero page's fill
 * byte, which QEMU 8.2 and later refuse but 7.2 loads (a stream for 7.2 is not bad).
 */
export const VERIFY_ONLY: ReadonlySet<string> = new Set(["ZERO_FILL", "XBZRLE_NO_BASE", "RAM_PAGE", "RAM_BLOCK_LIST"]);

/** Control characters other than the newline (and the tab our tables do not use either). */
const RAW = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;
/** Where a bad-stream error says it happened. */
const OFFSET = /at offset 0x[0-9a-f]+ \(\d+\)|problems? found/;

/** Checks one mutant; returns its runs and what they broke. */
export async function check(bytes: Uint8Array, hideId: string): Promise<{ runs: Run[]; violations: Violation[] }> {
  const dir = mkdtempSync(join(tmpdir(), "vmstate-fuzz-"));
  try {
    const copyOut = join(dir, "copy.mig");
    const hideOut = join(dir, "hide.mig");
    const runs = [
      await run("verify", inspectMain, ["verify", "--json", "-"], bytes),
      await run("summary", inspectMain, ["summary", "-"], bytes),
      await run("cpregs --json", inspectMain, ["cpregs", "--json", "-"], bytes),
      await run("rewrite (copy)", rewriteMain, ["-o", copyOut], bytes),
      await run("rewrite --hide", rewriteMain, ["-o", hideOut, "--hide", hideId], bytes),
    ];
    const violations: Violation[] = [];
    const fail = (invariant: string, r: Run, detail: string) => violations.push({ invariant, command: r.command, detail });
    for (const r of runs) {
      const allowed = r.command === "verify" ? [0, 1] : [0, 1, 3, 4];
      if (!allowed.includes(r.code)) fail("exit-code", r, `exit ${r.code}: ${lastLine(r.stderr)}`);
      if (/internal error/.test(r.stderr)) fail("internal-error", r, lastLine(r.stderr));
      if (r.code !== 0) {
        const last = lastLine(r.stderr);
        if (last === "") fail("error-line", r, "failed without a word");
        else if (r.code === 1 && !OFFSET.test(last)) fail("error-line", r, `no offset: ${last}`);
      }
      const shown = (r.command.startsWith("rewrite") ? "" : r.out) + r.stderr;
      const raw = RAW.exec(shown);
      if (raw) fail("printable", r, `raw 0x${raw[0].charCodeAt(0).toString(16)} near ${JSON.stringify(shown.slice(Math.max(0, raw.index - 30), raw.index + 10))}`);
    }
    const [verify, summary, , copy, hide] = runs as [Run, Run, Run, Run, Run];
    for (const [r, out] of [[copy, copyOut], [hide, hideOut]] as const) {
      if (r.code !== 0 && existsSync(out)) fail("partial-output", r, `exit ${r.code} left ${out}`);
    }
    const left = readdirSync(dir).filter((f) => f.endsWith(".tmp"));
    if (left.length > 0) violations.push({ invariant: "partial-output", command: "rewrite", detail: `temporary files left: ${left.join(", ")}` });
    if (copy.code === 0 && !Buffer.from(bytes).equals(readFileSync(copyOut))) fail("copy-identity", copy, "the copy differs from the input");
    const problems = verify.code === 1 ? (JSON.parse(verify.out) as { problems: { code: string; offset: number; message: string }[] }).problems : [];
    const shared = problems.filter((p) => !VERIFY_ONLY.has(p.code));
    if (shared.length > 0) {
      const first = `${shared[0]!.code} at ${shared[0]!.offset}: ${shared[0]!.message}`;
      for (const r of [summary, copy]) {
        if (r.code === 0 && !/not verified/.test(r.stderr)) fail("agreement", r, `exit 0 silently; verify: ${first}`);
      }
    }
    return { runs, violations };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function lastLine(text: string): string {
  return text.trimEnd().split("\n").at(-1) ?? "";
}
