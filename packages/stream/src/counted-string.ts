import { ByteWriter, MalformedError, decodeLatin1, type ByteSource } from "@vmstate/wire";

/**
 * Counted strings: u8 length then bytes, no NUL (migration/qemu-file.c:
 * qemu_put_counted_string). Names are ASCII in practice; latin1 keeps every byte so the
 * string encodes back to the same bytes.
 */
export async function readCountedString(src: ByteSource, what: string): Promise<string> {
  await src.need(1, what);
  const len = src.u8();
  await src.need(len, what);
  return decodeLatin1(src.bytes(len));
}

/** A counted string whose length must be non-zero, as QEMU's loader requires for names. */
export async function readName(src: ByteSource, what: string): Promise<string> {
  const at = src.offset;
  const name = await readCountedString(src, what);
  if (name.length === 0) throw new MalformedError("MALFORMED", `empty ${what}`, { offset: at });
  return name;
}

export function writeCountedString(w: ByteWriter, s: string): ByteWriter {
  w.u8(s.length);
  for (let i = 0; i < s.length; i++) w.u8(s.charCodeAt(i));
  return w;
}
