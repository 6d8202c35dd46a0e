/**
 * `--in-place` killed at every change it makes to the disk (test/support/crash-child.ts:
 * SIGKILL, so no cleanup runs) leaves the old file or the new one, never a mix: either the
 * file is already one of them, or an undo record lies beside it and the next run puts the
 * old one back. Run again, the rewrite then completes.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rewriteMain } from "@vmstate/cli";
import { simulateNewerSource } from "../tools/simulate-newer-source.js";
import { SAMPLES_DIR } from "./support/samples.js";
import { equalBytes } from "./support/decode.js";
import { runMain } from "./support/cli.js";

const REG = "0x6030000000160003";
const child = resolve(import.meta.dirname, "support/crash-child.ts");
const dir = mkdtempSync(join(tmpdir(), "vmstate-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const read = (p: string) => new Uint8Array(readFileSync(p));

describe("--in-place --hide killed at each change to the disk", () => {
  it("leaves the old or the new file, and the next run rolls back or completes", async () => {
    const oldPath = join(dir, "old.mig");
    await simulateNewerSource(join(SAMPLES_DIR, "aarch64-virt-max-4cpu.mig"), oldPath, new Map([[0x6030000000160003n, 0n]]));
    const newPath = join(dir, "new.mig");
    copyFileSync(oldPath, newPath);
    expect((await runMain(rewriteMain, ["-i", newPath, "--in-place", "--hide", REG, "-q"])).code).toBe(0);
    const OLD = read(oldPath);
    const NEW = read(newPath);
    expect(NEW.length).toBe(OLD.length - 4 * 16);

    const file = join(dir, "vm.mig");
    const undo = `${file}.vmstate-undo`;
    const seen = new Set<string>();
    let crashes = 0;
    for (let n = 0; ; n++) {
      copyFileSync(oldPath, file);
      const ino = statSync(file).ino;
      const r = spawnSync(process.execPath, ["--import", "tsx", child, String(n), "-i", file, "--in-place", "--hide", REG, "-q"], { encoding: "utf8" });
      if (r.status === 0) {
        // No Nth change: the run completed.
        expect(equalBytes(read(file), NEW)).toBe(true);
        expect(existsSync(undo)).toBe(false);
        break;
      }
      expect(r.signal, r.stderr).toBe("SIGKILL");
      crashes++;
      const state = read(file);
      const pending = existsSync(undo);
      const whole = equalBytes(state, OLD) ? "old" : equalBytes(state, NEW) ? "new" : "mixed";
      seen.add(`${whole}${pending ? "+undo" : ""}`);
      // Without an undo record the file must already be one of the two.
      if (!pending) expect(whole).not.toBe("mixed");

      // The next run, whatever it is, first puts the old file back (or drops an undo record
      // that was cut short, before the file was touched).
      const look = await runMain(rewriteMain, ["-i", file, "--dry-run", "--hide", REG, "-q"]);
      expect(look.code).toBe(0);
      if (pending) expect(look.stderr).toMatch(/rolled back an interrupted in-place rewrite|removed .*incomplete undo record/);
      expect(existsSync(undo)).toBe(false);
      const after = read(file);
      expect(equalBytes(after, OLD) || equalBytes(after, NEW)).toBe(true);

      const again = await runMain(rewriteMain, ["-i", file, "--in-place", "--hide", REG, "-q"]);
      expect(again.code).toBe(0);
      expect(equalBytes(read(file), NEW)).toBe(true);
      expect(statSync(file).ino).toBe(ino);
    }
    // Crashes before the undo record, inside it, after it, inside the tail, after the tail.
    expect(crashes).toBeGreaterThanOrEqual(8);
    expect(seen).toContain("old");
    expect(seen).toContain("mixed+undo");
    expect(seen).toContain("new");
  });
});
