import { expect } from "vitest";
import { resumeAndCheck, type LoadResult } from "../../tools/qemu/load.js";

/**
 * Asserts that a load kept running (`loadStream`/`loadLike` with keep) completed and that the
 * guest runs after `cont`; the destination QEMU is always cleaned up.
 */
export async function expectLoadsAndRuns(r: LoadResult): Promise<void> {
  try {
    expect(r.reason ?? "", r.stderr).toBe("");
    expect(await resumeAndCheck(r.process!)).toBe("running");
  } finally {
    await r.process?.cleanup();
  }
}
