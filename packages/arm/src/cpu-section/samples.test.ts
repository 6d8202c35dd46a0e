/**
 * The built-in `cpu` schema against QEMU's own description, on the real streams of samples/:
 *
 * - in every Arm sample with a vmdesc, each `cpu` section walked without the vmdesc gives
 *   the tree the vmdesc-driven walk gives (for 7.2 the spans and types only: its vmdesc names
 *   two timer fields `gt_timer[0]`/`gt_timer[1]`, the schema uses the names of 9.0 and later);
 * - each 11.1 sample saved without a vmdesc walks, by schema, to the very tree 11.1's vmdesc
 *   gives for its twin saved with one (same guest, same command line).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findField, parseVmdesc, walkSection, type DeviceDesc, type FieldTree } from "@vmstate/vmsd";
import { walkArmCpu } from "./schema.js";
import { ARM_CPU_VERSION, CPREG_FIELDS } from "./section.js";

const dir = new URL("../../../../samples/", import.meta.url);
interface ManifestEntry {
  file: string;
  qemu: { kind: string };
  flags: { vmdesc: boolean; arch: string; vcpus: number };
}
const manifest = JSON.parse(readFileSync(new URL("manifest.json", dir), "utf8")) as { samples: ManifestEntry[] };
const withVmdesc = manifest.samples.filter((s) => s.flags.vmdesc && s.flags.arch !== "x86_64");
const read = (file: string): Buffer => readFileSync(new URL(file, dir));

function vmdescAt(b: Buffer): number {
  for (let i = b.length - 5; i >= 0; i--) {
    if (b[i] === 0x06 && b[i + 5] === 0x7b && b.readUInt32BE(i + 1) === b.length - i - 5) return i;
  }
  throw new Error("no vmdesc at the end of the file");
}

/** The payload of the FULL `cpu` section of vCPU `instance` (found by its header bytes). */
function cpuPayload(b: Buffer, instance: number): Buffer {
  const inst = Buffer.alloc(4);
  inst.writeUInt32BE(instance);
  const pattern = Buffer.concat([Buffer.of(3), Buffer.from("cpu", "latin1"), inst]);
  for (let p = b.indexOf(pattern); p >= 0; p = b.indexOf(pattern, p + 1)) {
    if (b[p - 5] === 0x04 && b.readUInt32BE(p + pattern.length) === ARM_CPU_VERSION) return b.subarray(p + pattern.length + 4);
  }
  throw new Error(`no FULL section for cpu (${instance})`);
}

function cpuDescs(b: Buffer): DeviceDesc[] {
  const doc = parseVmdesc(b.subarray(vmdescAt(b) + 5));
  return doc.devices.filter((d) => d.name === "cpu" && d.fields.some((f) => f.name === CPREG_FIELDS.LEN));
}

/** Spans and types of every node, names left out. */
function shape(t: FieldTree): unknown {
  return { type: t.type, start: t.start, end: t.end, children: t.children?.map(shape), subsections: t.subsections?.map((s) => [s.name, shape(s)]) };
}

const opts = (d: DeviceDesc) => ({ base: 0, path: `cpu (${d.instance_id})`, instanceId: d.instance_id, version: d.version });

describe("the built-in cpu schema on real samples", () => {
  it("has Arm samples with a vmdesc to check, 11.1 ones among them", () => {
    expect(withVmdesc.length).toBeGreaterThan(5);
    expect(withVmdesc.filter((s) => s.qemu.kind === "trixie-aarch64").length).toBeGreaterThan(1);
  });

  for (const { file, qemu } of withVmdesc) {
    it(`${file}: every cpu section walks as its vmdesc says`, () => {
      const b = read(file);
      const cpus = cpuDescs(b);
      expect(cpus.length).toBeGreaterThan(0);
      for (const d of cpus) {
        const payload = cpuPayload(b, d.instance_id);
        const byVmdesc = walkSection(d, payload, 0, opts(d));
        const bySchema = walkArmCpu(payload, 0, opts(d));
        if (qemu.kind === "aarch64" || qemu.kind === "arm") expect(shape(bySchema.node)).toEqual(shape(byVmdesc.node));
        else expect(bySchema).toEqual(byVmdesc);
      }
    });
  }

  const pairs = manifest.samples.filter((s) => s.qemu.kind === "trixie-aarch64" && !s.flags.vmdesc);
  it("has 11.1 samples without a vmdesc, each with a twin saved with one", () => {
    expect(pairs.map((s) => s.file)).toEqual(["v11-aarch64-virt-max-no-vmdesc.mig", "v11-aarch64-virt-7.2-a57-no-vmdesc.mig"]);
  });
  for (const { file, flags } of pairs) {
    const twin = file.replace("-no-vmdesc", "");
    it(`${file}: the schema walk equals 11.1's vmdesc walk of ${twin}`, () => {
      const b = read(file);
      const t = read(twin);
      const descs = cpuDescs(t);
      expect(descs.length).toBe(flags.vcpus);
      for (const d of descs) {
        const bySchema = walkArmCpu(cpuPayload(b, d.instance_id), 0, opts(d));
        expect(bySchema).toEqual(walkSection(d, cpuPayload(t, d.instance_id), 0, opts(d)));
        expect(findField(bySchema.node, CPREG_FIELDS.LEN)!.type).toBe("int32");
        expect(bySchema.node.subsections!.map((s) => s.name)).toContain("cpu/wfxt-timer");
      }
    });
  }
});
