import { printable } from "@vmstate/wire";
import { StreamDecoder } from "@vmstate/stream";
import { VmstateError } from "@vmstate/wire";
import { BlockFiles, RamExtractor, type BlockFile, type ExtractedBlock } from "@vmstate/inspect";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { isStdin, type CliIo } from "../io.js";
import { UsageError } from "../run-cli.js";
import { openStreamInput, withImageOffsets } from "../stream-input.js";
import { Progress } from "../progress.js";
import { jsonDocument } from "../json-output.js";

export interface ExtractRamOptions {
  /** Only this RAM block (idstr as in the stream). */
  block?: string;
  json: boolean;
  /** A progress bar on a terminal (--no-progress turns it off). */
  progress: boolean;
}

/**
 * `extract-ram`: one sparse file per RAM block in DIR, as the guest's memory stood at the end
 * of the stream (every PAGE, ZERO, COMPRESS_PAGE and XBZRLE record applied in order; in a
 * mapped-ram file, every page its block's bitmap marks present). The
 * files are written as the stream is read; on a damaged stream they hold everything before
 * the damage, the report says so, and the error goes to stderr (exit 1).
 */
export async function extractRamCommand(file: string, dir: string, opts: ExtractRamOptions, io: CliIo): Promise<ExitCode> {
  // One file per block: there is no standard-output form of that.
  if (isStdin(dir)) throw new UsageError("extract-ram writes one file per RAM block into DIR: give a directory, not -");
  // The directory first: it holds no descriptor open if the input then cannot be opened.
  const files = new BlockFiles(io.fs, dir);
  const input = await openStreamInput(file, io);
  const extractor = new RamExtractor(files, opts.block === undefined ? {} : { block: opts.block });
  const decoder = new StreamDecoder(input.bytes, { mappedRamPages: extractor.mappedRam });
  const progress = new Progress(io, input.size, "extract-ram", opts.progress);
  let vmdescPageSize: number | undefined;
  let written: BlockFile[] = [];
  let failure: unknown;
  try {
    for await (const rec of decoder.records()) {
      if (rec.kind === "ram") {
        extractor.setPageSize(decoder.info.ram.pageSize);
        extractor.add(rec);
        progress.update(rec.end);
      } else if (rec.kind === "vmdesc" && typeof rec.doc.page_size === "number") vmdescPageSize = rec.doc.page_size;
    }
    extractor.finish(vmdescPageSize);
  } catch (e) {
    failure = withImageOffsets(input, e);
  } finally {
    progress.done();
    input.close();
    try {
      files.close();
    } catch (e) {
      failure ??= e;
    }
    written = files.files();
  }
  const blocks = extractor.counts();
  const rows = written.map((f) => ({ block: printable(f.block), file: f.file, length: f.length, pages: blocks.find((b) => b.name === f.block)?.pages ?? null }));
  if (opts.json) io.print(jsonDocument("extract-ram", { file: input.name, dir, complete: failure === undefined, blocks: rows }));
  else io.print(formatExtract(rows, dir, failure === undefined ? undefined : failure instanceof VmstateError ? "the stream is damaged; pages after the damage are missing" : "writing stopped; pages after that point are missing"));
  if (failure !== undefined) throw failure;
  return EXIT.OK;
}

type Row = { block: string; file: string; length: number; pages: ExtractedBlock["pages"] | null };

/** `incomplete`: why the files are not the whole of guest RAM, when they are not. */
function formatExtract(rows: Row[], dir: string, incomplete: string | undefined): string {
  const lines = [`${rows.length} RAM block${rows.length === 1 ? "" : "s"} written to ${dir}${incomplete === undefined ? "" : ` (INCOMPLETE: ${incomplete})`}`, ""];
  lines.push(`${"file".padEnd(30)} ${"bytes".padStart(11)} ${"pages".padStart(7)} ${"zero".padStart(7)} ${"compr".padStart(6)} ${"xbzrle".padStart(6)}  block`);
  for (const r of rows) {
    const p = r.pages ?? { normal: 0, zero: 0, compressed: 0, xbzrle: 0 };
    lines.push(
      `${r.file.padEnd(30)} ${String(r.length).padStart(11)} ${String(p.normal).padStart(7)} ${String(p.zero).padStart(7)} ${String(p.compressed).padStart(6)} ${String(p.xbzrle).padStart(6)}  ${r.block}`,
    );
  }
  return lines.join("\n") + "\n";
}
