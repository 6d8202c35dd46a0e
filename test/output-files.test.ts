/**
 * Where vmstate-rewrite writes, as `cp`, `sed -i` and a shell's `>` would: through symbolic
 * links, into devices and FIFOs, keeping an existing file's mode and owner, in place without
 * a new inode; what it says when a path is wrong; standard output as a terminal or a file;
 * and a signal in the middle. Real files (we run as root): the semantics are the kernel's.
 */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import {
  chmodSync,
  chownSync,
  closeSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  readSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rewriteMain } from "@vmstate/cli";
import { simulateNewerSource } from "../tools/simulate-newer-source.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";
import { equalBytes } from "./support/decode.js";
import { runMain } from "./support/cli.js";

const REG = "0x6030000000160003";
const SAMPLE = "aarch64-virt-max-1cpu.mig";
const bin = resolve(import.meta.dirname, "../packages/cli/bin/vmstate-rewrite.cjs");
const root = mkdtempSync(join(tmpdir(), "vmstate-output-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A stream that carries the register, and what --hide makes of it (QEMU's own bytes). */
const NEWER = join(root, "newer.mig");
const FIXED = readSample(SAMPLE);
let newer: Uint8Array;
beforeAll(async () => {
  await simulateNewerSource(join(SAMPLES_DIR, SAMPLE), NEWER, new Map([[0x6030000000160003n, 0n]]));
  chmodSync(NEWER, 0o600);
  newer = new Uint8Array(readFileSync(NEWER));
});

let n = 0;
const fresh = () => {
  const d = join(root, `case-${n++}`);
  mkdirSync(d);
  return d;
};
const read = (p: string) => new Uint8Array(readFileSync(p));
const umask = process.umask();

/** The two ways in: a file (its end is read) and a pipe (streamed). */
const inputs = [
  ["a file", () => ({ argv: ["-i", NEWER], stdin: undefined })],
  ["a pipe", () => ({ argv: [] as string[], stdin: [newer] })],
] as const;

describe.each(inputs)("-o from %s", (_, input) => {
  const run = (args: string[]) => {
    const i = input();
    return runMain(rewriteMain, [...i.argv, ...args, "--hide", REG, "-q"], i.stdin ? { stdin: i.stdin } : {});
  };

  it("onto a symbolic link writes its target and keeps the link", async () => {
    const d = fresh();
    writeFileSync(join(d, "target.mig"), "old");
    symlinkSync("target.mig", join(d, "link.mig"));
    symlinkSync("missing.mig", join(d, "dangling.mig"));
    expect((await run(["-o", join(d, "link.mig")])).code).toBe(0);
    expect((await run(["-o", join(d, "dangling.mig")])).code).toBe(0);
    expect(readlinkSync(join(d, "link.mig"))).toBe("target.mig");
    expect(equalBytes(read(join(d, "target.mig")), FIXED)).toBe(true);
    expect(equalBytes(read(join(d, "missing.mig")), FIXED)).toBe(true);
    expect(readdirSync(d).sort()).toEqual(["dangling.mig", "link.mig", "missing.mig", "target.mig"]);
  });

  it("follows a chain of links, each relative to its own directory, as the kernel does", async () => {
    const d = fresh();
    mkdirSync(join(d, "a/b"), { recursive: true });
    mkdirSync(join(d, "sub"));
    writeFileSync(join(d, "sub/real.mig"), "old");
    symlinkSync("real.mig", join(d, "sub/link.mig"));
    symlinkSync("sub/link.mig", join(d, "chain.mig"));
    // `..` after a linked directory is the target's parent (a/), not the link's (d/).
    symlinkSync("a/b", join(d, "dirlink"));
    symlinkSync("../up.mig", join(d, "a/b/f.mig"));
    expect((await run(["-o", join(d, "chain.mig")])).code).toBe(0);
    expect((await run(["-o", join(d, "dirlink/f.mig")])).code).toBe(0);
    expect(equalBytes(read(join(d, "sub/real.mig")), FIXED)).toBe(true);
    expect(equalBytes(read(join(d, "a/up.mig")), FIXED)).toBe(true);
    expect(existsSync(join(d, "up.mig"))).toBe(false);
    expect([lstatSync(join(d, "chain.mig")).isSymbolicLink(), lstatSync(join(d, "sub/link.mig")).isSymbolicLink()]).toEqual([true, true]);
  });

  it("says a loop of links and a dangling link into no directory in the system's words, under the user's path", async () => {
    const d = fresh();
    symlinkSync("b.mig", join(d, "a.mig"));
    symlinkSync("a.mig", join(d, "b.mig"));
    symlinkSync("nowhere/x.mig", join(d, "dangling.mig"));
    const loop = await run(["-o", join(d, "a.mig")]);
    expect([loop.code, loop.stderr]).toEqual([3, `vmstate-rewrite: cannot open ${join(d, "a.mig")}: Too many levels of symbolic links\n`]);
    const dangling = await run(["-o", join(d, "dangling.mig")]);
    expect([dangling.code, dangling.stderr]).toEqual([3, `vmstate-rewrite: cannot open ${join(d, "dangling.mig")}: No such file or directory\n`]);
    expect(readdirSync(d).sort()).toEqual(["a.mig", "b.mig", "dangling.mig"]);
  });

  it("says a full device under the user's path, and so for standard output", async () => {
    const full = await run(["-o", "/dev/full"]);
    expect([full.code, full.stderr]).toEqual([3, "vmstate-rewrite: cannot write /dev/full: No space left on device\n"]);
    const i = input();
    const r = spawnSync(bin, [...i.argv, "--hide", REG, "-q"], { input: i.stdin?.[0], stdio: ["pipe", openSync("/dev/full", "w"), "pipe"], encoding: "utf8" });
    expect([r.status, r.stderr]).toEqual([3, "vmstate-rewrite: cannot write standard output: No space left on device\n"]);
  });

  it("onto an existing file keeps its mode, owner and group", async () => {
    const d = fresh();
    const out = join(d, "out.mig");
    writeFileSync(out, "old");
    chmodSync(out, 0o640);
    chownSync(out, 4321, 4322);
    expect((await run(["-o", out])).code).toBe(0);
    const st = statSync(out);
    expect([st.mode & 0o7777, st.uid, st.gid]).toEqual([0o640, 4321, 4322]);
    expect(equalBytes(read(out), FIXED)).toBe(true);
  });

  it("onto a character device writes into it and leaves it a device", async () => {
    const d = fresh();
    const dev = join(d, "null");
    expect(spawnSync("mknod", [dev, "c", "1", "3"]).status).toBe(0);
    expect((await run(["-o", dev])).code).toBe(0);
    expect(lstatSync(dev).isCharacterDevice()).toBe(true);
    expect(readdirSync(d)).toEqual(["null"]);
  });

  it("onto a FIFO writes into it", async () => {
    const d = fresh();
    const fifo = join(d, "fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    // The reader writes to a file: this process writes the FIFO synchronously and could not
    // read a pipe from it meanwhile.
    const reader = spawn("sh", ["-c", 'cat "$1" > "$1.out"', "sh", fifo]);
    const done = once(reader, "close");
    expect((await run(["-o", fifo])).code).toBe(0);
    await done;
    expect(equalBytes(read(`${fifo}.out`), FIXED)).toBe(true);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it("onto a directory says so", async () => {
    const d = fresh();
    const r = await run(["-o", d]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`vmstate-rewrite: cannot write ${d}: Is a directory\n`);
  });
});

describe("new files and in-place rewrites", () => {
  it("gives a new file no more than the input file's permissions, as cp does", async () => {
    const d = fresh();
    expect((await runMain(rewriteMain, ["-i", NEWER, "-o", join(d, "from-file.mig"), "--hide", REG, "-q"])).code).toBe(0);
    expect((await runMain(rewriteMain, ["-o", join(d, "from-pipe.mig"), "--hide", REG, "-q"], { stdin: [newer] })).code).toBe(0);
    expect(statSync(join(d, "from-file.mig")).mode & 0o777).toBe(0o600 & ~umask);
    expect(statSync(join(d, "from-pipe.mig")).mode & 0o777).toBe(0o666 & ~umask);
  });

  it("--in-place keeps the inode, mode, owner and group, also through a symbolic link", async () => {
    const d = fresh();
    const file = join(d, "vm.mig");
    copyFileSync(NEWER, file);
    chmodSync(file, 0o600);
    chownSync(file, 4321, 4322);
    symlinkSync("vm.mig", join(d, "link.mig"));
    const before = statSync(file);
    const r = await runMain(rewriteMain, ["-i", join(d, "link.mig"), "--in-place", "--hide", REG, "-v"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/device state found from the end at offset 0x[0-9a-f]+; RAM not read/);
    const after = statSync(file);
    expect([after.ino, after.mode & 0o7777, after.uid, after.gid]).toEqual([before.ino, 0o600, 4321, 4322]);
    expect(equalBytes(read(file), FIXED)).toBe(true);
    expect(lstatSync(join(d, "link.mig")).isSymbolicLink()).toBe(true);
    expect(readdirSync(d).sort()).toEqual(["link.mig", "vm.mig"]);
  });
});

describe("messages name the user's path in the system's words", () => {
  it("for an input that is not there", async () => {
    const r = await runMain(rewriteMain, ["-i", "/nonexistent", "-o", join(root, "x.mig")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe("vmstate-rewrite: cannot open /nonexistent: No such file or directory\n");
  });

  it("for an output in a directory that is not there, never the temporary name", async () => {
    for (const stdin of [undefined, [newer]]) {
      const r = await runMain(rewriteMain, [...(stdin ? [] : ["-i", NEWER]), "-o", "/nonexistent/out.mig"], stdin ? { stdin } : {});
      expect(r.code).toBe(3);
      expect(r.stderr).toBe("vmstate-rewrite: cannot open /nonexistent/out.mig: No such file or directory\n");
    }
  });
});

describe("standard output", () => {
  it("refuses a terminal unless forced", async () => {
    const r = await runMain(rewriteMain, [], { stdin: [newer], stdoutIsTTY: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("standard output is a terminal: a migration stream is binary; redirect it, use -o FILE, or --force");
    expect(r.stdout.length).toBe(0);
    const forced = await runMain(rewriteMain, ["--force"], { stdin: [newer], stdoutIsTTY: true });
    expect(forced.code).toBe(0);
    expect(equalBytes(forced.stdout, newer)).toBe(true);
  });

  it("as a regular file is cut back to where it started when the rewrite is refused after RAM went out", () => {
    const out = join(fresh(), "fixed.mig");
    writeFileSync(out, "what was there\n");
    const x86 = readSample("x86_64-q35-seabios.mig");
    // `>>`: the stream would go after what was there; a pipe as input, so RAM streams out first.
    const fd = openSync(out, "a");
    const r = spawnSync(bin, ["--hide", REG], { input: x86, stdio: ["pipe", fd, "pipe"], encoding: "utf8" });
    closeSync(fd);
    expect(r.status, r.stderr).toBe(4);
    expect(r.stderr).toContain("apply to Arm guests only");
    expect(readFileSync(out, "utf8")).toBe("what was there\n");
  });

  it("as -o /dev/stdout writes into the pipe behind it, from a file and from a pipe", () => {
    for (const [args, input] of [
      [["-i", NEWER], undefined],
      [[], newer],
    ] as const) {
      // Through `| cat`: a real pipe (Node gives a child a socket pair, which no open() reaches).
      const r = spawnSync("sh", ["-c", '"$0" "$@" | cat', bin, ...args, "-o", "/dev/stdout", "--hide", REG, "-q"], { input, stdio: ["pipe", "pipe", "pipe"] });
      expect([r.status, r.stderr.toString()]).toEqual([0, ""]);
      expect(equalBytes(new Uint8Array(r.stdout), FIXED)).toBe(true);
    }
  });

  it("gets nothing when a file's rewrite is refused: the decision comes before any write", async () => {
    const d = fresh();
    const r = spawnSync(bin, ["-i", join(SAMPLES_DIR, "x86_64-q35-seabios.mig"), "--hide", REG], { stdio: ["ignore", openSync(join(d, "o"), "w"), "pipe"] });
    expect(r.status).toBe(4);
    expect(statSync(join(d, "o")).size).toBe(0);
  });
});

describe("a regular file as standard input (< FILE)", () => {
  const fromStdin = (args: string[], stdout: number | "pipe" = "pipe") => {
    const fd = openSync(NEWER, "r");
    try {
      return spawnSync(bin, ["--hide", REG, "-v", ...args], { stdio: [fd, stdout, "pipe"], encoding: "buffer" });
    } finally {
      closeSync(fd);
    }
  };

  it("is read from its end like -i FILE, to standard output and to -o", () => {
    const r = fromStdin([]);
    expect(r.status).toBe(0);
    expect(r.stderr.toString()).toMatch(/^vmstate-rewrite: device state found from the end at offset 0x[0-9a-f]+; RAM not read/);
    expect(equalBytes(new Uint8Array(r.stdout), FIXED)).toBe(true);
    const out = join(fresh(), "out.mig");
    const o = fromStdin(["-o", out]);
    expect(o.status).toBe(0);
    expect(o.stderr.toString()).toContain("device state found from the end");
    expect(equalBytes(read(out), FIXED)).toBe(true);
  });

  it("read by something else first is what follows, streamed", () => {
    const fd = openSync(NEWER, "r");
    // The shared file position moved past the header: no longer a stream from its start.
    readSync(fd, Buffer.alloc(100), 0, 100, null);
    const r = spawnSync(bin, ["--hide", REG], { stdio: [fd, "pipe", "pipe"], encoding: "utf8" });
    closeSync(fd);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("not a QEMU migration stream");
  });

  it("leaves standard output as a regular file as it was when the rewrite is refused", () => {
    const out = join(fresh(), "fixed.mig");
    writeFileSync(out, "what was there\n");
    const fd = openSync(out, "a");
    const x86 = openSync(join(SAMPLES_DIR, "x86_64-q35-seabios.mig"), "r");
    const r = spawnSync(bin, ["--hide", REG], { stdio: [x86, fd, "pipe"], encoding: "utf8" });
    closeSync(fd);
    closeSync(x86);
    expect(r.status).toBe(4);
    expect(r.stderr).toContain("apply to Arm guests only");
    expect(readFileSync(out, "utf8")).toBe("what was there\n");
  });
});

describe("a signal in the middle", () => {
  it("SIGTERM while the stream goes to -o removes the temporary file and ends the process by the signal", async () => {
    const d = fresh();
    const child = spawn(bin, ["-o", join(d, "out.mig"), "--hide", REG], { stdio: ["pipe", "ignore", "pipe"] });
    const exited = once(child, "exit");
    child.stdin.write(newer.subarray(0, 200_000));
    // The temporary file beside the output is there once the first bytes went through.
    while (!readdirSync(d).some((f) => f.endsWith(".tmp"))) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGTERM");
    // The signal is acted on at the next turn of the event loop, after the next read.
    await new Promise((r) => setTimeout(r, 300));
    child.stdin.end(newer.subarray(200_000));
    const [code, signal] = await exited;
    expect([code, signal]).toEqual([null, "SIGTERM"]);
    expect(readdirSync(d)).toEqual([]);
  });
});
