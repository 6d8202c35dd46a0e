import { VmdescGuard } from "./vmdesc-guard.js";
import { ByteSource, MalformedError, TruncatedError, type ByteInput } from "@vmstate/wire";
import { CAP_MAPPED_RAM, CAP_X_IGNORE_SHARED, QEMU_VM } from "./constants.js";
import { readHeader } from "./header.js";
import { readConfiguration } from "./configuration.js";
import type { SectionInfo } from "./section-header.js";
import { readCommand } from "./command.js";
import { newRamState, type MappedRamPageSink, type RamState } from "./ram-state.js";
import { readIterativeSection } from "./iterative-section.js";
import { decodeTail } from "./tail.js";
import type { KeptConfiguration } from "./vmdesc-checks.js";
import { libvirtMagicAhead, readLibvirtHeader } from "./libvirt-header.js";
import { isDecompressedLibvirtInput } from "./libvirt-compressors.js";
import type { LibvirtHeaderRecord, StreamRecord } from "./records.js";

export interface DecodeOptions {
  /**
   * Most bytes buffered for the device tail (from the first FULL section to the end), whose
   * layout is known only once the vmdesc at its very end has arrived. Real guests need
   * kilobytes to a few MiB.
   */
  maxTailBytes?: number;
  /** Target page size when the stream does not say it (no configuration page-bits). */
  pageSize?: number;
  /**
   * Receives every input byte before the device tail, in order, as soon as it is decoded
   * (the input's own chunks, not copies); awaited before more input is read. A rewrite that
   * changes only device state writes these straight out instead of re-writing records.
   */
  passThrough?: (bytes: Uint8Array) => Promise<void> | void;
  /** Yield RAM records (default true). Off, they are still decoded and checked. */
  ramRecords?: boolean;
  /** Count pages by block and form in `info.ram.tally` (cheap; no record needed). */
  tallyPages?: boolean;
  /**
   * Receives the pages of a mapped-ram stream (wire-format.md §9.9), which travel in each
   * block's page area rather than as records; without it the page areas are passed over
   * (ByteSource.discard: skipped unread when the input can skip, read through otherwise).
   */
  mappedRamPages?: MappedRamPageSink;
  /**
   * Let the input reuse its buffers once read (with a recycling input such as FdReader):
   * the `bytes` of records before the device tail then stay valid only until the next
   * record is asked for. Implied by `passThrough`.
   */
  reuseInput?: boolean;
}

export const DEFAULT_MAX_TAIL_BYTES = 64 << 20;

/** What the decoder learned about the stream as a whole; filled in as records go by. */
export interface StreamInfo {
  machine: string | undefined;
  configuration: boolean;
  capabilities: string[];
  /** Section footers on (`migration.send-section-footer`); undefined until a section shows it. */
  footers: boolean | undefined;
  /** Whether a vmdesc trailer was found; undefined until the tail has been read. */
  vmdesc: boolean | undefined;
  ram: RamState;
  /** Sections seen by id (START and FULL). */
  sections: Map<number, SectionInfo>;
  /** The `virsh save` wrapper, when the file has one. */
  libvirt: LibvirtHeaderRecord | undefined;
  /**
   * Why the device state was read without being checked, when it was: with neither a vmdesc
   * nor section footers a section's end is only a guess (a stream cut at a 0x00 byte, taken
   * for the EOF byte, reads as complete), and a section nothing delimits is carried opaque.
   * Commands say so ("not verified") rather than succeed silently.
   */
  unverified: string | undefined;
  /** The configuration section, kept (a copy) for the checks against the vmdesc. */
  configurationSection: KeptConfiguration | undefined;
}

/**
 * The streaming decoder: `for await (const record of decoder.records())`.
 *
 * Iterative sections (RAM) are decoded as they arrive and never accumulated, so a pipe of
 * any size streams through with bounded memory. From the first FULL section on, the rest of
 * the input (the device tail, then EOF and the vmdesc) is buffered up to a limit, because a
 * device section's length is known only from the vmdesc that comes after it
 * (docs/design.md, "Locating device sections without seeking").
 */
export class StreamDecoder {
  readonly info: StreamInfo = {
    machine: undefined,
    configuration: false,
    capabilities: [],
    footers: undefined,
    vmdesc: undefined,
    ram: newRamState(),
    sections: new Map(),
    libvirt: undefined,
    unverified: undefined,
    configurationSection: undefined,
  };
  private readonly src: ByteSource;
  private readonly maxTail: number;
  /** A compressed libvirt image's stream arrives decompressed (libvirt-compressors.ts). */
  private readonly libvirtDecompressed: boolean;

  constructor(input: ByteInput | ByteSource, private readonly options: DecodeOptions = {}) {
    this.libvirtDecompressed = isDecompressedLibvirtInput(input);
    this.src = input instanceof ByteSource ? input : new ByteSource(input);
    this.maxTail = options.maxTailBytes ?? DEFAULT_MAX_TAIL_BYTES;
    if (options.tallyPages) this.info.ram.tally = new Map();
    this.info.ram.mappedRamPages = options.mappedRamPages;
    if (options.pageSize !== undefined) {
      this.info.ram.pageSize = options.pageSize;
      this.info.ram.pageSizeSource = "option";
    }
  }

  /** Absolute offset of the next byte the decoder will read. */
  get offset(): number {
    return this.src.offset;
  }

  async *records(): AsyncGenerator<StreamRecord> {
    const src = this.src;
    const { passThrough, reuseInput } = this.options;
    if (passThrough || reuseInput) src.passConsumedTo(passThrough ?? (() => {}));
    if ((await inputHolds(src, 16)) && libvirtMagicAhead(src)) {
      const libvirt = await readLibvirtHeader(src, this.libvirtDecompressed);
      this.info.libvirt = libvirt;
      yield libvirt;
    }
    yield await readHeader(src);
    await src.need(1, "the first element after the header");
    if (src.peekU8() === QEMU_VM.CONFIGURATION) {
      const conf = await readConfiguration(src);
      this.applyConfiguration(conf.machine, conf.targetPageBits, conf.capabilities);
      this.info.configurationSection = { start: conf.start, bytes: conf.bytes.slice() };
      yield conf;
    }
    const libvirt = this.info.libvirt;
    if (libvirt?.format === "sparse" && !this.info.ram.mappedRam) {
      // libvirt has QEMU write a sparse image with mapped-ram, and restores it so.
      throw new MalformedError("MALFORMED", "libvirt image in the sparse format, but its QEMU stream does not announce the mapped-ram capability", { offset: libvirt.start + 28, path: "libvirt header" });
    }
    for (;;) {
      await src.need(1, "the next element (the stream ends before its EOF byte)");
      const type = src.peekU8();
      if (type === QEMU_VM.SECTION_START || type === QEMU_VM.SECTION_PART || type === QEMU_VM.SECTION_END) {
        yield* readIterativeSection(src, this.info, this.options.ramRecords !== false);
      } else if (type === QEMU_VM.COMMAND) {
        yield await readCommand(src);
      } else if (type === QEMU_VM.SECTION_FULL || type === QEMU_VM.EOF) {
        await src.stopPassing();
        const base = src.offset;
        const tail = await src.readRest(this.maxTail, "the device state (from the first FULL section to the end)", new VmdescGuard(base).watch);
        yield* decodeTail(tail, base, this.info);
        return;
      } else {
        throw new MalformedError("MALFORMED", `unknown section type 0x${type.toString(16)}`, { offset: src.offset });
      }
    }
  }

  private applyConfiguration(machine: string, pageBits: number | undefined, caps: string[]): void {
    this.info.machine = machine;
    this.info.configuration = true;
    this.info.capabilities = caps;
    const ram = this.info.ram;
    if (pageBits !== undefined && ram.pageSizeSource !== "option") {
      ram.pageSize = 2 ** pageBits;
      ram.pageSizeSource = "configuration";
    }
    ram.ignoreShared = caps.includes(CAP_X_IGNORE_SHARED);
    ram.mappedRam = caps.includes(CAP_MAPPED_RAM);
  }
}

/**
 * True for the record that opens the device tail: the first FULL section header, or the EOF
 * byte of a stream without one. The decoder buffers from there on; consumers that treat
 * streamed RAM and buffered device state differently split records at the same place.
 */
export function startsDeviceTail(rec: StreamRecord): boolean {
  return (rec.kind === "section" && rec.type === "full") || rec.kind === "eof";
}

/** Whether at least n more bytes come (then made contiguous), without failing when not. */
async function inputHolds(src: ByteSource, n: number): Promise<boolean> {
  try {
    await src.need(n);
    return true;
  } catch (e) {
    if (e instanceof TruncatedError) return false;
    throw e;
  }
}

/** Convenience: `for await (const r of decode(input))`. */
export function decode(input: ByteInput, options?: DecodeOptions): AsyncGenerator<StreamRecord> {
  return new StreamDecoder(input, options).records();
}
