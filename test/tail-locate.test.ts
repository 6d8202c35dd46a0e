/**
 * The device state found from the end of a file (packages/stream/src/tail-locate.ts) must be
 * exactly the one a full walk finds: same start, same records. Checked on every sample and
 * on streams whose RAM holds bytes made to mislead the search.
 */
import { describe, expect, it } from "vitest";
import { StreamDecoder, locateDeviceTail, readStreamHead, startsDeviceTail, type StreamRecord } from "@vmstate/stream";
import { readSample, sampleFiles } from "./support/samples.js";
import { decodeAll, equalBytes } from "./support/decode.js";

const MAX_TAIL = 64 << 20;

async function fromEnd(bytes: Uint8Array) {
  const head = await readStreamHead([bytes]);
  return locateDeviceTail({ size: bytes.length, readAt: (p, n) => bytes.subarray(p, p + n) }, head.info, MAX_TAIL);
}

async function fullWalkTail(bytes: Uint8Array): Promise<StreamRecord[]> {
  const all = await decodeAll([bytes]);
  return all.slice(all.findIndex(startsDeviceTail));
}

function expectSameTail(located: StreamRecord[], walked: StreamRecord[]): void {
  expect(located.map((r) => [r.kind, r.start, r.end])).toEqual(walked.map((r) => [r.kind, r.start, r.end]));
  for (let i = 0; i < walked.length; i++) expect(equalBytes(located[i]!.bytes, walked[i]!.bytes)).toBe(true);
}

/** Every PAGE record's payload position, in stream order. */
async function pagePayloads(bytes: Uint8Array): Promise<number[]> {
  const out: number[] = [];
  for await (const r of new StreamDecoder([bytes]).records()) if (r.kind === "ram" && r.type === "page") out.push(r.end - r.payload!.length);
  return out;
}

describe.each(sampleFiles())("%s", (file) => {
  it("gives the full walk's device tail from the end, or says why not", async () => {
    const bytes = readSample(file);
    const walked = await fullWalkTail(bytes);
    const search = await fromEnd(bytes);
    if (walked[walked.length - 1]!.kind !== "vmdesc") {
      expect(search).toEqual({ notFound: "no vmdesc at the end of the file" });
      return;
    }
    if (!("found" in search)) throw new Error(search.notFound);
    expect(search.found.start).toBe(walked[0]!.start);
    expectSameTail(search.found.records, walked);
  });
});

describe("streams made to mislead the search", () => {
  const file = "x86_64-q35-seabios.mig";
  const original = readSample(file);

  /** The search finds the real device state, where the full walk does, despite the decoys. */
  async function expectFoundAt(bytes: Uint8Array, start: number): Promise<void> {
    const search = await fromEnd(bytes);
    if (!("found" in search)) throw new Error(search.notFound);
    expect(search.found.start).toBe(start);
    expectSameTail(search.found.records, await fullWalkTail(bytes));
  }

  it("ignores a copy of RAM's end and the first device header in the last guest pages", async () => {
    const walked = await fullWalkTail(original);
    const start = walked[0]!.start;
    // What precedes and opens the real device state: RAM's EOS word, its footer, the timer header and more.
    const decoy = original.slice(start - 13, start + 4000);
    const pages = await pagePayloads(original);
    const bytes = original.slice();
    for (const at of pages.slice(-3)) bytes.set(decoy.subarray(0, 4096), at);
    // The decoy is really there, as a place the search has to try.
    expect(Buffer.from(bytes).indexOf(Buffer.from(decoy.subarray(0, 64)))).toBeLessThan(start - 13);
    await expectFoundAt(bytes, start);
  });

  it("ignores a whole device state and vmdesc copied into RAM, and a vmdesc-like string", async () => {
    const walked = await fullWalkTail(original);
    const start = walked[0]!.start;
    const tail = original.subarray(start - 13);
    const pages = await pagePayloads(original);
    const bytes = original.slice();
    // The device state and the start of the vmdesc, page by page over the guest pages in order.
    const used = pages.slice(0, Math.min(pages.length, Math.ceil(tail.length / 4096)));
    used.forEach((at, i) => bytes.set(tail.subarray(i * 4096, (i + 1) * 4096), at));
    // A short, well-framed fake vmdesc naming one device, in the last guest page.
    const json = Buffer.from('{"page_size": 4096, "devices": [{"name": "timer", "instance_id": 0}]}');
    const fake = Buffer.concat([Buffer.from([0, 6, 0, 0, 0, json.length]), json]);
    bytes.set(fake, pages[pages.length - 1]!);
    await expectFoundAt(bytes, start);
  });

  it("does not take a header that is not preceded by RAM's end", async () => {
    const walked = await fullWalkTail(original);
    const start = walked[0]!.start;
    const bytes = original.slice();
    bytes[start - 1] = bytes[start - 1]! ^ 0xff; // the RAM footer's section id, damaged
    expect(await fromEnd(bytes)).toEqual({ notFound: "no 'timer' (0) section header after RAM's end decodes to the vmdesc" });
  });
});
