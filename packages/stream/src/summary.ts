import { printable } from "@vmstate/wire";
import type { StreamInfo } from "./decoder.js";
import type { StreamRecord } from "./records.js";

/** Page counts of one RAM block, by how the pages travelled. */
export interface RamBlockSummary {
  name: string;
  /** Used length in bytes, from the MEM_SIZE block list. */
  size: number;
  pages: { zero: number; normal: number; compressed: number; xbzrle: number };
}

/** One section as it appears on the wire: header to footer. */
export interface SectionSummary {
  type: "START" | "PART" | "END" | "FULL";
  offset: number;
  size: number;
  sectionId: number;
  name: string;
  instanceId: number;
  version: number;
  /** FULL sections: how the payload's end was found; "opaque" when it could not be. */
  delimitedBy?: string;
}

export interface StreamSummary {
  /** The `virsh save` wrapper, when there is one. */
  libvirt: { complete: boolean; wasRunning: boolean; format: string; domain: string | null; streamOffset: number } | null;
  machine: string | null;
  pageSize: number | null;
  pageSizeSource: string | null;
  features: {
    configuration: boolean;
    footers: boolean | null;
    vmdesc: boolean | null;
    capabilities: string[];
    commands: string[];
    /** Top-level keys of the vmdesc JSON (`configuration` appears from QEMU 8.2). */
    vmdescKeys: string[];
  };
  ram: RamBlockSummary[];
  sections: SectionSummary[];
  devices: number;
  /** Total bytes decoded. */
  bytes: number;
}

/**
 * Builds the `summary` view of a stream from its records, one record at a time, so that a
 * damaged stream still yields everything decoded before the damage. Page counts come from
 * the decoder's tally (`tallyPages`), so the decoder need not hand out a record per page.
 */
export class SummaryCollector {
  private readonly sections: SectionSummary[] = [];
  private readonly commands: string[] = [];
  private vmdescKeys: string[] = [];
  private open: SectionSummary | undefined;
  private devices = 0;
  private bytes = 0;

  add(rec: StreamRecord): void {
    this.bytes = rec.end;
    switch (rec.kind) {
      case "section":
        this.closeAt(rec.start);
        this.open = {
          type: rec.type.toUpperCase() as SectionSummary["type"],
          offset: rec.start,
          size: rec.end - rec.start,
          sectionId: rec.sectionId,
          name: printable(rec.idstr),
          instanceId: rec.instanceId,
          version: rec.version,
        };
        this.sections.push(this.open);
        break;
      case "ram":
        this.extend(rec.end);
        break;
      case "device":
        this.devices++;
        this.extend(rec.end);
        if (this.open) this.open.delimitedBy = rec.delimitedBy;
        break;
      case "opaque":
        this.extend(rec.end);
        if (this.open) this.open.delimitedBy = "opaque";
        break;
      case "footer":
        this.extend(rec.end);
        this.open = undefined;
        break;
      case "command":
        this.closeAt(rec.start);
        this.commands.push(printable(rec.name));
        break;
      case "eof":
        this.closeAt(rec.start);
        break;
      case "vmdesc":
        this.vmdescKeys = Object.keys(rec.doc).map((k) => printable(k));
        break;
      default:
        break;
    }
  }

  /**
   * The section whose records are arriving: set by its header, cleared by its footer or by
   * the next element. A caller that keeps device payloads reads which section one belongs to.
   */
  get openSection(): Readonly<SectionSummary> | undefined {
    return this.open;
  }

  private extend(end: number): void {
    if (this.open) this.open.size = end - this.open.offset;
  }

  /**
   * A section without a footer ends where the next element starts: its RAM records are
   * not handed out one by one, so nothing else says where it ends.
   */
  private closeAt(next: number): void {
    this.extend(next);
    this.open = undefined;
  }

  /** `decodedTo`: how far the decoder got (a damaged stream's last section ends there). */
  result(info: StreamInfo, decodedTo = this.bytes): StreamSummary {
    this.extend(Math.max(decodedTo, this.bytes));
    const lv = info.libvirt;
    return {
      libvirt: lv
        ? { complete: lv.complete, wasRunning: lv.wasRunning, format: lv.format, domain: printableOrNull(/<name>([^<]*)<\/name>/.exec(lv.domainXml)?.[1]), streamOffset: lv.end }
        : null,
      machine: printableOrNull(info.machine),
      pageSize: info.ram.pageSize ?? null,
      pageSizeSource: info.ram.pageSizeSource ?? null,
      features: {
        configuration: info.configuration,
        footers: info.footers ?? null,
        vmdesc: info.vmdesc ?? null,
        capabilities: info.capabilities.map((c) => printable(c)),
        commands: [...new Set(this.commands)],
        vmdescKeys: this.vmdescKeys,
      },
      ram: ramBlockSummaries(info),
      sections: this.sections,
      devices: this.devices,
      bytes: Math.max(decodedTo, this.bytes),
    };
  }
}

/**
 * Each announced RAM block with its page counts from the decoder's tally (`tallyPages`):
 * what `summary` shows, and what `verify` counts, so the two always agree.
 */
export function ramBlockSummaries(info: StreamInfo): RamBlockSummary[] {
  return [...info.ram.blocks].map(([name, size]) => ({
    name: printable(name),
    size: Number(size),
    pages: { ...(info.ram.tally?.get(name) ?? { zero: 0, normal: 0, compressed: 0, xbzrle: 0 }) },
  }));
}

/** What a summary shows of a name the stream chose (see `printable`): escaped, cut; null when absent. */
function printableOrNull(s: string | undefined): string | null {
  return s === undefined ? null : printable(s);
}
