/**
 * Writes each RAM block of a stream to a sparse file in a directory, as the guest's memory
 * stood at the end of the stream: what `vmstate-inspect extract-ram` does, from code.
 *
 *   npx tsx examples/extract-ram.ts samples/aarch64-virt-max-1cpu.mig /tmp/ram
 */
import * as fs from "node:fs";
import { BlockFiles, RamExtractor } from "@vmstate/inspect";
import { StreamDecoder } from "@vmstate/stream";

const [file, dir] = process.argv.slice(2);
if (!file || !dir) throw new Error("usage: extract-ram.ts STREAM DIR");

const files = new BlockFiles(fs, dir);
const extractor = new RamExtractor(files);
const decoder = new StreamDecoder(fs.createReadStream(file));
// A stream without a configuration record says its page size only in the vmdesc at its end.
let vmdescPageSize: number | undefined;
try {
  for await (const rec of decoder.records()) {
    if (rec.kind === "ram") {
      extractor.setPageSize(decoder.info.ram.pageSize);
      extractor.add(rec);
    } else if (rec.kind === "vmdesc" && typeof rec.doc.page_size === "number") vmdescPageSize = rec.doc.page_size;
  }
  extractor.finish(vmdescPageSize);
} finally {
  for (const f of files.close()) console.log(`${f.file}  ${f.length} bytes  (${f.block})`);
}
