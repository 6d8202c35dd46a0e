/**
 * Builds bytes in memory with big-endian writers whose names mirror ByteSource's readers
 * (`u8`/`be16`/`be32`/`sbe32`/`be64`/`bytes`), so a record codec's encode reads like its decode.
 */
export class ByteWriter {
  private buf: Uint8Array;
  private len = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
  }

  get length(): number {
    return this.len;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(v: number): this {
    this.reserve(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  be16(v: number): this {
    this.reserve(2);
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  be32(v: number): this {
    this.reserve(4);
    const b = this.buf;
    let p = this.len;
    b[p++] = (v >>> 24) & 0xff;
    b[p++] = (v >>> 16) & 0xff;
    b[p++] = (v >>> 8) & 0xff;
    b[p++] = v & 0xff;
    this.len = p;
    return this;
  }

  /** Signed 32-bit; the two's complement bytes are the same as be32's. */
  sbe32(v: number): this {
    return this.be32(v >>> 0);
  }

  be64(v: bigint): this {
    const u = BigInt.asUintN(64, v);
    this.be32(Number(u >> 32n));
    return this.be32(Number(u & 0xffffffffn));
  }

  bytes(b: Uint8Array): this {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** The bytes written so far (a view; copy it before writing more if you keep it). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Read helpers over an in-memory buffer at a position, for code that already holds the bytes. */
export function readBe32(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) >>> 0) + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
}

export function readBe64(b: Uint8Array, p: number): bigint {
  return (BigInt(readBe32(b, p)) << 32n) | BigInt(readBe32(b, p + 4));
}

/** Bytes per `String.fromCharCode` call: well below any engine's argument limit. */
const LATIN1_CHUNK = 8192;

/**
 * Bytes as a string, one character per byte (ISO-8859-1), so `charCodeAt` gives each byte back:
 * names in the stream are ASCII in practice, and any other byte survives a decode/encode.
 */
export function decodeLatin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += LATIN1_CHUNK) s += String.fromCharCode(...b.subarray(i, i + LATIN1_CHUNK));
  return s;
}

export function writeBe32(b: Uint8Array, p: number, v: number): void {
  b[p] = (v >>> 24) & 0xff;
  b[p + 1] = (v >>> 16) & 0xff;
  b[p + 2] = (v >>> 8) & 0xff;
  b[p + 3] = v & 0xff;
}

export function writeBe64(b: Uint8Array, p: number, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  writeBe32(b, p, Number(u >> 32n));
  writeBe32(b, p + 4, Number(u & 0xffffffffn));
}

/** `0x` + 16 hex digits: how every 64-bit id and value is printed (style habit 6). */
export function hex64(v: bigint): string {
  return "0x" + BigInt.asUintN(64, v).toString(16).padStart(16, "0");
}
