/**
 * What the damage tests share: each sample's records, decoded once per test file, and the
 * record boundaries worth cutting a stream at.
 */
import type { StreamRecord } from "@vmstate/stream";
import { decodeAll } from "./decode.js";
import { readSample, rng } from "./samples.js";

const decoded = new Map<string, Promise<StreamRecord[]>>();

/** The records of a sample, decoded on first use and then shared by every test of the file. */
export function sampleRecords(name: string): Promise<StreamRecord[]> {
  let records = decoded.get(name);
  if (!records) {
    records = decodeAll([readSample(name)]);
    decoded.set(name, records);
  }
  return records;
}

/** Where a boundary sits, as the decoder meets it: the record before and the record after. */
function boundaryClass(before: StreamRecord | undefined, after: StreamRecord): string {
  const kind = (r: StreamRecord | undefined) => (r === undefined ? "start" : r.kind === "ram" ? `ram:${r.type}` : r.kind);
  return `${kind(before)}>${kind(after)}${after.kind === "ram" && after.continued ? ":continued" : ""}`;
}

/**
 * Record boundaries worth cutting at: every one outside RAM, and in RAM every kind of
 * boundary (which record type ends, which begins, whether it names its block) three times,
 * at its first two and its last occurrence, plus a seeded spread of `spread` more. A cut
 * costs a decode of everything before it, and a RAM region holds up to ~160,000 records whose
 * boundaries are alike: cutting at each (as this test once did) made it most of the suite's
 * time without reaching any code the kinds above do not.
 */
export function boundaries(records: readonly StreamRecord[], seed: number, spread = 8): number[] {
  const cuts = new Set<number>();
  const ram = new Map<string, number[]>();
  records.forEach((r, i) => {
    if (r.kind !== "ram") cuts.add(r.start);
    else {
      const cls = boundaryClass(records[i - 1], r);
      const starts = ram.get(cls);
      if (starts) starts.push(r.start);
      else ram.set(cls, [r.start]);
    }
  });
  for (const starts of ram.values()) for (const s of [starts[0], starts[1], starts.at(-1)]) if (s !== undefined) cuts.add(s);
  const next = rng(seed);
  const ramStarts = [...ram.values()].flat();
  for (let k = 0; k < spread && ramStarts.length > 0; k++) cuts.add(ramStarts[Math.floor(next() * ramStarts.length)]!);
  return [...cuts].filter((c) => c > 0).sort((a, b) => a - b);
}
