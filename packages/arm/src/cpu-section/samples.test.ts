/**
 * The built-in `cpu` schema against QEMU's own description: in every real stream of
 * samples/ that has a vmdesc, each Arm `cpu` section walked without the vmdesc gives the
 * tree the vmdesc-driven walk gives. Sections are found through the `cpu` entries of the
 * vmdesc, by their FULL header bytes.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseVmdesc, walkSection, type DeviceDesc } from "@vmstate/vmsd";
import { walkArmCpu } from "./schema.js";
import { CPREG_FIELDS } from "./section.js";

const dir = new URL("../../../../samples/", import.meta.url);
interface ManifestEntry {
  file: string;
  flags: { vmdesc: boolean; footers: boolean; arch: string };
}
const manifest = JSON.parse(readFileSync(new URL("manifest.json", dir), "utf8")) as { samples: ManifestEntry[] };
const files = manifest.samples.filter((s) => s.flags.vmdesc && s.flags.arch !== "x86_64").map((s) => s.file);

function vmdescAt(b: Buffer): number {
  for (let i = b.length - 5; i >= 0; i--) {
    if (b[i] === 0x06 && b[i + 5] === 0x7b && b.readUInt32BE(i + 1) === b.length - i - 5) return i;
  }
  throw new Error("no vmdesc at the end of the file");
}

/** Where the payload of the FULL section of `d` starts (after `idstr`, instance id, version). */
function payloadStart(b: Buffer, d: DeviceDesc, from: number): number {
  const name = Buffer.from(d.name, "latin1");
  const inst = Buffer.alloc(4);
  inst.writeUInt32BE(d.instance_id);
  const pattern = Buffer.concat([Buffer.of(name.length), name, inst]);
  for (let p = b.indexOf(pattern, from); p >= 0; p = b.indexOf(pattern, p + 1)) {
    if (b[p - 5] === 0x04 && b.readUInt32BE(p + pattern.length) === d.version) return p + pattern.length + 4;
  }
  throw new Error(`no FULL section for ${d.name} (${d.instance_id})`);
}

describe("the built-in cpu schema on real samples", () => {
  it("has Arm samples with a vmdesc to check", () => expect(files.length).toBeGreaterThan(5));
  for (const file of files) {
    it(`${file}: every cpu section walks as its vmdesc says`, () => {
      const b = readFileSync(new URL(file, dir));
      const doc = parseVmdesc(b.subarray(vmdescAt(b) + 5));
      const cpus = doc.devices.filter((d) => d.name === "cpu" && d.fields.some((f) => f.name === CPREG_FIELDS.LEN));
      expect(cpus.length).toBeGreaterThan(0);
      let from = 0;
      for (const d of cpus) {
        const start = payloadStart(b, d, from);
        const opts = { base: 0, path: `cpu (${d.instance_id})` };
        const byVmdesc = walkSection(d, b, start, opts);
        const bySchema = walkArmCpu(b, start, { ...opts, instanceId: d.instance_id, version: d.version });
        expect(bySchema.end).toBe(byVmdesc.end);
        expect(bySchema.node.children!.map((c) => [c.start, c.end])).toEqual(byVmdesc.node.children!.map((c) => [c.start, c.end]));
        expect(bySchema.node.subsections?.map((s) => [s.name, s.start, s.end])).toEqual(byVmdesc.node.subsections?.map((s) => [s.name, s.start, s.end]));
        from = byVmdesc.end;
      }
    });
  }
});
