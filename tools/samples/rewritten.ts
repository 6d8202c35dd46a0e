/**
 * Streams vmstate-rewrite makes from committed samples, rebuilt byte for byte whenever they
 * are needed. QEMU's own analyze-migration.py must read our output: its verdict on these is
 * kept as golden data (tools/gen-analyze-migration-golden.ts over the directory
 * `writeRewrittenStreams` fills), and test/rewrite-analyze-migration.test.ts rebuilds them and
 * checks that they are still what the script read.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { MemorySink } from "@vmstate/wire";
import { StreamDecoder } from "@vmstate/stream";
import { isReadOnlyIdRegister, readCpregArrays, type CpregArrays } from "@vmstate/arm";
import { RewritePlanTransform, rewriteStream } from "@vmstate/rewrite";

const SAMPLES = resolve(import.meta.dirname, "../../samples");

/** The register lists of a stream's Arm cpu sections, by vCPU. */
export async function cpregsOf(bytes: Uint8Array): Promise<Map<number, CpregArrays>> {
  const out = new Map<number, CpregArrays>();
  for await (const rec of new StreamDecoder([bytes]).records()) {
    if (rec.kind !== "device" || rec.idstr !== "cpu" || !rec.fields) continue;
    const arrays = readCpregArrays(rec.bytes, rec.fields);
    if (arrays) out.set(rec.instanceId, arrays);
  }
  return out;
}

/**
 * What makes vCPU 0 of `source` acceptable to the QEMU that wrote `dest`: hide the ids it
 * lacks, set differing read-only ID registers to its values (the rule `vmstate-inspect
 * explain` applies, computed here independently of it).
 */
export async function backwardFix(source: Uint8Array, dest: Uint8Array): Promise<{ hide: bigint[]; set: Map<bigint, bigint> }> {
  const want = (await cpregsOf(dest)).get(0)!;
  const have = (await cpregsOf(source)).get(0)!;
  const destValues = new Map(want.indexes.map((id, i) => [id, want.values[i]!]));
  const hide: bigint[] = [];
  const set = new Map<bigint, bigint>();
  have.indexes.forEach((id, i) => {
    const v = destValues.get(id);
    if (v === undefined) hide.push(id);
    else if (isReadOnlyIdRegister(id) && v !== have.values[i]) set.set(id, v);
  });
  return { hide, set };
}

async function rewrite(bytes: Uint8Array, hide: bigint[], set: Map<bigint, bigint>): Promise<Uint8Array> {
  const sink = new MemorySink();
  await rewriteStream([bytes], sink, { transforms: [new RewritePlanTransform({ hide, set })] });
  return sink.bytes();
}

const sample = (name: string) => new Uint8Array(readFileSync(join(SAMPLES, name)));

/** name → bytes of every rewritten stream. */
export async function rewrittenStreams(): Promise<Map<string, Uint8Array>> {
  const newer = sample("newer-aarch64-virt-7.2-a57.mig");
  const fix = await backwardFix(newer, sample("aarch64-virt-7.2-a57.mig"));
  return new Map([
    // DBGBVR0_EL1 (zero in every vCPU): one entry fewer in each of four cpu sections.
    ["max-4cpu-hide-dbgbvr0.mig", await rewrite(sample("aarch64-virt-max-4cpu.mig"), [0x6030000000138004n], new Map())],
    // The real backward migration 10.0 -> 7.2, fixed as QEMU 7.2 needs.
    ["newer-a57-fixed-for-7.2.mig", await rewrite(newer, fix.hide, fix.set)],
  ]);
}

export async function writeRewrittenStreams(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of await rewrittenStreams()) writeFileSync(join(dir, name), bytes);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: tsx tools/samples/rewritten.ts DIR   (then: tsx tools/gen-analyze-migration-golden.ts SCRIPT --samples DIR --out test/golden/analyze-migration-rewritten)");
    process.exit(2);
  }
  await writeRewrittenStreams(dir);
}
