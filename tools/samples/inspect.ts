/**
 * A tiny, independent look at a captured stream's framing, used to double-check the flags the
 * capture script writes into samples/manifest.json (configuration section, target page size,
 * section footers, vmdesc trailer). It reads only the header, the configuration section and the
 * RAM START section (wire-format.md §2, §3, §4, §9.4), plus the tail. It is deliberately not the
 * project's decoder (packages/), so the two can check each other.
 */

/** What the framing says. */
export interface StreamFraming {
  configuration: boolean;
  machine?: string;
  /**
   * From configuration/target-page-bits, else the architecture's legacy value; undefined when
   * there is no configuration section at all (the stream then does not say).
   */
  pageSize: number | undefined;
  footers: boolean;
  vmdesc: boolean;
  ramBlocks: { name: string; bytes: number }[];
}

const MAGIC = 0x5145564d;

/**
 * Reads the framing facts.
 * @param legacyPageBits the target's page bits when the configuration subsection is absent
 *   (10 for Arm, 12 for x86; `page-vary-target.c:migration_legacy_page_bits`).
 * @throws on anything unexpected (bad magic, RAM START not where expected).
 */
export function inspectFraming(buf: Buffer, legacyPageBits: number): StreamFraming {
  if (buf.readUInt32BE(0) !== MAGIC || buf.readUInt32BE(4) !== 3) throw new Error("not a QEVM v3 stream");
  let p = 8;
  let configuration = false;
  let machine: string | undefined;
  let pageBits = legacyPageBits;
  if (buf[p] === 0x07) {
    configuration = true;
    const len = buf.readUInt32BE(p + 1);
    machine = buf.toString("ascii", p + 5, p + 5 + len);
    p += 5 + len;
    while (buf[p] === 0x05) {
      const nlen = buf[p + 1]!;
      const name = buf.toString("ascii", p + 2, p + 2 + nlen);
      p += 2 + nlen + 4; // name, be32 version
      if (name === "configuration/target-page-bits") {
        pageBits = buf.readUInt32BE(p);
        p += 4;
      } else {
        throw new Error(`unexpected configuration subsection ${name}`);
      }
    }
  }
  // RAM START: 01, be32 id, counted "ram", be32 instance, be32 version 4.
  if (buf[p] !== 0x01) throw new Error(`expected SECTION_START at ${p}, got ${buf[p]}`);
  const id = buf.readUInt32BE(p + 1);
  const nlen = buf[p + 5]!;
  const idstr = buf.toString("ascii", p + 6, p + 6 + nlen);
  if (idstr !== "ram") throw new Error(`first section is ${idstr}, not ram`);
  p += 6 + nlen + 8;
  const pageSize = 2 ** pageBits;
  const mask = BigInt(2 ** Math.min(pageBits, legacyPageBits) - 1);
  const word = buf.readBigUInt64BE(p);
  if ((word & 0x04n) === 0n) throw new Error("RAM START does not begin with MEM_SIZE");
  const total = word & ~mask;
  p += 8;
  const ramBlocks: { name: string; bytes: number }[] = [];
  let sum = 0n;
  while (sum < total) {
    const l = buf[p]!;
    const name = buf.toString("ascii", p + 1, p + 1 + l);
    const used = buf.readBigUInt64BE(p + 1 + l);
    ramBlocks.push({ name, bytes: Number(used) });
    sum += used;
    p += 1 + l + 8;
  }
  if (buf.readBigUInt64BE(p) !== 0x10n) throw new Error("RAM START block list not followed by EOS");
  p += 8;
  const footers = buf[p] === 0x7e && buf.readUInt32BE(p + 1) === id;
  return { configuration, pageSize: configuration ? pageSize : undefined, footers, vmdesc: hasVmdesc(buf), ramBlocks, ...(machine ? { machine } : {}) };
}

/** True when the stream ends with EOF (00), VMDESCRIPTION (06), be32 length, JSON. */
export function hasVmdesc(buf: Buffer): boolean {
  if (buf[buf.length - 1] !== 0x7d) return false; // JSON object ends with "}"
  const start = Math.max(0, buf.length - 4_000_000);
  for (let q = buf.length - 6; q >= start + 1; q--) {
    if (buf[q] === 0x06 && buf[q - 1] === 0x00 && buf.readUInt32BE(q + 1) === buf.length - q - 5) return true;
  }
  return false;
}
