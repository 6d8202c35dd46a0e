/**
 * `cpregs`, `diff`, `explain` and `report` on the QEMU 10.0 mapped-ram samples (wire-format.md
 * §9.9), checked against what the same QEMU saved as an ordinary stream of the same CPU model
 * (samples/newer-aarch64-virt-max.mig: `-M virt -cpu max`, QEMU 10.0, `-m 32` where the
 * mapped-ram guests have 128 MiB) and against each other (one capture with multifd).
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectMain } from "@vmstate/cli";
import { StreamDecoder, type RamRecord } from "@vmstate/stream";
import { runMain } from "./support/cli.js";
import { expandedSample } from "./support/packed-samples.js";
import { SAMPLES_DIR } from "./support/samples.js";

const MAPPED = "newer-aarch64-virt-mapped-ram.mig";
const MULTIFD = "newer-aarch64-virt-mapped-ram-multifd.mig";
const ORDINARY = join(SAMPLES_DIR, "newer-aarch64-virt-max.mig");
const inspect = (args: string[]) => runMain(inspectMain, args);
const dir = mkdtempSync(join(tmpdir(), "vmstate-mapped-ram-inspect-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Cpregs = { cpus: { instance_id: number; count: number; registers: { id: string; name: string; value: string }[] }[] };

describe("cpregs of a mapped-ram file", () => {
  it.each([MAPPED, MULTIFD])("%s lists the registers QEMU 10.0 saves for -cpu max in an ordinary stream", async (name) => {
    const r = await inspect(["cpregs", "--json", expandedSample(name)]);
    expect(r.code, r.stderr).toBe(0);
    const ours = JSON.parse(r.printed) as Cpregs;
    const ordinary = JSON.parse((await inspect(["cpregs", "--json", ORDINARY])).printed) as Cpregs;
    expect(ours.cpus.map((c) => c.count)).toEqual([328]);
    expect(ours.cpus[0]!.registers.map((x) => x.id)).toEqual(ordinary.cpus[0]!.registers.map((x) => x.id));
    // Values read from the file: the ID registers, which the CPU model fixes, are the same.
    const ids = (doc: Cpregs) => doc.cpus[0]!.registers.filter((x) => x.name.startsWith("ID_")).map((x) => `${x.name}=${x.value}`);
    expect(ids(ours).length).toBeGreaterThan(10);
    expect(ids(ours).some((x) => !x.endsWith("=0x0000000000000000"))).toBe(true);
    expect(ids(ours)).toEqual(ids(ordinary));
  });
});

describe("diff with a mapped-ram file on either side", () => {
  it("against an ordinary stream of the same CPU: the capability and the RAM size, nothing in the CPU", async () => {
    const r = await inspect(["diff", "--json", expandedSample(MAPPED), ORDINARY]);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.printed) as { header: { what: string; a: string; b: string }[]; ram_blocks: { name: string; a: string; b: string }[]; sections: { only_a: unknown[]; only_b: unknown[] }; devices: { section: string }[]; complete: boolean };
    expect(d.complete).toBe(true);
    expect(d.header).toEqual([{ what: "capabilities", a: "mapped-ram", b: "(none)" }]);
    expect(d.ram_blocks).toEqual([{ name: "mach-virt.ram", a: "0x0000000008000000", b: "0x0000000002000000" }]);
    expect(d.sections.only_a).toEqual([]);
    expect(d.sections.only_b).toEqual([]);
    expect(d.devices.map((x) => x.section)).not.toContain("cpu (0)");
  });

  it("between the two captures (with and without multifd): only clocks differ", async () => {
    const r = await inspect(["diff", "--json", expandedSample(MAPPED), expandedSample(MULTIFD)]);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.printed) as { header: unknown[]; ram_blocks: unknown[]; devices: { section: string }[]; identical: boolean };
    expect(d.identical).toBe(false);
    expect(d.header).toEqual([]);
    expect(d.ram_blocks).toEqual([]);
    expect(d.devices.map((x) => x.section).sort()).toEqual(["pl031 (0)", "timer (0)"]);
  });
});

describe("explain with mapped-ram files", () => {
  it("a mapped-ram destination of the same configuration loads the other capture (exit 0)", async () => {
    const r = await inspect(["explain", expandedSample(MAPPED), "--dest", expandedSample(MULTIFD), "--dest-qemu", "10.0"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.printed).toContain("The destination would load this stream.");
  });

  it("an ordinary destination: mapped-ram must be on there too, and its RAM is smaller (exit 6)", async () => {
    const r = await inspect(["explain", "--json", expandedSample(MAPPED), "--dest", ORDINARY, "--dest-qemu", "10.0"]);
    expect(r.code).toBe(6);
    const e = JSON.parse(r.printed) as { verdict: string; problems: { severity: string; message: string; qemu: string[] }[] };
    expect(e.verdict).toBe("refuses");
    expect(e.problems[0]!.qemu).toContain("Capability mapped-ram is off, but received capability is on");
    expect(e.problems.some((p) => p.severity === "fatal" && p.message.includes("mach-virt.ram is 0x8000000 bytes, 0x2000000 on"))).toBe(true);
  });

  it("prints the fix command for a mapped-ram source with -i and -o, each on its own line", async () => {
    const src = expandedSample(MAPPED);
    const own = await inspect(["cpregs", "--json", src]);
    const ids = (JSON.parse(own.printed) as { cpus: { registers: { id: string }[] }[] }).cpus[0]!.registers.map((r) => r.id);
    const list = join(dir, "ids-without-one.txt");
    writeFileSync(list, ids.filter((id) => id !== "0x603000000013de82").join("\n"));
    const r = await inspect(["explain", src, "--dest", list, "--dest-qemu", "10.0"]);
    const fixed = src.replace(/\.mig$/, ".fixed.mig");
    expect(r.printed).toContain("    --hide 0x603000000013de82 \\\n");
    expect(r.printed).toContain(` \\\n    -i ${src} \\\n    -o ${fixed}\n`);
  });
});

describe("report of a mapped-ram file", () => {
  it("draws each block's page map from its bitmap: present pages as sent, the rest absent", async () => {
    const file = expandedSample(MAPPED);
    const html = join(dir, "report.html");
    const r = await inspect(["report", file, "-o", html]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(html, "utf8");
    const json = /<script type="application\/json" id="page-maps">(.*?)<\/script>/s.exec(text)![1]!;
    const maps = JSON.parse(json) as { name: string; pages: number; counts: { normal: number; absent: number; zero: number } }[];
    let memSize: RamRecord | undefined;
    for await (const rec of new StreamDecoder(createReadStream(file)).records()) if (rec.kind === "ram" && rec.type === "mem_size") memSize = rec;
    expect(maps.map((m) => [m.name, m.pages, m.counts.normal, m.counts.absent, m.counts.zero])).toEqual(
      memSize!.blocks!.map((b) => [b.idstr, b.mappedRam!.pages, b.mappedRam!.presentPages, b.mappedRam!.pages - b.mappedRam!.presentPages, 0]),
    );
    expect(maps.find((m) => m.name === "mach-virt.ram")!.counts.normal).toBeGreaterThan(0);
    expect(text).toContain("mapped-ram");
  });
});
