import { parseRegisterListText, RegisterArgumentError } from "@vmstate/arm";
import { parseQemuRelease, type Destination, type QemuRelease } from "@vmstate/destination";
import { QEMU_VM_FILE_MAGIC } from "@vmstate/stream";
import { readBe32, type ByteInput } from "@vmstate/wire";
import { openInput, type CliIo } from "./io.js";
import { UsageError } from "./run-cli.js";
import { readStreamState } from "@vmstate/inspect";

/** Most bytes of a register-list file we read (a real list has a few hundred lines). */
const MAX_LIST_BYTES = 4 << 20;

/** `--dest-qemu TEXT` as a release. */
export function parseDestQemu(text: string): QemuRelease {
  const release = parseQemuRelease(text);
  if (release === undefined) throw new UsageError(`--dest-qemu ${text}: give the destination's QEMU version, such as 10.2 or 7.2.22`);
  return release;
}

/**
 * Reads `explain --dest` and `vmstate-rewrite --fit`: a migration stream saved on the destination (recognised by its
 * first four bytes, the `QEVM` magic, `migration/savevm.h:QEMU_VM_FILE_MAGIC`) or a text
 * file of register ids, one per line, `#` comments, names allowed (`parseRegisterListText`).
 * The file is read once, from the start: the sniffed bytes are handed on to the decoder.
 */
export async function readDestination(path: string, io: CliIo): Promise<Destination> {
  const input = openInput(path, io);
  try {
    const { head, rest } = await sniff(input.bytes, 4);
    const magic = head.length >= 4 ? readBe32(head, 0) : -1;
    if (magic === QEMU_VM_FILE_MAGIC) return { kind: "stream", state: await readStreamState(rest, input.name) };
    const text = await readText(rest, path);
    if (text.startsWith("LibvirtQemud")) throw new UsageError(`${path} is a libvirt save image; give the migration stream inside it, or a list of register ids`);
    try {
      return { kind: "register-list", name: input.name, ids: parseRegisterListText(text) };
    } catch (e) {
      if (e instanceof RegisterArgumentError) throw new UsageError(`${path} is neither a migration stream (no QEVM magic) nor a register list: ${e.message}`);
      throw e;
    }
  } finally {
    input.close();
  }
}

/** The first `n` bytes (fewer if the input is shorter), and an input that replays everything. */
async function sniff(input: ByteInput, n: number): Promise<{ head: Uint8Array; rest: ByteInput }> {
  const it = (Symbol.asyncIterator in input ? input[Symbol.asyncIterator]() : input[Symbol.iterator]()) as
    | AsyncIterator<Uint8Array>
    | Iterator<Uint8Array>;
  const seen: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    seen.push(r.value);
    have += r.value.length;
  }
  const head = concat(seen).subarray(0, n);
  async function* rest(): AsyncGenerator<Uint8Array> {
    yield* seen;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, rest: rest() };
}

async function readText(input: ByteInput, path: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const c of input) {
    total += c.length;
    if (total > MAX_LIST_BYTES) throw new UsageError(`${path} is neither a migration stream nor a register list (over ${MAX_LIST_BYTES} bytes)`);
    chunks.push(c);
  }
  const bytes = concat(chunks);
  if (bytes.includes(0)) throw new UsageError(`${path} is neither a migration stream (no QEVM magic) nor a text list of register ids`);
  return new TextDecoder().decode(bytes);
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
