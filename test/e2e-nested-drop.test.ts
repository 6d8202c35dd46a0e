/**
 * --drop-subsection on the subsections QEMU 7.2 sends inside struct fields (its x86 samples:
 * q35's ICH9LPC sends ich9_pm/* inside `pm`, pckbd sends pckbd/extended_state inside `kbd`,
 * the pc fdc sends fdrive/media_rate inside each drive), proven against real QEMU 7.2
 * (qemu-system-x86_64, TCG): the rewritten stream passes verify (the vmdesc, struct sizes
 * included, describes it exactly) and QEMU loads it and runs. QEMU 7.2's loader treats
 * every subsection as optional, so none of these is refused: each drop is reported as
 * guest-state (the destination keeps its own state there, and saved again it sends each
 * subsection anew from that state). Cutting one byte more than the
 * subsection is refused ("Missing section footer for DEVICE"), so the load shows the cut
 * is exact, not that QEMU skips what it does not understand.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectMain, rewriteMain } from "@vmstate/cli";
import type { DeviceRecord } from "@vmstate/stream";
import { findSubsectionPlaces } from "@vmstate/vmsd";
import { loadLike, sampleEntry } from "./support/manifest.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";
import { decodeAll } from "./support/decode.js";
import { runMain } from "./support/cli.js";
import { resumeAndCheck } from "../tools/qemu/load.js";
import { pollMigrate, shellQuote } from "../tools/qemu/capture.js";

const dir = mkdtempSync(join(tmpdir(), "vmstate-e2e-nested-drop-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Sample, subsections to drop, and where each drop is reported (device, name, within), in stream order. */
const cases: [string, string[], [string, string, string][]][] = [
  [
    "x86_64-q35-seabios.mig",
    ["ich9_pm/tco", "ich9_pm/memhp", "ich9_pm/pcihp", "pckbd/extended_state"],
    [
      ["0000:00:1f.0/ICH9LPC", "ich9_pm/memhp", "pm"],
      ["0000:00:1f.0/ICH9LPC", "ich9_pm/tco", "pm"],
      ["0000:00:1f.0/ICH9LPC", "ich9_pm/pcihp", "pm"],
      ["pckbd", "pckbd/extended_state", "kbd"],
    ],
  ],
  [
    "x86_64-pc-seabios.mig",
    ["fdrive/media_rate"],
    [
      ["fdc", "fdrive/media_rate", "state / drives[0]"],
      ["fdc", "fdrive/media_rate", "state / drives[1]"],
    ],
  ],
];

describe.each(cases)("subsections nested in structs of %s", (file, names, where) => {
  const sample = sampleEntry(file);
  const fixed = join(dir, `dropped-${file}`);
  const report = join(dir, `${file}.json`);

  it("are dropped, each reported with where it was; verify passes on the result", async () => {
    const run = await runMain(rewriteMain, ["-i", join(SAMPLES_DIR, file), "-o", fixed, "--drop-subsection", names.join(","), "--report-json", report]);
    expect(run.code, run.stderr).toBe(0);
    for (const [device, name, within] of where) {
      expect(run.stderr).toMatch(new RegExp(`: ${reEscape(device)} \\(0\\): dropped subsection ${reEscape(name)} within ${reEscape(within)} \\(\\d+ bytes\\) \\[guest-state: `));
    }
    const json = JSON.parse(readFileSync(report, "utf8")) as { changes: { device: string; name: string; within: string; risk: string }[]; undecoded: unknown[] };
    expect(json.changes.map((c) => [c.device, c.name, c.within])).toEqual(where);
    expect(json.changes.every((c) => c.risk === "guest-state")).toBe(true);
    expect(json.undecoded).toEqual([]);
    const verify = await runMain(inspectMain, ["verify", fixed]);
    expect(verify.code, verify.stderr + verify.printed).toBe(0);
  });

  it("loads in QEMU 7.2, the guest runs, and saved again it sends each subsection anew, from its own state", async () => {
    const r = await loadLike(sample, fixed, "x86_64", true);
    const again = join(dir, `again-${file}`);
    try {
      expect(r.reason ?? "", r.stderr).toBe("");
      expect(await resumeAndCheck(r.process!)).toBe("running");
      await r.process!.qmp.execute("stop");
      await r.process!.qmp.execute("migrate", { uri: `exec:cat > ${shellQuote(again)}` });
      await pollMigrate(r.process!.qmp, 60_000);
    } finally {
      await r.process?.cleanup();
    }
    const records = await decodeAll([new Uint8Array(readFileSync(again))]);
    const devices = [...new Set(where.map(([device]) => device))];
    const found = devices.flatMap((device) => {
      const rec = records.find((x): x is DeviceRecord => x.kind === "device" && x.idstr === device)!;
      return findSubsectionPlaces(rec.fields!, new Set(names)).map((p) => [device, p.node.name, p.within]);
    });
    expect(found).toEqual(where);
  });

  it("is refused by QEMU 7.2 when one byte more is cut", async () => {
    const bytes = readSample(file);
    const [device, name] = where[0]!;
    const rec = (await decodeAll([bytes])).find((r): r is DeviceRecord => r.kind === "device" && r.idstr === device)!;
    const sub = findSubsectionPlaces(rec.fields!, new Set([name]))[0]!.node;
    const overcut = join(dir, `overcut-${file}`);
    writeFileSync(overcut, Buffer.concat([bytes.subarray(0, rec.start + sub.start), bytes.subarray(rec.start + sub.end + 1)]));
    const r = await loadLike(sample, overcut, "x86_64");
    expect(r.ok).toBe(false);
    // QEMU reads the section to its end by the fields it knows, then checks the footer there.
    expect(r.stderr).toContain(`Missing section footer for ${device}\n`);
  });
});

function reEscape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
