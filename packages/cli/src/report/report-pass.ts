/**
 * The one decoding pass behind `vmstate-inspect report`: everything the page shows of the
 * source stream is gathered while its records go by, because RAM is most of a stream (GiBs)
 * and must not be read twice. Four views listen to the same records:
 * - `summary`'s collector (sections with sizes and versions, RAM blocks with the decoder's
 *   page tally, the libvirt wrapper), so the page's numbers are `summary --json`'s;
 * - the comparing views' state (device payloads, Arm register lists) for `explain` and the
 *   register table;
 * - `dump`'s model of each device section, for the fields behind the section bar;
 * - the page map (`@vmstate/inspect`'s {@link PageMapCollector}).
 * Only device sections are kept whole (kilobytes); RAM records are counted and dropped.
 */
import { dumpSection, PageMapCollector, StreamStateCollector, type BlockPageMap, type DumpSection, type StreamState } from "@vmstate/inspect";
import { StreamDecoder, SummaryCollector, type LibvirtHeaderRecord, type StreamSummary } from "@vmstate/stream";
import type { ByteInput } from "@vmstate/wire";

/** What the pass learnt of the source. */
export interface ReportPass {
  summary: StreamSummary;
  state: StreamState;
  /** Each FULL section's fields, by section offset (the `sections` entry's `offset`). */
  dumps: Map<number, DumpSection>;
  pageMaps: BlockPageMap[];
  /** The `virsh save` wrapper as read, with its domain XML; undefined for a bare stream. */
  libvirt: LibvirtHeaderRecord | undefined;
  /** The decoding error that stopped the pass early, if any. */
  failure: unknown;
}

/** Reads `input` once; a damaged stream does not throw (see `failure`). */
export async function readForReport(input: ByteInput, name: string): Promise<ReportPass> {
  const pages = new PageMapCollector();
  const decoder = new StreamDecoder(input, { tallyPages: true, reuseInput: true, mappedRamPages: pages.mappedRam });
  const summary = new SummaryCollector();
  const state = new StreamStateCollector(name);
  const dumps = new Map<number, DumpSection>();
  let failure: unknown;
  try {
    for await (const rec of decoder.records()) {
      if (rec.kind === "ram") {
        // The other views read streams without RAM records (the decoder keeps the block list
        // and tallies the pages), so they see none here either.
        pages.add(rec, decoder.info.ram.pageSize);
        continue;
      }
      const open = summary.openSection;
      summary.add(rec);
      state.add(rec);
      if (rec.kind === "device" && open !== undefined) dumps.set(open.offset, dumpSection(rec));
    }
  } catch (e) {
    failure = e;
  }
  return {
    summary: summary.result(decoder.info, decoder.offset),
    state: state.result(decoder.info, decoder.offset, failure),
    dumps,
    pageMaps: pages.result(decoder.info.ram.pageSize),
    libvirt: decoder.info.libvirt,
    failure,
  };
}
