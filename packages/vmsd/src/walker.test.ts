import { describe, expect, it } from "vitest";
import { MalformedError, TruncatedError, VmstateError } from "@vmstate/wire";
import { findField, findFields, findSubsection } from "./field-tree.js";
import { fieldBytes, readElement, readScalar, readUint64Array, readUint64Element } from "./field-values.js";
import { parseVmdesc, serializeVmdesc, type DeviceDesc } from "./vmdesc-model.js";
import { walkSection } from "./walker.js";

/** Builds section bytes and remembers each unit the walker bounds-checks, with its path. */
class Builder {
  bytes: number[] = [];
  atoms: Array<{ start: number; len: number; path: string }> = [];
  put(path: string, ...b: number[]): this {
    this.atoms.push({ start: this.bytes.length, len: b.length, path });
    this.bytes.push(...b);
    return this;
  }
  sub(path: string, name: string, version: number): this {
    this.put(path, 0x05, name.length);
    return this.put(path, ...[...name].map((c) => c.charCodeAt(0)), ...be32(version));
  }
  get u8(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}
const be32 = (v: number): number[] => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const be64 = (v: bigint): number[] => Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(56 - 8 * i)) & 255n));

const DESC_JSON =
  '{"page_size": 4096, "devices": [{"name": "dev", "instance_id": 0, "vmsd_name": "dev", "version": 3, "fields": [' +
  '{"name": "a", "type": "uint8", "size": 1}, ' +
  '{"name": "b", "type": "int16", "size": 2}, ' +
  '{"name": "c", "array_len": 3, "type": "uint32", "size": 4}, ' +
  '{"name": "d", "index": 0, "type": "uint64", "size": 8}, ' +
  '{"name": "d", "index": 1, "type": "uint64", "size": 8}, ' +
  '{"name": "s", "array_len": 2, "type": "struct", "struct": {"vmsd_name": "dev/s", "version": 1, "fields": [{"name": "x", "type": "uint8", "size": 1}, {"name": "y", "type": "uint32", "size": 4}]}, "size": 5}, ' +
  '{"name": "t", "type": "struct", "struct": {"vmsd_name": "t", "version": 1, "fields": [{"name": "z", "type": "int64", "size": 8}], "subsections": [{"vmsd_name": "t/sub", "version": 2, "fields": [{"name": "w", "type": "bool", "size": 1}]}]}, "size": 20}, ' +
  '{"name": "n", "type": "nullptr", "size": 1}, ' +
  '{"name": "v", "type": "vstruct", "vmsd_name": "v", "version": 1, "fields": [{"name": "q", "type": "uint16", "size": 2}], "size": 2}, ' +
  '{"name": "data", "type": "buffer", "size": 3}], ' +
  '"subsections": [{"vmsd_name": "dev/sub1", "version": 1, "fields": [{"name": "e", "type": "uint32", "size": 4}], ' +
  '"subsections": [{"vmsd_name": "dev/sub1/nested", "version": 7, "fields": [{"name": "g", "type": "uint8", "size": 1}]}]}, ' +
  '{"vmsd_name": "dev/sub2", "version": 1, "fields": []}]}]}';

function sample(): Builder {
  const P = "dev (0)";
  const b = new Builder();
  b.put(`${P} / a`, 0x7f);
  b.put(`${P} / b`, 0xff, 0xfe);
  for (let i = 0; i < 3; i++) b.put(`${P} / c[${i}]`, ...be32(0x01000000 + i));
  b.put(`${P} / d[0]`, ...be64(0xfedcba9876543210n));
  b.put(`${P} / d[1]`, ...be64(2n));
  for (let i = 0; i < 2; i++) {
    b.put(`${P} / s[${i}] / x`, 10 + i);
    b.put(`${P} / s[${i}] / y`, ...be32(20 + i));
  }
  b.put(`${P} / t / z`, ...be64(-5n & 0xffffffffffffffffn));
  b.sub(`${P} / t / t/sub`, "t/sub", 2);
  b.put(`${P} / t / t/sub / w`, 1);
  b.put(`${P} / n`, 0x30);
  b.put(`${P} / v / q`, 0x12, 0x34);
  b.put(`${P} / data`, 1, 2, 3);
  b.sub(`${P} / dev/sub1`, "dev/sub1", 1);
  b.put(`${P} / dev/sub1 / e`, ...be32(0xdeadbeef));
  b.sub(`${P} / dev/sub1 / dev/sub1/nested`, "dev/sub1/nested", 7);
  b.put(`${P} / dev/sub1 / dev/sub1/nested / g`, 9);
  b.sub(`${P} / dev/sub2`, "dev/sub2", 1);
  return b;
}

function device(): DeviceDesc {
  const doc = parseVmdesc(new TextEncoder().encode(DESC_JSON));
  expect(serializeVmdesc(doc)).toBe(DESC_JSON);
  return doc.devices[0]!;
}

describe("walkSection", () => {
  it("walks scalars, compressed and indexed arrays, structs, nullptr, vstruct and nested subsections", () => {
    const b = sample();
    const bytes = Uint8Array.from([0xaa, 0xbb, ...b.bytes, 0x7e, 0, 0, 0, 1]);
    const { end, node } = walkSection(device(), bytes, 2, { base: 100, path: "dev (0)" });
    expect(end).toBe(2 + b.bytes.length);
    expect(node).toMatchObject({ name: "dev", type: "device", start: 2, end });
    expect(node.children!.map((c) => c.name)).toEqual(["a", "b", "c", "d", "d", "s", "t", "n", "v", "data"]);
    expect(readScalar(bytes, findField(node, "a")!)).toBe(0x7f);
    expect(readScalar(bytes, findField(node, "b")!)).toBe(-2);
    const c = findField(node, "c")!;
    expect(c).toMatchObject({ start: 5, end: 17, arrayLen: 3, elementSize: 4 });
    expect(readElement(bytes, c, 2)).toBe(0x01000002);
    const d = findFields(node, "d");
    expect(d.map((x) => x.index)).toEqual([0, 1]);
    expect(readUint64Element(bytes, d[0]!, 0)).toBe(0xfedcba9876543210n);
    expect(readUint64Array(bytes, d[1]!)).toEqual([2n]);
    const s = findField(node, "s")!;
    expect(s.children!.map((e) => [e.index, e.start, e.end])).toEqual([[0, 33, 38], [1, 38, 43]]);
    expect(readScalar(bytes, s.children![1]!.children![1]!)).toBe(21);
    const t = findField(node, "t")!;
    expect(t).toMatchObject({ start: 43, end: 63 });
    expect(readScalar(bytes, t.children![0]!)).toBe(-5n);
    expect(t.subsections![0]).toMatchObject({ name: "t/sub", version: 2, start: 51, bodyStart: 62, end: 63 });
    expect(readScalar(bytes, t.subsections![0]!.children[0]!)).toBe(true);
    expect(findField(node, "v")!.children![0]).toMatchObject({ name: "q", start: 64, end: 66 });
    const sub1 = findSubsection(node, "dev/sub1")!;
    expect(readScalar(bytes, sub1.children[0]!)).toBe(0xdeadbeef);
    expect(sub1.subsections[0]).toMatchObject({ name: "dev/sub1/nested", version: 7 });
    expect(findSubsection(node, "dev/sub2")).toMatchObject({ end, children: [] });
  });

  it("throws TruncatedError at the right absolute offset and path for a cut at every byte", () => {
    const b = sample();
    const full = b.u8;
    const desc = device();
    for (let k = 0; k < full.length; k++) {
      const atom = b.atoms.find((a) => a.start <= k && k < a.start + a.len)!;
      let err: unknown;
      try {
        walkSection(desc, full.subarray(0, k), 0, { base: 1000, path: "dev (0)" });
      } catch (e) {
        err = e;
      }
      expect(err, `cut at ${k}`).toBeInstanceOf(TruncatedError);
      expect((err as TruncatedError).offset, `cut at ${k}`).toBe(1000 + atom.start);
      expect((err as TruncatedError).path, `cut at ${k}`).toBe(atom.path);
    }
  });

  it("honours limitEnd like the end of the input", () => {
    const b = sample();
    const bytes = Uint8Array.from([...b.bytes, 0x7e]);
    expect(() => walkSection(device(), bytes, 0, { base: 0, path: "dev (0)", limitEnd: 10 })).toThrow(TruncatedError);
    expect(walkSection(device(), bytes, 0, { base: 0, path: "dev (0)", limitEnd: b.bytes.length }).end).toBe(b.bytes.length);
  });

  it("rejects a wrong subsection marker, name or version, and a bad NULL marker", () => {
    const b = sample();
    const at = b.atoms.find((a) => a.path === "dev (0) / dev/sub1")!.start;
    const cases: Array<[number, number, string, RegExp]> = [
      [at, 0x7e, "dev (0) / dev/sub1", /expected subsection "dev\/sub1" \(byte 0x05\), found 0x7e/],
      [at + 9, 0x32, "dev (0) / dev/sub1", /expected subsection "dev\/sub1", found "dev\/sub2"/],
      [at + 13, 2, "dev (0) / dev/sub1", /has version 2, the vmdesc says 1/],
      [b.atoms.find((a) => a.path === "dev (0) / n")!.start, 0, "dev (0) / n", /NULL marker/],
    ];
    for (const [pos, value, path, message] of cases) {
      const bytes = b.u8;
      bytes[pos] = value;
      let err: unknown;
      try {
        walkSection(device(), bytes, 0, { base: 7, path: "dev (0)" });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MalformedError);
      expect(err).toMatchObject({ code: "MALFORMED", path });
      expect((err as Error).message).toMatch(message);
    }
    const bytes = b.u8;
    bytes[at] = 0x7e;
    expect(() => walkSection(device(), bytes, 0, { base: 7, path: "dev (0)" })).toThrow(`at offset 0x${(7 + at).toString(16)}`);
  });

  it("rejects a struct whose bytes disagree with its described size", () => {
    const desc = device();
    (desc.fields[6] as { size: number }).size = 19;
    expect(() => walkSection(desc, sample().u8, 0, { base: 0, path: "dev (0)" })).toThrow(/struct takes 20 bytes, the vmdesc says 19/);
  });

  it("reports a description missing a key as a VMDESC error", () => {
    const desc = device();
    delete (desc.fields[0] as { size?: number }).size;
    expect(() => walkSection(desc, sample().u8, 0, { base: 0, path: "dev (0)" })).toThrow(
      expect.objectContaining({ code: "VMDESC", path: "dev (0) / a" }),
    );
  });

  it("walks an old-style device as a single buffer", () => {
    const doc = parseVmdesc(new TextEncoder().encode(
      '{"page_size": 4096, "devices": [{"name": "slirp", "instance_id": 0, "size": 5, "fields": [{"name": "data", "size": 5, "type": "buffer"}]}]}',
    ));
    const { end, node } = walkSection(doc.devices[0]!, Uint8Array.of(1, 2, 3, 4, 5, 0x7e), 0, { base: 0, path: "slirp (0)" });
    expect(end).toBe(5);
    expect(findField(node, "data")).toMatchObject({ type: "buffer", start: 0, end: 5 });
    expect(Array.from(fieldBytes(Uint8Array.of(1, 2, 3, 4, 5, 0x7e), findField(node, "data")!))).toEqual([1, 2, 3, 4, 5]);
  });

  it("only ever throws VmstateError on random mutations", () => {
    const b = sample();
    let seed = 1;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let round = 0; round < 2000; round++) {
      const bytes = b.u8;
      for (let j = 0; j < 3; j++) bytes[rnd(bytes.length)] = rnd(256);
      try {
        walkSection(device(), bytes.subarray(0, rnd(bytes.length + 1)), 0, { base: 0, path: "dev (0)" });
      } catch (e) {
        expect(e).toBeInstanceOf(VmstateError);
      }
    }
  });
});
