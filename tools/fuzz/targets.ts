/**
 * What the fuzzer mutates: every sample users may hand the commands, in the form it has on
 * disk. A plain stream or raw `virsh save` image is mutated in memory; a compressed image has
 * its QEMU stream decompressed once, mutated (so the structure-aware mutators reach the
 * records), and compressed again by the program libvirt uses, or is damaged as compressed
 * bytes; a sparse file (a mapped-ram stream, a libvirt `sparse` image, hundreds of MiB of
 * holes) keeps only its data blocks in memory and is written back with its holes.
 */
import { spawnSync } from "node:child_process";
import { closeSync, ftruncateSync, openSync, readdirSync, readFileSync, readSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { LIBVIRT_HEADER_SIZE, StreamDecoder, libvirtCompressor, libvirtHeaderFields, type LibvirtCompressor, type StreamRecord } from "@vmstate/stream";
import { expandedSample } from "../samples/packed.js";
import { mutate, type Mutant, type Rng, type Target } from "./mutate.js";

/** A mutant as the oracle needs it: a file to write, and the bytes for standard input when they fit in memory. */
export interface FileMutant {
  mutator: string;
  detail: string;
  /** The whole file, for a standard-input run and for saving a finding (absent for a sparse file). */
  bytes?: Uint8Array;
  /** Writes the mutant at `path`. */
  write(path: string): void;
  /**
   * The mutation changed only RAM records that a rewrite of a file copies unread: the head
   * it decodes first (up to and with the first RAM PART or END section header) and the
   * device state it finds from the end (with the RAM end-of-section word before it) are as
   * in the sample. Unset where that cannot be told (compressed and sparse samples).
   */
  ramOnly?: boolean;
}

/** One sample, ready to be mutated. */
export interface FuzzSample {
  sample: string;
  /** The unmutated sample's path (the other side of `diff` and `explain --dest`). */
  path: string;
  mutant(rng: Rng): FileMutant;
}

/** Every sample under `dir`: its `.mig` streams, its libvirt images (`libvirt/*.sav`), and the sparse archives expanded. */
export function allSamples(dir: string): string[] {
  const top = readdirSync(dir).sort();
  const libvirt = readdirSync(join(dir, "libvirt")).sort();
  return [
    ...top.filter((f) => f.endsWith(".mig") || f.endsWith(".mig.tar.gz")),
    ...libvirt.filter((f) => f.endsWith(".sav") || f.endsWith(".sav.tar.gz")).map((f) => `libvirt/${f}`),
  ].map((f) => f.replace(/\.tar\.gz$/, ""));
}

async function decodeRecords(bytes: Uint8Array): Promise<StreamRecord[]> {
  const out: StreamRecord[] = [];
  for await (const rec of new StreamDecoder([bytes]).records()) out.push({ ...rec, bytes: rec.bytes.slice() } as StreamRecord);
  return out;
}

const int = (rng: Rng, n: number): number => Math.floor(rng() * n);

/** Loads one sample (a name from {@link allSamples}). */
export async function loadSample(dir: string, sample: string): Promise<FuzzSample> {
  const packed = readdirSync(join(dir, sample, "..")).includes(`${sample.split("/").at(-1)}.tar.gz`);
  const path = packed ? expandedSample(sample) : join(dir, sample);
  if (packed) return sparseSample(sample, path);
  const bytes = new Uint8Array(readFileSync(path));
  const compressor = await compressorOf(bytes);
  if (compressor === undefined) {
    const target: Target = { sample, bytes, records: await decodeRecords(bytes) };
    const { head, deviceState } = unreadByFileRewrite(target.records, bytes);
    return {
      sample,
      path,
      mutant(rng) {
        const m = mutate(target, rng);
        return { ...inMemory(m), ramOnly: keepsEnds(m.bytes, head, deviceState) };
      },
    };
  }
  return compressedSample(sample, path, bytes, compressor);
}

/**
 * What a rewrite of a file reads around the RAM it copies unread: the head (decoded up to and
 * with the first RAM PART or END section header; tail-rewrite.ts, readStreamHead), and the
 * device state from the end, from the RAM section's last end-of-section word before the
 * first FULL section (where tail-locate.ts looks for it). Without those, all of it.
 */
function unreadByFileRewrite(records: readonly StreamRecord[], bytes: Uint8Array): { head: Uint8Array; deviceState: Uint8Array } {
  const full = records.find((r) => r.kind === "section" && r.type === "full");
  const part = records.find((r) => r.kind === "section" && (r.type === "part" || r.type === "end"));
  if (!full || !part || part.start > full.start) return { head: bytes, deviceState: bytes };
  const eos = records.filter((r) => r.kind === "ram" && r.type === "eos" && r.start < full.start).at(-1);
  return { head: bytes.subarray(0, part.end), deviceState: bytes.subarray(eos?.start ?? full.start) };
}

/** `bytes` begins with `head` and ends with `tail`, the two apart (whatever lies between). */
function keepsEnds(bytes: Uint8Array, head: Uint8Array, tail: Uint8Array): boolean {
  if (bytes.length < head.length + tail.length) return false;
  return Buffer.from(bytes.subarray(0, head.length)).equals(head) && Buffer.from(bytes.subarray(bytes.length - tail.length)).equals(tail);
}

function inMemory(m: Mutant): FileMutant {
  return { ...m, write: (path) => writeFileSync(path, m.bytes) };
}

async function compressorOf(bytes: Uint8Array): Promise<{ tool: LibvirtCompressor; headerLength: number } | undefined> {
  if (Buffer.from(bytes.subarray(0, 16)).toString("latin1") !== "LibvirtQemudSave") return undefined;
  const fields = await libvirtHeaderFields(bytes.subarray(0, LIBVIRT_HEADER_SIZE));
  const tool = libvirtCompressor(fields.format);
  return tool && { tool, headerLength: LIBVIRT_HEADER_SIZE + fields.dataLen };
}

function run(program: string, args: readonly string[], input: Uint8Array): Uint8Array {
  const r = spawnSync(program, [...args], { input, maxBuffer: 1 << 30 });
  // lzop exits 2 for a warning (libvirt passes --ignore-warn when restoring).
  if (r.error || r.stdout.length === 0) throw new Error(`${program} ${args.join(" ")}: ${r.error ?? r.stderr}`);
  return new Uint8Array(r.stdout);
}

/**
 * A compressed image: three mutants in four are of its QEMU stream (compressed again by the
 * image's own program), the fourth flips bits in or cuts the compressed bytes (what the
 * decompressor then says must come out as a clean error too).
 */
async function compressedSample(sample: string, path: string, file: Uint8Array, c: { tool: LibvirtCompressor; headerLength: number }): Promise<FuzzSample> {
  const head = file.subarray(0, c.headerLength);
  const stream = run(c.tool.program, c.tool.decompress, file.subarray(c.headerLength));
  const target: Target = { sample, bytes: stream, records: await decodeRecords(stream) };
  return {
    sample,
    path,
    mutant(rng) {
      if (rng() < 0.75) {
        const m = mutate(target, rng);
        const bytes = Buffer.concat([head, run(c.tool.program, c.tool.compress, m.bytes)]);
        return inMemory({ mutator: m.mutator, detail: `${c.tool.format} stream: ${m.detail}`, bytes });
      }
      if (rng() < 0.5) {
        const at = c.headerLength + int(rng, file.length - c.headerLength);
        return inMemory({ mutator: "truncate", detail: `${c.tool.format} image cut at ${at}`, bytes: file.slice(0, at) });
      }
      const bytes = file.slice();
      const at: number[] = [];
      for (let k = 0, n = 1 + int(rng, 4); k < n; k++) {
        const p = c.headerLength + int(rng, file.length - c.headerLength);
        bytes[p] = bytes[p]! ^ (1 << int(rng, 8));
        at.push(p);
      }
      return inMemory({ mutator: "bitflip", detail: `${c.tool.format} image bits at ${at.join(",")}`, bytes });
    },
  };
}

/** Blocks of a sparse file kept in memory: only those holding a non-zero byte. */
const BLOCK = 4096;

/**
 * A sparse file: its data blocks (headers, bitmaps, the pages the guest touched, the device
 * state at the end) found once; mutants flip bits or write bytes that decide how a stream is
 * read into them, a quarter of them in the last blocks (the device state and vmdesc), or cut
 * the file inside one.
 */
function sparseSample(sample: string, path: string): FuzzSample {
  const blocks = new Map<number, Uint8Array>();
  const fd = openSync(path, "r");
  let size = 0;
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let n; (n = readSync(fd, buf, 0, buf.length, size)) > 0; size += n) {
      for (let b = 0; b < n; b += BLOCK) {
        const block = buf.subarray(b, Math.min(n, b + BLOCK));
        if (block.some((x) => x !== 0)) blocks.set((size + b) / BLOCK, Uint8Array.from(block));
      }
    }
  } finally {
    closeSync(fd);
  }
  const data = [...blocks.keys()];
  const writeSparse = (out: string, patch: Map<number, number>, length: number) => {
    const w = openSync(out, "w");
    try {
      ftruncateSync(w, length);
      for (const [b, bytes] of blocks) {
        if (b * BLOCK >= length) continue;
        const copy = bytes.slice(0, Math.max(0, length - b * BLOCK));
        for (const [p, v] of patch) if (Math.floor(p / BLOCK) === b && p < length) copy[p - b * BLOCK] = v;
        writeSync(w, copy, 0, copy.length, b * BLOCK);
      }
    } finally {
      closeSync(w);
    }
  };
  const INTERESTING = [0x00, 0x01, 0x04, 0x05, 0x06, 0x1b, 0x0a, 0x7f, 0x80, 0xff];
  return {
    sample,
    path,
    mutant(rng) {
      const tail = rng() < 0.25;
      const pool = tail ? data.slice(-16) : data;
      const at = () => {
        const b = pool[int(rng, pool.length)]!;
        return b * BLOCK + int(rng, blocks.get(b)!.length);
      };
      const choice = int(rng, 3);
      if (choice === 0) {
        const cut = at();
        return { mutator: "truncate", detail: `cut at ${cut}`, write: (out) => writeSparse(out, new Map(), cut) };
      }
      const patch = new Map<number, number>();
      for (let k = 0, n = 1 + int(rng, 4); k < n; k++) {
        const p = at();
        const old = blocks.get(Math.floor(p / BLOCK))![p % BLOCK]!;
        patch.set(p, choice === 1 ? old ^ (1 << int(rng, 8)) : INTERESTING[int(rng, INTERESTING.length)]!);
      }
      const mutator = choice === 1 ? "bitflip" : "bytes";
      return { mutator, detail: `${tail ? "device state " : ""}bytes at ${[...patch.keys()].join(",")}`, write: (out) => writeSparse(out, patch, size) };
    },
  };
}
