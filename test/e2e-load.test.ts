/**
 * End to end with real QEMU: every sample, re-encoded from its structured form by our
 * encoder, loads in the QEMU that wrote it (-incoming "exec:cat FILE", checked over QMP).
 * QEMU missing is a failure, not a skip: .ci/run installs it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { manifest } from "./support/manifest.js";
import { loadLike } from "./support/manifest.js";
import { readSample } from "./support/samples.js";
import { equalBytes, reencode } from "./support/decode.js";

const dir = mkdtempSync(join(tmpdir(), "vmstate-e2e-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(manifest().map((s) => [s.file, s] as const))("QEMU loads %s re-encoded from structure", (file, sample) => {
  it("loads", async () => {
    const bytes = readSample(file);
    const encoded = await reencode([bytes], true);
    expect(equalBytes(encoded, bytes)).toBe(true);
    const out = join(dir, file);
    writeFileSync(out, encoded);
    const r = await loadLike(sample, out);
    expect(r.reason ?? "", r.stderr).toBe("");
    expect(r.ok).toBe(true);
  });
});
