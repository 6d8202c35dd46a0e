import { readStreamState, type StreamState } from "@vmstate/inspect";
import { StreamDecoder, type DecodeOptions, type StreamInfo, type StreamRecord } from "@vmstate/stream";
import { VmstateError } from "@vmstate/wire";
import type { CliIo } from "../io.js";
import { openStreamInput, withImageOffsets } from "../stream-input.js";
import { notVerifiedLine } from "../unverified.js";

/**
 * Reads a stream for the comparing commands (`cpregs`, `diff`, `explain`). Decoding errors
 * do not throw here: they stay in `state.failure` so the command prints what decoded first,
 * then calls {@link throwFailures}. I/O errors (a missing file) throw at once.
 */
export async function readState(path: string, io: CliIo): Promise<StreamState> {
  const input = await openStreamInput(path, io);
  try {
    const state = await readStreamState(input.bytes, input.name);
    state.failure = withImageOffsets(input, state.failure);
    if (state.unverified !== undefined) io.stderr(notVerifiedLine("vmstate-inspect", state.name, state.unverified));
    return state;
  } finally {
    input.close();
  }
}

/** What {@link decodeInput} read: the input's name, what the decoder learnt, and how it stopped. */
export interface DecodedInput {
  name: string;
  info: StreamInfo;
  /** The decoding error, or undefined when the stream decoded to its end. */
  failure: unknown;
  /** Offset the decoder reached: the end, or where the damage stopped it. */
  decodedTo: number;
}

/**
 * Decodes a stream record by record for the commands that print what they read (`summary`,
 * `sections`, `dump`). As with {@link readState}, a decoding error does not throw: it comes
 * back as `failure`, so the command prints what decoded first and then throws it. I/O errors
 * (a missing file) throw at once.
 */
export async function decodeInput(path: string, io: CliIo, onRecord: (rec: StreamRecord) => void, options?: DecodeOptions): Promise<DecodedInput> {
  const input = await openStreamInput(path, io);
  const decoder = new StreamDecoder(input.bytes, options);
  let failure: unknown;
  try {
    for await (const rec of decoder.records()) onRecord(rec);
  } catch (e) {
    failure = withImageOffsets(input, e);
  } finally {
    input.close();
  }
  if (decoder.info.unverified !== undefined) io.stderr(notVerifiedLine("vmstate-inspect", input.name, decoder.info.unverified));
  return { name: input.name, info: decoder.info, failure, decodedTo: decoder.offset };
}

/**
 * Throws the decoding failure of the first damaged state, after the report was printed.
 * With two inputs the message names the file, so the user knows which one is damaged.
 */
export function throwFailures(states: readonly StreamState[]): void {
  for (const s of states) {
    if (s.failure === undefined) continue;
    const e = s.failure;
    if (states.length > 1 && e instanceof VmstateError) {
      throw new VmstateError(e.code, `${s.name}: ${e.detail}`, {
        ...(e.offset === undefined ? {} : { offset: e.offset }),
        ...(e.path === undefined ? {} : { path: e.path }),
        cause: e,
      });
    }
    throw e;
  }
}

/** One line for a report header that says a stream is incomplete, or "" when it is not. */
export function incompleteNote(s: StreamState): string {
  return s.failure === undefined ? "" : `${s.name}: damaged or truncated after offset 0x${s.decodedBytes.toString(16)}; shown as far as it decoded`;
}
