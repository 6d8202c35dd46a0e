/**
 * Decodes a migration stream and prints its sections: what `vmstate-inspect sections` shows,
 * from the library. Reads a file or a pipe alike: nothing is seeked.
 *
 *   npx tsx examples/decode-sections.ts samples/aarch64-virt-max-1cpu.mig
 */
import { createReadStream } from "node:fs";
import { StreamDecoder } from "@vmstate/stream";

const file = process.argv[2];
if (!file) throw new Error("usage: decode-sections.ts STREAM");

const decoder = new StreamDecoder(createReadStream(file));
for await (const rec of decoder.records()) {
  // START and FULL headers name their section; PART/END continue one (RAM, mostly).
  if (rec.kind === "section" && (rec.type === "start" || rec.type === "full")) {
    console.log(`${rec.start.toString(16).padStart(8, "0")}  ${rec.type.padEnd(5)}  ${rec.idstr} instance ${rec.instanceId} version ${rec.version}`);
  }
}
console.log(`machine ${decoder.info.machine ?? "(not recorded)"}, ${decoder.offset} bytes`);
