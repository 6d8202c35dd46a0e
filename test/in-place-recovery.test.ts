/**
 * What the next run does with an undo record left by a crashed `--in-place`
 * (packages/cli/src/files/undo-record.ts, tail-in-place.ts), on memfs: a complete record puts
 * the old end back, whatever state the crash left the file in; one cut short at any byte is
 * dropped without touching the file; one that belongs to another file is refused.
 */
import { describe, expect, it } from "vitest";
import { rewriteMain } from "@vmstate/cli";
import { readSample } from "./support/samples.js";
import { memFs } from "./support/memfs.js";
import { runMain } from "./support/cli.js";
import { equalBytes } from "./support/decode.js";

const OLD = readSample("aarch64-virt-max-4cpu.mig");
const REG = "ID_PFR0_EL1";

/** The undo record a real in-place run writes, caught by stopping the run at its first change of the file. */
async function undoRecordOf(bytes: Uint8Array): Promise<{ undo: Uint8Array; fs: ReturnType<typeof memFs> }> {
  const fs = memFs({ "/d/vm.mig": bytes });
  const writeSync = fs.writeSync.bind(fs);
  let undo: Uint8Array | undefined;
  const stopping = Object.assign(Object.create(fs) as typeof fs, {
    writeSync: (fd: number, buf: Uint8Array, off: number, len: number, pos?: number | null) => {
      // The second positional write is the new tail: the undo record is complete by then.
      if (fs.existsSync("/d/vm.mig.vmstate-undo") && undo === undefined && pos !== 0) {
        undo = new Uint8Array(fs.readFileSync("/d/vm.mig.vmstate-undo"));
        throw Object.assign(new Error("EIO: i/o error, write"), { code: "EIO", syscall: "write" });
      }
      return writeSync(fd, buf, off, len, pos);
    },
  });
  const r = await runMain(rewriteMain, ["-i", "/d/vm.mig", "--in-place", "--hide", REG, "-q"], { fs: stopping });
  // A failure while writing the tail puts the old one back at once.
  expect(r.stderr).toBe("vmstate-rewrite: cannot write /d/vm.mig: Input/output error\n");
  expect(equalBytes(new Uint8Array(fs.readFileSync("/d/vm.mig")), bytes)).toBe(true);
  expect(fs.existsSync("/d/vm.mig.vmstate-undo")).toBe(false);
  return { undo: undo!, fs };
}

describe("recovery of an interrupted --in-place", () => {
  it("puts the old end back over a torn one, and says so", async () => {
    const { undo } = await undoRecordOf(OLD);
    const torn = OLD.slice(0, OLD.length - 100);
    torn.fill(0xee, torn.length - 5000);
    const fs = memFs({ "/d/vm.mig": torn, "/d/vm.mig.vmstate-undo": undo });
    const r = await runMain(rewriteMain, ["-i", "/d/vm.mig", "--dry-run", "-q"], { fs });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("/d/vm.mig: rolled back an interrupted in-place rewrite from /d/vm.mig.vmstate-undo");
    expect(equalBytes(new Uint8Array(fs.readFileSync("/d/vm.mig")), OLD)).toBe(true);
    expect(fs.existsSync("/d/vm.mig.vmstate-undo")).toBe(false);
  });

  it("drops a record cut short at any length, or damaged, and leaves the file alone", async () => {
    const { undo } = await undoRecordOf(OLD);
    const damaged = undo.slice();
    damaged[100] = damaged[100]! ^ 1;
    const cuts = [0, 1, 15, 16, 48, 1000, undo.length - 33, undo.length - 1].map((n) => undo.subarray(0, n));
    for (const record of [...cuts, damaged]) {
      const fs = memFs({ "/d/vm.mig": OLD, "/d/vm.mig.vmstate-undo": record });
      const r = await runMain(rewriteMain, ["-i", "/d/vm.mig", "--dry-run", "-q"], { fs });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("removed /d/vm.mig.vmstate-undo, the incomplete undo record of an interrupted in-place rewrite");
      expect(equalBytes(new Uint8Array(fs.readFileSync("/d/vm.mig")), OLD)).toBe(true);
    }
  });

  it("refuses a record made for another file of that name", async () => {
    const { undo, fs } = await undoRecordOf(OLD);
    fs.writeFileSync("/d/vm.mig.vmstate-undo", undo);
    // Another inode under the name: the record's file was replaced since.
    fs.writeFileSync("/d/other.mig", OLD);
    fs.renameSync("/d/other.mig", "/d/vm.mig");
    const r = await runMain(rewriteMain, ["-i", "/d/vm.mig", "--dry-run"], { fs });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe("vmstate-rewrite: /d/vm.mig.vmstate-undo is the undo record of another file than /d/vm.mig (it was replaced since): remove it if that was meant, then run again\n");
  });

  it("refuses a file under the record's name that is no undo record, and leaves it and the file alone", async () => {
    const fs = memFs({ "/d/vm.mig": OLD, "/d/vm.mig.vmstate-undo": "notes of mine\n" });
    const r = await runMain(rewriteMain, ["-i", "/d/vm.mig", "--in-place", "--hide", REG], { fs });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      "vmstate-rewrite: /d/vm.mig.vmstate-undo is in the way: vmstate-rewrite keeps the undo record of an in-place rewrite of /d/vm.mig under that name, and this file is not one (no vmstate-undo magic); move it away, then run again\n",
    );
    expect(fs.readFileSync("/d/vm.mig.vmstate-undo", "utf8")).toBe("notes of mine\n");
    expect(equalBytes(new Uint8Array(fs.readFileSync("/d/vm.mig")), OLD)).toBe(true);
  });
});
