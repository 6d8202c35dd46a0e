/**
 * Simulates a stream saved on a newer host kernel: inserts registers into every Arm vCPU's
 * cpreg list of a real stream, the way a newer kernel's QEMU would have written them
 * (ascending ids, arrays in lockstep, cpreg_vmstate_array_len and the vmdesc array_len
 * updated). `vmstate-rewrite --hide` of the same ids must give back the original bytes.
 *
 *   npx tsx tools/simulate-newer-source.ts IN OUT --insert 0x6030000000160003=0 [--insert ID=VALUE ...]
 */
import { openSync, closeSync } from "node:fs";
import { parseArgs } from "node:util";
import { FdReader, FdSink } from "@vmstate/wire";
import { parseSetList } from "@vmstate/arm";
import { CpregSectionEditor, SectionEditTransform, rewriteStream } from "@vmstate/rewrite";

/** Merges `extra` into one vCPU's sorted lists; an id already present keeps its place and takes the new value. */
export function insertRegisters(indexes: readonly bigint[], values: readonly bigint[], extra: ReadonlyMap<bigint, bigint>) {
  const merged = new Map<bigint, bigint>();
  indexes.forEach((id, i) => merged.set(id, values[i]!));
  for (const [id, v] of extra) merged.set(id, v);
  const ids = [...merged.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { indexes: ids, values: ids.map((id) => merged.get(id)!) };
}

/** Writes IN with `extra` inserted into every Arm vCPU as OUT. */
export async function simulateNewerSource(inPath: string, outPath: string, extra: ReadonlyMap<bigint, bigint>): Promise<void> {
  const cpregs = new CpregSectionEditor((_vcpu, list) => insertRegisters(list.indexes, list.values, extra));
  // Streamed, not read whole: the benchmark streams are larger than a Buffer may be.
  const input = openSync(inPath, "r");
  const output = openSync(outPath, "w");
  try {
    await rewriteStream(new FdReader(input), new FdSink(output), { transforms: [new SectionEditTransform([cpregs])] });
  } finally {
    closeSync(output);
    closeSync(input);
  }
  if (cpregs.armCpus === 0) throw new Error(`${inPath} has no Arm cpu section to insert registers into`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { insert: { type: "string", multiple: true } } });
  const [inPath, outPath] = positionals;
  if (!inPath || !outPath || !values.insert?.length) {
    console.error("usage: tsx tools/simulate-newer-source.ts IN OUT --insert ID=VALUE [--insert ID=VALUE ...]");
    process.exit(2);
  }
  await simulateNewerSource(inPath, outPath, parseSetList(values.insert));
}
