/**
 * `verify`: decode everything and report every problem found, each with its offset and path.
 *
 * How: the strict decoder (`@vmstate/stream`) reads the stream once; its records feed the RAM
 * checks ({@link RamChecker}) as they pass. The device tail is then walked a second time,
 * leniently ({@link verifyTail}), from bytes kept by a {@link ChunkRecorder}, so that one bad
 * section does not hide the next. Last come the checks that need the vmdesc and the stream
 * together ({@link checkAgainstVmdesc}, which the decoder makes too): the configuration
 * section against the vmdesc's `configuration` entry (QEMU ≥ 8.2),
 * and the vmdesc's `page_size` against the stream's page size.
 *
 * A decoder error in the RAM part ends the RAM checks (the RAM grammar has no resync point) and
 * is reported as is; one in the tail is reported only if the second walk found nothing there,
 * since that walk reports the same fault in more detail and goes on after it.
 */
import { checkAgainstVmdesc, QEMU_VM, ramBlockSummaries, StreamDecoder, startsDeviceTail, type RamBlockSummary, type StreamRecord } from "@vmstate/stream";
import type { Vmdesc } from "@vmstate/vmsd";
import { VmstateError, type ByteInput } from "@vmstate/wire";
import { ChunkRecorder } from "./chunk-recorder.js";
import { ProblemList, type Problem } from "./problems.js";
import { RamChecker } from "./verify-ram.js";
import { verifyTail } from "./verify-tail.js";

export interface VerifyReport {
  ok: boolean;
  problems: Problem[];
}

/** A RAM block as `summary` counts its pages, and how many of its pages nothing sent. */
export interface VerifyRamBlock extends RamBlockSummary {
  pages: RamBlockSummary["pages"] & { absent: number | null };
}

/** What was checked: `ram` is in the JSON report, the rest only in the human summary. */
export interface VerifyCounts {
  bytes: number;
  /** Page records (a mapped-ram file: pages its bitmaps mark), all blocks together. */
  ramPages: number;
  sections: number;
  vmdesc: boolean;
  ram: VerifyRamBlock[];
}

export interface VerifyOptions {
  /** Passed to the decoder. */
  maxTailBytes?: number;
  /** Called with the decoder's offset after each record (progress). */
  onOffset?: (offset: number) => void;
}

export async function verifyStream(input: ByteInput, options: VerifyOptions = {}): Promise<VerifyReport & { counts: VerifyCounts }> {
  const problems = new ProblemList();
  const recorder = new ChunkRecorder(input);
  // The decoder hands on each chunk it is done with before the device tail: the recorder
  // forgets it then, not at the end of the record that holds it, since under mapped-ram
  // one record spans every block's page area (the whole guest RAM).
  let consumed = 0;
  const passThrough = (bytes: Uint8Array): void => recorder.release((consumed += bytes.length));
  const decoder = new StreamDecoder(recorder, { tallyPages: true, passThrough, ...(options.maxTailBytes === undefined ? {} : { maxTailBytes: options.maxTailBytes }) });
  const ram = new RamChecker(problems);
  const spans = new IterativeSpans();
  let tailStart: number | undefined;
  let lastEnd = 0;
  let atBoundary = false;
  let failure: unknown;
  try {
    for await (const rec of decoder.records()) {
      if (tailStart === undefined && startsDeviceTail(rec)) tailStart = rec.start;
      if (tailStart === undefined) {
        lastEnd = rec.end;
        atBoundary = rec.kind === "footer" || rec.kind === "command" || rec.kind === "header" || rec.kind === "configuration" || (rec.kind === "ram" && rec.type === "eos" && decoder.info.footers === false);
      } else spans.add(rec);
      if (rec.kind === "ram") {
        ram.setPageSize(decoder.info.ram.pageSize);
        ram.add(rec);
      }
      options.onOffset?.(rec.end);
    }
  } catch (e) {
    failure = e;
  }
  // The decoder reads the whole tail before yielding from it: if it failed at an element
  // boundary in front of a FULL section or EOF, the failure is in the tail.
  if (tailStart === undefined && failure !== undefined && atBoundary && recorder.holds(lastEnd)) {
    const next = recorder.bytesFrom(lastEnd)[0];
    if (next === QEMU_VM.SECTION_FULL || next === QEMU_VM.EOF) tailStart = lastEnd;
  }
  let sections = 0;
  let doc: Vmdesc | undefined;
  const before = problems.size;
  // A limit stops the reading (a vmdesc announcing more than vmstate reads): the tail is not all
  // there, and walking what is would only report it as cut short.
  const stopped = failure instanceof VmstateError && failure.code === "LIMIT";
  if (tailStart !== undefined && !stopped) {
    const tail = recorder.bytesFrom(tailStart);
    const result = verifyTail(tail, { base: tailStart, footers: decoder.info.footers, decodedSpans: spans.spans, problems });
    sections = result.sections;
    doc = result.doc;
    if (doc) {
      try {
        checkAgainstVmdesc(doc, result.vmdescAt ?? tailStart, decoder.info.configurationSection, decoder.info.ram.pageSize, problems.reporter);
      } catch (e) {
        problems.addError(e, decoder.info.configurationSection?.start ?? tailStart, "configuration");
      }
    }
  }
  if (failure !== undefined && (tailStart === undefined || stopped || problems.size === before)) problems.addError(failure, recorder.length);
  const list = problems.sorted();
  if (problems.dropped > 0) list.push({ offset: recorder.length, path: "", code: "LIMIT", message: `${problems.dropped} more problems not listed` });
  const names = [...decoder.info.ram.blocks.keys()];
  const blocks = ramBlockSummaries(decoder.info).map((b, i) => ({ ...b, pages: { ...b.pages, absent: ram.absentPages(names[i]!) ?? null } }));
  const ramPages = blocks.reduce((n, b) => n + b.pages.zero + b.pages.normal + b.pages.compressed + b.pages.xbzrle, 0);
  return {
    ok: list.length === 0,
    problems: list,
    counts: { bytes: recorder.length, ramPages, sections, vmdesc: doc !== undefined, ram: blocks },
  };
}

/**
 * Iterative sections found after the first FULL section (legal, not seen in practice): the
 * decoder read them, so the second walk skips them by their spans.
 */
class IterativeSpans {
  readonly spans = new Map<number, number>();
  private open: number | undefined;

  add(rec: StreamRecord): void {
    if (rec.kind === "section" && rec.type !== "full") this.open = rec.start;
    else if (this.open !== undefined && (rec.kind === "ram" || rec.kind === "footer")) this.spans.set(this.open, rec.end);
    else this.open = undefined;
  }
}
