/**
 * Removes a register from every Arm vCPU of a stream and writes the result: what
 * `vmstate-rewrite --hide` does, from code. Prints the report the rewrite made.
 *
 *   npx tsx examples/hide-register.ts IN OUT ID_AA64DFR1_EL1
 */
import { closeSync, createReadStream, openSync } from "node:fs";
import { parseRegisterId } from "@vmstate/arm";
import { RewritePlanTransform, rewriteStream } from "@vmstate/rewrite";
import { FdSink } from "@vmstate/wire";

const [input, output, register] = process.argv.slice(2);
if (!input || !output || !register) throw new Error("usage: hide-register.ts IN OUT REGISTER");

// Names and 0x ids both parse; an unknown name throws with suggestions.
const hide = new RewritePlanTransform({ hide: [parseRegisterId(register)] });
const fd = openSync(output, "w");
try {
  const result = await rewriteStream(createReadStream(input), new FdSink(fd), { transforms: [hide] });
  console.log(`${result.bytesIn} bytes in, ${result.bytesOut} bytes out`);
} finally {
  closeSync(fd);
}
for (const c of hide.report.changes) {
  if (c.kind === "hidden") console.log(`cpu ${c.vcpu}: ${c.kind} ${c.id} ${c.name} (was ${c.oldValue}) [${c.risk}]`);
}
for (const a of hide.report.absent) console.log(`absent: ${a.id}`);
