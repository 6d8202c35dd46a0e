/**
 * The mutations of the fuzzer (issue #10): structure-aware ones that know where the stream's
 * records and length fields are, since a random bit flip almost never lands on the few bytes
 * that decide how the rest is read (a RAM record's flags, a compressed page's length, a
 * section header's name length, the cpreg count, the vmdesc's length word and JSON); and
 * generic ones (bit flips, interesting bytes, truncations) for what no one thought of.
 * Every mutator is deterministic given the random source, so a seed reproduces a run.
 */
import { findField } from "@vmstate/vmsd";
import { locateVmdesc, type DeviceRecord, type RamRecord, type StreamRecord } from "@vmstate/stream";

/** A sample to mutate: its bytes and its records (decoded once). */
export interface Target {
  sample: string;
  bytes: Uint8Array;
  records: readonly StreamRecord[];
}

/** A mutated copy, named after what was done to it (for the report and for reproducing). */
export interface Mutant {
  mutator: string;
  detail: string;
  bytes: Uint8Array;
}

/** Uniform numbers in [0, 1). */
export type Rng = () => number;

/** Deterministic random numbers (xorshift32), so a seed reproduces a whole run. */
export function xorshift(seed: number): Rng {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T | undefined => (xs.length === 0 ? undefined : xs[int(rng, xs.length)]);

function splice(bytes: Uint8Array, at: number, remove: number, insert: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(bytes.length - remove + insert.length);
  out.set(bytes.subarray(0, at));
  out.set(insert, at);
  out.set(bytes.subarray(at + remove), at + insert.length);
  return out;
}

function be32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** Where the device tail starts (the first FULL section, or the EOF byte). */
function tailStart(t: Target): number {
  return t.records.find((r) => (r.kind === "section" && r.type === "full") || r.kind === "eof")?.start ?? 0;
}

type Mutator = (t: Target, rng: Rng) => Mutant | undefined;

/** Bytes that decide how a stream is read: type bytes, footer, NUL, escape, all ones. */
const INTERESTING = [0x00, 0x01, 0x04, 0x05, 0x06, 0x1b, 0x0a, 0x7e, 0x7f, 0x80, 0xff];

/** RAM flag words worth trying (ram.c): zero, page, XBZRLE, compressed, with CONTINUE, EOS, hook, junk. */
const RAM_FLAGS = [0x02, 0x08, 0x100, 0x22, 0x28, 0x120, 0x10, 0x40, 0x80, 0x200, 0x04, 0x01, 0x00, 0x1fe];

/** Length values at the edges: empty, one, off by one from a real one, the largest. */
function edgeLengths(real: number, max: number): number[] {
  return [0, 1, real - 1, real + 1, max, max + 1, 0xffff, 0x7fffffff, 0xffffffff].filter((n) => n >= 0);
}

const MUTATORS: Record<string, Mutator> = {
  bitflip(t, rng) {
    const out = t.bytes.slice();
    const n = 1 + int(rng, 4);
    const at: number[] = [];
    for (let k = 0; k < n; k++) {
      const p = int(rng, out.length);
      out[p] = out[p]! ^ (1 << int(rng, 8));
      at.push(p);
    }
    return { mutator: "bitflip", detail: `bits at ${at.join(",")}`, bytes: out };
  },

  "tail-bytes"(t, rng) {
    const start = tailStart(t);
    const out = t.bytes.slice();
    const at: number[] = [];
    for (let k = 0, n = 1 + int(rng, 3); k < n; k++) {
      const p = start + int(rng, out.length - start);
      out[p] = pick(rng, INTERESTING)!;
      at.push(p);
    }
    return { mutator: "tail-bytes", detail: `bytes at ${at.join(",")}`, bytes: out };
  },

  truncate(t, rng) {
    // Half at a record boundary (give or take two bytes), half anywhere.
    const rec = pick(rng, t.records)!;
    const at = rng() < 0.5 ? Math.max(1, Math.min(t.bytes.length - 1, rec.start + int(rng, 5) - 2)) : 1 + int(rng, t.bytes.length - 1);
    return { mutator: "truncate", detail: `cut at ${at}`, bytes: t.bytes.slice(0, at) };
  },

  "ram-flags"(t, rng) {
    const rec = pick(rng, t.records.filter((r): r is RamRecord => r.kind === "ram"));
    if (!rec) return undefined;
    const flags = pick(rng, RAM_FLAGS)!;
    const out = t.bytes.slice();
    // The flags are the low bits of the record's be64 word.
    out[rec.start + 6] = (out[rec.start + 6]! & ~0x01) | ((flags >> 8) & 0x01);
    out[rec.start + 7] = flags & 0xff;
    return { mutator: "ram-flags", detail: `${rec.type} at ${rec.start} flags 0x${flags.toString(16)}`, bytes: out };
  },

  "ram-length"(t, rng) {
    const rec = pick(rng, t.records.filter((r): r is RamRecord => r.kind === "ram" && (r.payload !== undefined || !r.continued)));
    if (!rec) return undefined;
    if (rec.type === "compressed" || rec.type === "xbzrle") {
      const width = rec.type === "compressed" ? 4 : 2;
      const at = rec.end - rec.payload!.length - width;
      const n = pick(rng, edgeLengths(rec.payload!.length, rec.type === "compressed" ? 4096 + 13 : 4096))!;
      const field = width === 4 ? be32(n) : [(n >> 8) & 0xff, n & 0xff];
      return { mutator: "ram-length", detail: `${rec.type} at ${rec.start} length ${n}`, bytes: splice(t.bytes, at, width, field) };
    }
    if (rec.continued || rec.type === "eos" || rec.type === "mem_size" || rec.type === "multifd_flush") return undefined;
    // The block name's length byte.
    const n = pick(rng, [0, 1, 255, t.bytes[rec.start + 8]! + 1, t.bytes[rec.start + 8]! - 1])! & 0xff;
    return { mutator: "ram-length", detail: `${rec.type} at ${rec.start} name length ${n}`, bytes: splice(t.bytes, rec.start + 8, 1, [n]) };
  },

  "section-name"(t, rng) {
    const rec = pick(rng, t.records.filter((r) => r.kind === "section" && (r.type === "full" || r.type === "start")));
    if (!rec || rec.kind !== "section") return undefined;
    const lenAt = rec.start + 5;
    const len = t.bytes[lenAt]!;
    if (rng() < 0.5) {
      const n = pick(rng, [0, 1, len - 1, len + 1, 255])! & 0xff;
      return { mutator: "section-name", detail: `${rec.idstr} length ${n}`, bytes: splice(t.bytes, lenAt, 1, [n]) };
    }
    // Same length, terminal controls in it.
    const out = t.bytes.slice();
    const hostile = [0x1b, 0x5b, 0x32, 0x4a, 0x0a, 0x00, 0x0d, 0x9b];
    for (let k = 0; k < Math.min(len, 3); k++) out[lenAt + 1 + int(rng, len)] = pick(rng, hostile)!;
    return { mutator: "section-name", detail: `${rec.idstr} renamed`, bytes: out };
  },

  "cpreg-count"(t, rng) {
    const cpu = pick(rng, t.records.filter((r): r is DeviceRecord => r.kind === "device" && r.idstr === "cpu" && r.fields !== undefined));
    const field = cpu && findField(cpu.fields!, "cpreg_vmstate_array_len");
    if (!cpu || !field) return undefined;
    const at = cpu.start + field.start;
    const real = new DataView(t.bytes.buffer, t.bytes.byteOffset).getUint32(at);
    const n = pick(rng, [real - 1, real + 1, 0, 1, real * 2, 0x10000000, 0xffffffff, 0x80000000])! >>> 0;
    return { mutator: "cpreg-count", detail: `cpu (${cpu.instanceId}) ${real} -> ${n}`, bytes: splice(t.bytes, at, 4, be32(n)) };
  },

  "vmdesc-length"(t, rng) {
    const frame = locateVmdesc(t.bytes);
    if (!frame) return undefined;
    const real = frame.json.length;
    const n = pick(rng, [real - 1, real + 1, real - 100, real + 100, 0, 0xffffffff, 0x7fffffff, real * 2])! >>> 0;
    return { mutator: "vmdesc-length", detail: `${real} -> ${n}`, bytes: splice(t.bytes, frame.vmdesc + 1, 4, be32(n)) };
  },

  "vmdesc-json"(t, rng) {
    const frame = locateVmdesc(t.bytes);
    if (!frame) return undefined;
    let json = Buffer.from(frame.json).toString("latin1");
    let detail: string;
    const numbers = [...json.matchAll(/-?\d+/g)];
    const choice = int(rng, 5);
    if (choice === 0 && numbers.length > 0) {
      const m = pick(rng, numbers)!;
      const v = Number(m[0]);
      const n = pick(rng, [v - 1, v + 1, 0, -1, v * 1000, 2 ** 31, 2 ** 53])!;
      json = json.slice(0, m.index) + String(n) + json.slice(m.index! + m[0].length);
      detail = `number at ${m.index} ${v} -> ${n}`;
    } else if (choice === 1) {
      const p = int(rng, json.length);
      json = json.slice(0, p) + json.slice(p + 1);
      detail = `deleted char ${p}`;
    } else if (choice === 2) {
      // Duplicate one device entry (a section the stream has once, described twice).
      const m = pick(rng, [...json.matchAll(/\{"name": "[^"]*", "instance_id": \d+/g)]);
      if (!m) return undefined;
      const end = json.indexOf('{"name": "', m.index! + 1);
      const entry = json.slice(m.index, end < 0 ? json.lastIndexOf("]") : end);
      json = json.slice(0, m.index) + entry + (entry.endsWith(", ") ? "" : ", ") + json.slice(m.index);
      detail = `duplicated device at ${m.index}`;
    } else if (choice === 3) {
      // A name with terminal controls (JSON-escaped, so still valid JSON).
      const m = pick(rng, [...json.matchAll(/"name": "/g)]);
      if (!m) return undefined;
      const at = m.index! + m[0].length;
      json = json.slice(0, at) + "\\u001b[2J\\n\\u0000" + json.slice(at);
      detail = `control characters in a name at ${at}`;
    } else {
      const keys = [...json.matchAll(/"(array_len|size|version|instance_id)": /g)];
      const m = pick(rng, keys);
      if (!m) return undefined;
      json = json.slice(0, m.index) + `"${m[1]}": "x", "_": ` + json.slice(m.index! + m[0].length);
      detail = `${m[1]} given a string at ${m.index}`;
    }
    // The length word follows the edit, so the edited JSON is what gets read.
    const edited = Buffer.from(json, "latin1");
    const frameBytes = [0x06, ...be32(edited.length), ...edited];
    return { mutator: "vmdesc-json", detail, bytes: splice(t.bytes, frame.vmdesc, t.bytes.length - frame.vmdesc, frameBytes) };
  },

  "duplicate-section"(t, rng) {
    // A FULL section from its header to the next element, repeated in place.
    const full = t.records.flatMap((r, i) => (r.kind === "section" && r.type === "full" ? [i] : []));
    const i = pick(rng, full);
    if (i === undefined) return undefined;
    const start = t.records[i]!.start;
    const next = t.records.slice(i + 1).find((r) => r.kind === "section" || r.kind === "eof" || r.kind === "command");
    if (!next) return undefined;
    return { mutator: "duplicate-section", detail: `section at ${start}`, bytes: splice(t.bytes, start, 0, t.bytes.subarray(start, next.start)) };
  },
};

/** The mutator names, in a fixed order (a run's figures list them so). */
export const MUTATOR_NAMES = Object.keys(MUTATORS);

/** One mutant of `t`: a mutator picked at random, another when the sample has nothing it applies to. */
export function mutate(t: Target, rng: Rng): Mutant {
  for (;;) {
    const name = pick(rng, MUTATOR_NAMES)!;
    const m = MUTATORS[name]!(t, rng);
    if (m) return m;
  }
}
