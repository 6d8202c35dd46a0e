/**
 * Wraps a stream the way `virsh save` does (libvirt qemu_saveimage.h: a 92-byte header in
 * the host's byte order, then the domain XML padded to `dataLen`, then the QEMU stream),
 * for tests: libvirt itself is not installed here.
 */
export function libvirtImage(
  stream: Uint8Array,
  options: { endianness?: "little" | "big"; magic?: string; format?: number; dataLen?: number; xml?: string } = {},
): Uint8Array {
  const dataLen = options.dataLen ?? 65536;
  const head = Buffer.alloc(92 + dataLen);
  head.write(options.magic ?? "LibvirtQemudSave", 0, "latin1");
  const words = [2, dataLen, 1, options.format ?? 0, 0];
  words.forEach((w, i) => (options.endianness === "big" ? head.writeUInt32BE(w, 16 + 4 * i) : head.writeUInt32LE(w, 16 + 4 * i)));
  head.write(`${options.xml ?? "<domain type='kvm'><name>guest1</name></domain>"}\0`, 92, "utf8");
  return new Uint8Array(Buffer.concat([head, stream]));
}
