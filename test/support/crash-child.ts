/**
 * Runs vmstate-rewrite in this process over a file system that kills the process with
 * SIGKILL (no cleanup, no `finally`: a crash) just before its Nth change to the disk: each
 * write, sync, truncation, removal, rename and opening for writing counts. Used by
 * test/in-place-crash.test.ts:
 *
 *   node --import tsx test/support/crash-child.ts N vmstate-rewrite-arguments…
 */
import * as fs from "node:fs";
// The sources, not the package: @vmstate/cli ships only its bundles (no library entry).
import { nodeIo, rewriteMain, type CliFs } from "../../packages/cli/src/index.js";

const [n, ...argv] = process.argv.slice(2);
let left = Number(n);
const CHANGES = new Set(["writeSync", "fsyncSync", "fsync", "ftruncateSync", "unlinkSync", "renameSync", "copyFile", "fchmodSync", "fchownSync"]);

function crashNow(): void {
  if (left-- === 0) process.kill(process.pid, "SIGKILL");
}

const crashing = new Proxy(fs, {
  get(target, key) {
    const value = (target as unknown as Record<string | symbol, unknown>)[key];
    if (typeof value !== "function") return value;
    if (typeof key === "string" && CHANGES.has(key)) {
      return (...args: unknown[]) => {
        crashNow();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    }
    if (key === "openSync") {
      return (path: string, flags: string, mode?: number) => {
        if (/[wax+]/.test(flags)) crashNow();
        return target.openSync(path, flags, mode);
      };
    }
    return value;
  },
}) as unknown as CliFs;

process.exitCode = await rewriteMain(argv, { ...nodeIo("vmstate-rewrite"), fs: crashing });
