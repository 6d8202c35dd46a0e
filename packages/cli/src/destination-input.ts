import { parseRegisterListText, RegisterArgumentError } from "@vmstate/arm";
import { parseQemuRelease, type Destination, type QemuRelease } from "@vmstate/destination";
import { LIBVIRT_MAGIC, LIBVIRT_MAGIC_PARTIAL, LIBVIRT_STREAM_DECOMPRESSED, QEMU_VM_FILE_MAGIC, isDecompressedLibvirtInput } from "@vmstate/stream";
import { decodeLatin1, readBe32, type ByteInput } from "@vmstate/wire";
import type { CliIo } from "./io.js";
import { concat, openStreamInput, sniff } from "./stream-input.js";
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
 * first four bytes, the `QEVM` magic, `migration/savevm.h:QEMU_VM_FILE_MAGIC`), a libvirt
 * save image of one (raw or compressed: stream-input.ts), or a text
 * file of register ids, one per line, `#` comments, names allowed (`parseRegisterListText`).
 * The file is read once, from the start: the sniffed bytes are handed on to the decoder.
 */
export async function readDestination(path: string, io: CliIo): Promise<Destination> {
  const input = await openStreamInput(path, io);
  try {
    const { head, rest } = await sniff(input.bytes, 16);
    const magic = head.length >= 4 ? readBe32(head, 0) : -1;
    const libvirt = [LIBVIRT_MAGIC, LIBVIRT_MAGIC_PARTIAL].includes(decodeLatin1(head.subarray(0, 16)));
    // The replay keeps the opened input's mark: a compressed image arrives decompressed.
    if (magic === QEMU_VM_FILE_MAGIC || libvirt) return { kind: "stream", state: await readStreamState(Object.assign(rest, markOf(input.bytes)), input.name) };
    const text = await readText(rest, path);
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

/** The decompressed-stream mark of an opened input, to carry over to its replay. */
function markOf(input: ByteInput): object {
  return isDecompressedLibvirtInput(input) ? { [LIBVIRT_STREAM_DECOMPRESSED]: true } : {};
}
