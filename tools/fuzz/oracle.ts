/**
 * The fuzzer's oracle: runs the commands on one mutant, in this process (a spawn per run
 * would cost more than the run), and lists every invariant it breaks:
 *
 * - exit-code classes: `verify` 0 or 1; `explain` 0, 1, 6 or 7; the others 0, 1 or 4; never
 *   2 (usage) or 70, nor 3 (a file could not be read or written): the scratch directory has
 *   room and rights, so an I/O failure there is ours (extract-ram opened its files write-only
 *   and failed every XBZRLE read-back, which the oracle let pass while it allowed 3);
 * - no internal error, and a failure ends with one printable line that says where (an offset,
 *   for a bad stream);
 * - nothing shown raw: no control character but the newline in any text output, nor in any
 *   string of a JSON output;
 * - nothing partial: a failed rewrite leaves no -o file and no temporary file beside it, and
 *   a failed `--in-place` leaves the file as it was;
 * - a copy (rewrite with no change) that succeeds is the input, byte for byte (but for a
 *   compressed image, which is compressed again);
 * - agreement: when `verify` finds the stream bad, `summary`, `dump` and the copies do not
 *   succeed silently: they fail, or warn that the device state is not verified. Except for
 *   the RAM content checks only `verify` makes ({@link VERIFY_ONLY}), and for a rewrite of a
 *   file, the RAM it copies unread.
 *
 * The commands run as users run them: on standard input (the streamed path) when the mutant
 * fits in memory, and on a file (a rewrite's seekable path, which finds the device state from
 * the end; `--in-place`; and the commands that take only files).
 *
 * Memory is checked apart ({@link ./memory.ts}): in this process one run's peak cannot be told.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemorySink } from "@vmstate/wire";
import { inspectMain, rewriteMain, type CliIo } from "../../packages/cli/src/index.js";
import type { Problem } from "@vmstate/inspect";
import type { FileMutant } from "./targets.js";

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
async function run(command: string, main: Main, argv: string[], stdin: Uint8Array = new Uint8Array()): Promise<Run> {
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

/** The file commands, two of which run on each mutant in turn (all of them cost too much for every one). */
const FILE_COMMANDS = ["rewrite --in-place", "dump", "explain", "diff", "extract-ram", "sections"] as const;

/** Checks one mutant of the sample at `original` (`turn` picks the file commands); returns its runs and what they broke. */
export async function check(m: FileMutant, original: string, hideId: string, turn: number): Promise<{ runs: Run[]; violations: Violation[] }> {
  const dir = mkdtempSync(join(tmpdir(), "vmstate-fuzz-"));
  try {
    const input = join(dir, "in.mig");
    m.write(input);
    const copyOut = join(dir, "copy.mig");
    const hideOut = join(dir, "hide.mig");
    const fileCopyOut = join(dir, "file-copy.mig");
    const inPlace = join(dir, "in-place.mig");
    const stdin = m.bytes;
    const runs: Run[] = stdin
      ? [
          await run("verify", inspectMain, ["verify", "--json", "-"], stdin),
          await run("summary", inspectMain, ["summary", "-"], stdin),
          await run("cpregs --json", inspectMain, ["cpregs", "--json", "-"], stdin),
          await run("rewrite (copy)", rewriteMain, ["-o", copyOut], stdin),
          await run("rewrite --hide", rewriteMain, ["-o", hideOut, "--hide", hideId], stdin),
        ]
      : [
          await run("verify", inspectMain, ["verify", "--json", input]),
          await run("summary", inspectMain, ["summary", input]),
          await run("cpregs --json", inspectMain, ["cpregs", "--json", input]),
        ];
    runs.push(await run("rewrite -i (copy)", rewriteMain, ["-i", input, "-o", fileCopyOut]));
    const chosen = [FILE_COMMANDS[(2 * turn) % FILE_COMMANDS.length]!, FILE_COMMANDS[(2 * turn + 1) % FILE_COMMANDS.length]!];
    for (const command of chosen) {
      if (command === "rewrite --in-place") {
        m.write(inPlace);
        runs.push(await run(command, rewriteMain, ["-i", inPlace, "--in-place", "--hide", hideId]));
      } else if (command === "dump") runs.push(await run(command, inspectMain, ["dump", input]));
      else if (command === "explain") runs.push(await run(command, inspectMain, ["explain", "--json", input, "--dest", original]));
      else if (command === "diff") runs.push(await run(command, inspectMain, ["diff", "--json", original, input]));
      else if (command === "extract-ram") runs.push(await run(command, inspectMain, ["extract-ram", "--json", input, join(dir, "ram")]));
      else runs.push(await run(command, inspectMain, ["sections", "--json", input]));
    }
    const violations: Violation[] = [];
    const fail = (invariant: string, r: Run, detail: string) => violations.push({ invariant, command: r.command, detail });
    for (const r of runs) {
      const allowed = r.command === "verify" ? [0, 1] : r.command === "explain" ? [0, 1, 6, 7] : [0, 1, 4];
      if (!allowed.includes(r.code)) fail("exit-code", r, `exit ${r.code}: ${lastLine(r.stderr)}`);
      if (/internal error/.test(r.stderr)) fail("internal-error", r, lastLine(r.stderr));
      if (r.code !== 0 && r.code !== 6 && r.code !== 7) {
        const last = lastLine(r.stderr);
        if (last === "") fail("error-line", r, "failed without a word");
        else if (r.code === 1 && !OFFSET.test(last)) fail("error-line", r, `no offset: ${last}`);
      }
      const raw = rawText(r);
      if (raw) fail("printable", r, raw);
    }
    const byName = (c: string) => runs.find((r) => r.command === c);
    for (const [c, out] of [["rewrite (copy)", copyOut], ["rewrite --hide", hideOut], ["rewrite -i (copy)", fileCopyOut]] as const) {
      const r = byName(c);
      if (r && r.code !== 0 && existsSync(out)) fail("partial-output", r, `exit ${r.code} left ${out}`);
    }
    const left = readdirSync(dir).filter((f) => f.endsWith(".tmp") || f.includes(".vmstate-"));
    if (left.length > 0) violations.push({ invariant: "partial-output", command: "rewrite", detail: `temporary files left: ${left.join(", ")}` });
    const inPlaceRun = byName("rewrite --in-place");
    if (inPlaceRun && inPlaceRun.code !== 0 && !sameFiles(input, inPlace)) fail("partial-output", inPlaceRun, `exit ${inPlaceRun.code} changed the file`);
    // A compressed image is compressed again: its bytes are the compressor's, not the input's.
    const compressed = isCompressed(input);
    for (const [c, out] of [["rewrite (copy)", copyOut], ["rewrite -i (copy)", fileCopyOut]] as const) {
      const r = byName(c);
      if (r?.code === 0 && !compressed && !sameFiles(input, out)) fail("copy-identity", r, "the copy differs from the input");
    }
    const verify = byName("verify")!;
    const problems = verify.code === 1 ? verifyProblems(verify, fail) : [];
    for (const c of ["summary", "rewrite (copy)", "rewrite -i (copy)", "dump"]) {
      // A rewrite of a file without --check-ram reads the device state from the end, past
      // the RAM records it copies unread (README, "--check-ram"): what is wrong there is
      // verify's alone, and so is what follows from it (a false end-of-section word and EOF
      // byte inside RAM end verify's walk, which then finds every device section missing).
      const tail = c === "rewrite -i (copy)" && !compressed;
      const shared = tail && m.ramOnly ? [] : problems.filter((p) => !VERIFY_ONLY.has(p.code) && !(tail && /^ram\b/.test(p.path)));
      const r = byName(c);
      if (shared.length > 0 && r?.code === 0 && !/not verified/.test(r.stderr)) {
        fail("agreement", r, `exit 0 silently; verify: ${shared[0]!.code} at ${shared[0]!.offset}: ${shared[0]!.message}`);
      }
    }
    return { runs, violations };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What `verify --json` found; a run that printed no JSON document is itself a violation. */
function verifyProblems(verify: Run, fail: (invariant: string, r: Run, detail: string) => void): Problem[] {
  try {
    return (JSON.parse(verify.out) as { problems: Problem[] }).problems;
  } catch {
    fail("json", verify, `exit ${verify.code} without a JSON document: ${lastLine(verify.stderr)}`);
    return [];
  }
}

/** The first control character a run showed (text as printed; JSON in its strings), with where. */
function rawText(r: Run): string | undefined {
  const texts = [r.stderr];
  if (!r.command.startsWith("rewrite")) {
    if (r.command === "verify" || /--json|explain|diff|extract-ram|sections/.test(r.command)) {
      try {
        texts.push(...jsonStrings(JSON.parse(r.out)));
      } catch {
        if (r.code === 0) return `not JSON: ${JSON.stringify(r.out.slice(0, 60))}`;
        texts.push(r.out);
      }
    } else texts.push(r.out);
  }
  for (const t of texts) {
    const raw = RAW.exec(t);
    if (raw) return `raw 0x${raw[0].charCodeAt(0).toString(16)} near ${JSON.stringify(t.slice(Math.max(0, raw.index - 30), raw.index + 10))}`;
  }
  return undefined;
}

function jsonStrings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (v === null || typeof v !== "object") return [];
  return (Array.isArray(v) ? v : [...Object.keys(v), ...Object.values(v)]).flatMap(jsonStrings);
}

/** A compressed libvirt image (format word 1 to 5), whose rewrite compresses again. */
function isCompressed(path: string): boolean {
  const head = Buffer.alloc(32);
  const fd = openSync(path, "r");
  try {
    readSync(fd, head, 0, 32, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString("latin1", 0, 16) !== "LibvirtQemudSave") return false;
  const format = head.readUInt32LE(28) > 0xff ? head.readUInt32BE(28) : head.readUInt32LE(28);
  return format >= 1 && format <= 5;
}

/** Whether two files hold the same bytes (read in chunks: a sparse one may be hundreds of MiB). */
function sameFiles(a: string, b: string): boolean {
  if (!existsSync(b)) return false;
  const fa = openSync(a, "r");
  const fb = openSync(b, "r");
  try {
    const ba = Buffer.alloc(1 << 20);
    const bb = Buffer.alloc(1 << 20);
    for (let pos = 0; ; pos += ba.length) {
      const na = readSync(fa, ba, 0, ba.length, pos);
      const nb = readSync(fb, bb, 0, bb.length, pos);
      if (na !== nb || !ba.subarray(0, na).equals(bb.subarray(0, nb))) return false;
      if (na === 0) return true;
    }
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}

function lastLine(text: string): string {
  return text.trimEnd().split("\n").at(-1) ?? "";
}
