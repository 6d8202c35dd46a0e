/**
 * `vmstate-inspect summary` on every real sample: what the manifest says of it (machine,
 * page size, features, RAM blocks) and section spans that account for every byte from the
 * first section to the EOF byte, with or without footers; a damaged stream is summarised
 * up to the damage.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectMain } from "@vmstate/cli";
import type { StreamSummary } from "@vmstate/stream";
import { runMain } from "./support/cli.js";
import { manifest } from "./support/manifest.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";
import { decodeAll } from "./support/decode.js";

describe.each(manifest().map((s) => [s.file, s] as const))("summary of %s", (file, sample) => {
  it("agrees with the manifest and accounts for every byte", async () => {
    const r = await runMain(inspectMain, ["summary", "--json", join(SAMPLES_DIR, file)]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.printed) as StreamSummary & { complete: boolean };
    expect(s.complete).toBe(true);
    expect(s.machine).toBe(sample.flags.machine);
    expect(s.pageSize).toBe(sample.flags.pageSize);
    expect(s.features.footers).toBe(sample.flags.footers);
    expect(s.features.vmdesc).toBe(sample.flags.vmdesc);
    expect(s.ram.map((b) => [b.name, b.size])).toEqual(sample.ramBlocks.map((b) => [b.name, b.bytes]));

    const records = await decodeAll([readSample(file)]);
    const commands = records.filter((x) => x.kind === "command").reduce((n, x) => n + (x.end - x.start), 0);
    const eof = records.find((x) => x.kind === "eof")!;
    const covered = s.sections.reduce((n, x) => n + x.size, 0) + commands;
    expect(covered).toBe(eof.start - s.sections[0]!.offset);
  });
});

describe("summary of a damaged stream", () => {
  it("prints what it decoded, the last section up to the damage, then the error", async () => {
    const bytes = readSample("aarch64-virt-uefi.mig").subarray(0, 200_000);
    const r = await runMain(inspectMain, ["summary", "--json", "-"], { stdin: [bytes] });
    expect(r.code).toBe(1);
    const s = JSON.parse(r.printed) as StreamSummary & { complete: boolean };
    expect(s.complete).toBe(false);
    const last = s.sections[s.sections.length - 1]!;
    expect(last.type).toBe("PART");
    expect(last.offset + last.size).toBeGreaterThan(199_000);
    expect(r.stderr).toMatch(/in ram \(0\) PART at offset 0x[0-9a-f]+/);
  });
});
