/**
 * `vmstate-inspect sections` on every real sample: the records tile the file from offset 0
 * to its last byte without gaps or overlaps; `--all` lists exactly the RAM records the
 * default view counts; a truncated copy prints the records before the cut, then exit 1.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectMain, EXIT, type CliFs } from "@vmstate/cli";
import type { LayoutEntry } from "@vmstate/inspect";
import { runMain } from "./support/cli.js";
import { memFs } from "./support/memfs.js";
import { readSample, sampleFiles, SAMPLES_DIR } from "./support/samples.js";

interface LayoutJson {
  file: string;
  complete: boolean;
  decoded_bytes: number;
  entries: LayoutEntry[];
}

async function layout(argv: string[], fs?: CliFs): Promise<{ code: number; json: LayoutJson; stderr: string }> {
  const run = await runMain(inspectMain, ["sections", "--json", ...argv], fs ? { fs } : {});
  return { code: run.code, json: JSON.parse(run.printed) as LayoutJson, stderr: run.stderr };
}

function expectContiguous(entries: readonly LayoutEntry[], from: number, to: number): void {
  let at = from;
  for (const e of entries) {
    expect(e.start, `${e.kind} at ${e.start}`).toBe(at);
    expect(e.end).toBeGreaterThan(e.start);
    at = e.end;
  }
  expect(at).toBe(to);
}

describe.each(sampleFiles())("sections of %s", (file) => {
  const size = readSample(file).length;

  it("covers the file from 0 to its size, record after record", async () => {
    const { code, json } = await layout([join(SAMPLES_DIR, file)]);
    expect(code).toBe(EXIT.OK);
    expect(json.complete).toBe(true);
    expect(json.decoded_bytes).toBe(size);
    expectContiguous(json.entries, 0, size);
    expect(json.entries[0]?.kind).toBe("header");
    expect(json.entries.some((e) => e.kind === "eof")).toBe(true);
  });
});

describe("sections", () => {
  const file = join(SAMPLES_DIR, "aarch64-virt-xbzrle.mig");

  it("lists each RAM record with --all, as many as the chunks count", async () => {
    const folded = (await layout([file])).json.entries;
    const all = (await layout(["--all", file])).json.entries;
    const counted = folded.filter((e) => e.kind === "ram").reduce((n, e) => n + (e.kind === "ram" ? e.records : 0), 0);
    expect(all.filter((e) => e.kind === "ram-record")).toHaveLength(counted);
    expect(all.some((e) => e.kind === "ram-record" && e.type === "xbzrle")).toBe(true);
    expectContiguous(all, 0, readSample("aarch64-virt-xbzrle.mig").length);
  });

  it("names section headers, footers, commands and the vmdesc in text", async () => {
    const run = await runMain(inspectMain, ["sections", join(SAMPLES_DIR, "newer-aarch64-virt-max.mig")]);
    expect(run.code).toBe(0);
    expect(run.printed).toMatch(/START id \d+ ram \(0\) v4/);
    expect(run.printed).toMatch(/FULL  id \d+ cpu \(0\) v22/);
    expect(run.printed).toMatch(/command SWITCHOVER_START \(11\)/);
    expect(run.printed).toMatch(/vmdesc \d+ bytes of JSON/);
    // Lines naming the file repeat the path the user typed, which may be any length.
    expect(run.printed.split("\n").filter((l) => l.length > 80 && !l.includes(SAMPLES_DIR))).toEqual([]);
  });

  it("prints what decoded before a cut, then the error at the cut (exit 1)", async () => {
    const bytes = readSample("aarch64-virt-7.2-a57.mig");
    const cut = 200_000; // inside the RAM PART section
    const { code, json, stderr } = await layout(["/cut.mig"], memFs({ "/cut.mig": bytes.subarray(0, cut) }));
    expect(code).toBe(EXIT.BAD_STREAM);
    expect(json.complete).toBe(false);
    expectContiguous(json.entries, 0, json.decoded_bytes);
    expect(json.decoded_bytes).toBeGreaterThan(cut - 5000);
    expect(stderr).toMatch(/ram \(0\) PART.* at offset 0x[0-9a-f]+/);
  });
});
