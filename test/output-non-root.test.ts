/**
 * `-o` as a user who is not root, onto a file that user may write but cannot give a new file
 * the owner of (another user's 0666 file, in a directory the user cannot write): as `cp`
 * does, the stream is written into the file itself, which keeps its inode, mode and owner.
 * The runs are real processes under `setpriv` as nobody (65534): root can chown anything,
 * so only another user meets the kernel's refusals this has to follow.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, closeSync, copyFileSync, openSync, writeSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulateNewerSource } from "../tools/simulate-newer-source.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";
import { equalBytes } from "./support/decode.js";
import { encodeUndo } from "../packages/cli/src/files/undo-record.js";

const REG = "0x6030000000160003";
const SAMPLE = "aarch64-virt-max-1cpu.mig";
const bin = resolve(import.meta.dirname, "../packages/cli/bin/vmstate-rewrite.cjs");
const NOBODY = 65534;
const root = mkdtempSync(join(tmpdir(), "vmstate-non-root-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FIXED = readSample(SAMPLE);
const NEWER = join(root, "newer.mig");
let newer: Uint8Array;
beforeAll(async () => {
  chmodSync(root, 0o755);
  await simulateNewerSource(join(SAMPLES_DIR, SAMPLE), NEWER, new Map([[0x6030000000160003n, 0n]]));
  chmodSync(NEWER, 0o644);
  newer = new Uint8Array(readFileSync(NEWER));
});

/** vmstate-rewrite as nobody, with no supplementary groups. */
function asNobody(args: string[], stdin?: Uint8Array) {
  const r = spawnSync("setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", process.execPath, bin, ...args], {
    input: stdin,
    stdio: [stdin ? "pipe" : "ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  if (r.error) throw r.error;
  return r;
}

let n = 0;
/** Another user's `out.mig` that anyone may write, in a directory of root's with `dirMode`. */
function othersFile(mode = 0o666, owner = [0, 0], dirMode = 0o755): string {
  const d = join(root, `case-${n++}`);
  mkdirSync(d);
  chmodSync(d, dirMode);
  const out = join(d, "out.mig");
  writeFileSync(out, "what was there\n");
  chownSync(out, owner[0]!, owner[1]!);
  chmodSync(out, mode);
  return out;
}

const fromFile = ["-i", NEWER];
describe.each([
  ["a file", () => ({ argv: fromFile, stdin: undefined })],
  ["a pipe", () => ({ argv: [] as string[], stdin: newer })],
] as const)("as nobody, -o from %s", (_, input) => {
  it("writes into another user's file it may write, keeping inode, mode and owner", () => {
    // Root's file where nobody cannot make a temporary file; another user's where it can, but
    // cannot give the temporary file that user.
    for (const [mode, owner, dirMode] of [
      [0o666, [0, 0], 0o755],
      [0o646, [4321, 4322], 0o777],
    ] as const) {
      const out = othersFile(mode, [...owner], dirMode);
      const before = statSync(out);
      const i = input();
      const r = asNobody([...i.argv, "-o", out, "--hide", REG, "-q"], i.stdin);
      expect([r.status, r.stderr]).toEqual([0, ""]);
      const after = statSync(out);
      expect([after.ino, after.mode & 0o7777, after.uid, after.gid]).toEqual([before.ino, mode, ...owner]);
      expect(equalBytes(new Uint8Array(readFileSync(out)), FIXED)).toBe(true);
      expect(readdirSync(dirname(out))).toEqual(["out.mig"]);
    }
  });
});

describe("as nobody", () => {
  it("leaves such a file empty, never a plausible partial stream, when the rewrite is refused after RAM went out", () => {
    const out = othersFile();
    const r = asNobody(["-o", out, "--hide", REG], readSample("x86_64-q35-seabios.mig"));
    expect(r.status).toBe(4);
    expect(r.stderr).toContain("apply to Arm guests only");
    expect(statSync(out).size).toBe(0);
  });

  it("refuses to write into the input file itself, which would destroy what it reads", () => {
    const file = othersFile();
    copyFileSync(NEWER, file);
    const r = asNobody(["-i", file, "-o", file, "--hide", REG, "-q"]);
    expect([r.status, r.stderr]).toEqual([3, `vmstate-rewrite: cannot write ${file}: it is the input file (--in-place rewrites a file itself)\n`]);
    expect(equalBytes(new Uint8Array(readFileSync(file)), newer)).toBe(true);
  });

  it("still replaces its own file aside (a new inode), keeping its mode", () => {
    const out = join(dirname(othersFile(0o666, [0, 0], 0o777)), "mine.mig");
    writeFileSync(out, "old");
    chownSync(out, NOBODY, NOBODY);
    chmodSync(out, 0o600);
    const before = statSync(out);
    const r = asNobody(["-i", NEWER, "-o", out, "--hide", REG, "-q"]);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    const after = statSync(out);
    expect(after.ino).not.toBe(before.ino);
    expect([after.mode & 0o7777, after.uid, after.gid]).toEqual([0o600, NOBODY, NOBODY]);
    expect(equalBytes(new Uint8Array(readFileSync(out)), FIXED)).toBe(true);
  });
});

describe("as nobody, --in-place and its undo record", () => {
  it("says where the undo record could not be written and what to do, and leaves the file alone", () => {
    const file = othersFile();
    copyFileSync(NEWER, file);
    chmodSync(file, 0o666);
    const r = asNobody(["-i", file, "--in-place", "--hide", REG, "-q"]);
    expect([r.status, r.stderr]).toEqual([
      3,
      `vmstate-rewrite: cannot write the undo record ${file}.vmstate-undo: Permission denied; --in-place writes it beside ${file} before changing the file: make ${dirname(file)} writable for this user (and give it room), or write a new file with -o\n`,
    ]);
    expect(equalBytes(new Uint8Array(readFileSync(file)), newer)).toBe(true);
  });

  it("says which undo record it cannot roll back and how, and a user who may write the file then does", () => {
    const file = othersFile(0o644);
    copyFileSync(NEWER, file);
    // A crash after the record was synced and the end half rewritten.
    const st = statSync(file);
    const at = newer.length - 5000;
    writeFileSync(`${file}.vmstate-undo`, encodeUndo({ dev: BigInt(st.dev), ino: BigInt(st.ino), offset: at, oldSize: newer.length, oldTail: newer.subarray(at) }));
    const fd = openSync(file, "r+");
    writeSync(fd, new Uint8Array(2000).fill(0xee), 0, 2000, at + 1000);
    closeSync(fd);
    const undo = `${file}.vmstate-undo`;
    const r = asNobody(["-i", file, "-o", "/dev/null"]);
    expect([r.status, r.stderr]).toEqual([
      3,
      `vmstate-rewrite: cannot roll back the interrupted in-place rewrite of ${file} recorded in ${undo}: cannot open ${file}: Permission denied; it holds the old end of ${file} from an interrupted --in-place: run vmstate-rewrite on ${file} (--dry-run will do) as a user who may read ${undo} and write ${file} and ${dirname(file)}, and it is put back\n`,
    ]);
    const root = spawnSync(process.execPath, [bin, "-i", file, "--dry-run"], { encoding: "utf8" });
    expect([root.status, root.stderr]).toEqual([0, `vmstate-rewrite: ${file}: rolled back an interrupted in-place rewrite from ${undo}; the file is as it was before it\n`]);
    expect(equalBytes(new Uint8Array(readFileSync(file)), newer)).toBe(true);
  });
});
