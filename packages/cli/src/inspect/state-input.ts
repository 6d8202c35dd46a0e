import { readStreamState, type StreamState } from "@vmstate/inspect";
import { VmstateError } from "@vmstate/wire";
import { openInput, type CliIo } from "../io.js";

/**
 * Reads a stream for the comparing commands (`cpregs`, `diff`, `explain`). Decoding errors
 * do not throw here: they stay in `state.failure` so the command prints what decoded first,
 * then calls {@link throwFailures}. I/O errors (a missing file) throw at once.
 */
export async function readState(path: string, io: CliIo): Promise<StreamState> {
  const input = openInput(path, io);
  try {
    return await readStreamState(input.bytes, input.name);
  } finally {
    input.close();
  }
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
