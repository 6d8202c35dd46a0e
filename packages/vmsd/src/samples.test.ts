/**
 * Checks against the real QEMU streams in samples/ that have a vmdesc and section footers
 * (samples/manifest.json says which): the vmdesc re-serializes byte for byte, and walking
 * each described FULL section with its vmdesc entry lands exactly on its footer. Sections are located by their header bytes,
 * searching forward in vmdesc order.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseVmdesc, serializeVmdesc, type DeviceDesc } from "./vmdesc-model.js";
import { walkSection } from "./walker.js";

const dir = new URL("../../../samples/", import.meta.url);
interface ManifestEntry {
  file: string;
  flags: { vmdesc: boolean; footers: boolean };
}
const manifest = JSON.parse(readFileSync(new URL("manifest.json", dir), "utf8")) as { samples: ManifestEntry[] };
const files = manifest.samples.filter((s) => s.flags.vmdesc && s.flags.footers).map((s) => s.file);

function findVmdesc(b: Buffer): number {
  for (let i = b.length - 5; i >= 0; i--) {
    if (b[i] === 0x06 && b[i + 5] === 0x7b && b.readUInt32BE(i + 1) === b.length - i - 5) return i;
  }
  throw new Error("no vmdesc at the end of the file");
}

function headerPattern(d: DeviceDesc): Buffer {
  const name = Buffer.from(d.name, "latin1");
  const inst = Buffer.alloc(4);
  inst.writeUInt32BE(d.instance_id);
  return Buffer.concat([Buffer.of(name.length), name, inst]);
}

describe("real samples", () => {
  it("include streams with a vmdesc and footers", () => expect(files.length).toBeGreaterThan(5));
  for (const file of files) {
    it(`${file}: vmdesc round trip and every FULL section walk lands on its footer`, () => {
      const b = readFileSync(new URL(file, dir));
      const at = findVmdesc(b);
      const json = b.subarray(at + 5);
      const doc = parseVmdesc(json, { base: at + 5 });
      expect(serializeVmdesc(doc)).toBe(json.toString("latin1"));

      if (doc.configuration !== undefined) {
        expect(b[8]).toBe(0x07);
        const { end } = walkSection(doc.configuration, b, 9, { base: 0, path: "configuration" });
        expect([0x01, 0x04, 0x08]).toContain(b[end]);
      }

      let from = 0;
      let walked = 0;
      for (const d of doc.devices) {
        const pattern = headerPattern(d);
        let hit = -1;
        for (let p = b.indexOf(pattern, from); p >= 0 && p < at; p = b.indexOf(pattern, p + 1)) {
          const version = b.readUInt32BE(p + pattern.length);
          if (b[p - 5] === 0x04 && (d.version === undefined || version === d.version)) { hit = p; break; }
        }
        expect(hit, `section ${d.name} (${d.instance_id})`).toBeGreaterThan(0);
        const sectionId = b.readUInt32BE(hit - 4);
        const start = hit + pattern.length + 4;
        const path = `${d.name} (${d.instance_id})`;
        const { end } = walkSection(d, b, start, { base: 0, path });
        expect(b[end], `${path} footer`).toBe(0x7e);
        expect(b.readUInt32BE(end + 1), `${path} footer id`).toBe(sectionId);
        from = end + 5;
        walked++;
      }
      expect(walked).toBe(doc.devices.length);
    });
  }
});
