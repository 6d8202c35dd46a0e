/**
 * End to end with real QEMU: every sample, re-encoded from its structured form by our
 * encoder, loads in the QEMU that wrote it (-incoming "exec:cat FILE", checked over QMP).
 * A simulated sample (registers put in after the capture) is refused as it is, and loads once
 * `vmstate-rewrite --hide` takes them out: the README's headline command on a bundled file.
 * QEMU missing is a failure, not a skip: .ci/run installs it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { manifest } from "./support/manifest.js";
import { loadLike } from "./support/manifest.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";
import { runMain } from "./support/cli.js";
import { rewriteMain } from "@vmstate/cli";
import { equalBytes, reencode } from "./support/decode.js";

const dir = mkdtempSync(join(tmpdir(), "vmstate-e2e-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const captured = manifest().filter((s) => s.inserted === undefined);
const simulated = manifest().filter((s) => s.inserted !== undefined);

describe.each(captured.map((s) => [s.file, s] as const))("QEMU loads %s re-encoded from structure", (file, sample) => {
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

describe.each(simulated.map((s) => [s.file, s] as const))("QEMU and the simulated %s", (file, sample) => {
  it("refuses it as it is, and loads it after vmstate-rewrite --hide of what was put in", async () => {
    const refused = await loadLike(sample, join(SAMPLES_DIR, file));
    expect(refused.ok).toBe(false);
    expect(refused.stderr).toContain("Failed to load cpu:cpreg_vmstate_array_len");
    const out = join(dir, `hidden-${file}`);
    const run = await runMain(rewriteMain, ["-i", join(SAMPLES_DIR, file), "-o", out, "--hide", Object.keys(sample.inserted!).join(",")]);
    expect(run.code, run.stderr).toBe(0);
    const r = await loadLike(sample, out);
    expect(r.reason ?? "", r.stderr).toBe("");
    expect(r.ok).toBe(true);
  });
});
