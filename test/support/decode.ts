import { StreamDecoder, StreamEncoder, type StreamRecord } from "@vmstate/stream";
import { MemorySink, type ByteInput } from "@vmstate/wire";

/** Decodes a whole input and re-encodes it, from the original bytes or from structure. */
export async function reencode(input: ByteInput, fromStructure: boolean): Promise<Uint8Array> {
  const sink = new MemorySink();
  const encoder = new StreamEncoder(sink, fromStructure);
  for await (const rec of new StreamDecoder(input).records()) await encoder.write(rec);
  await encoder.end();
  return sink.bytes();
}

/** All records of an input (their `bytes` copied, so they outlive the decoder's chunks). */
export async function decodeAll(input: ByteInput): Promise<StreamRecord[]> {
  const out: StreamRecord[] = [];
  for await (const rec of new StreamDecoder(input).records()) out.push({ ...rec, bytes: rec.bytes.slice() } as StreamRecord);
  return out;
}

/** Decodes until the end or the first error; returns the error (or undefined). */
export async function decodeError(input: ByteInput): Promise<unknown> {
  try {
    for await (const _ of new StreamDecoder(input).records()) {
      // only the outcome matters
    }
    return undefined;
  } catch (e) {
    return e;
  }
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
}
