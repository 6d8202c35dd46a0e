/**
 * Lists every Arm vCPU's KVM registers (id, value, name) of a migration stream.
 *
 *   npx tsx examples/list-registers.ts samples/aarch64-virt-max-1cpu.mig
 */
import { createReadStream } from "node:fs";
import { cpuRegisterLists, readStreamState } from "@vmstate/inspect";

const file = process.argv[2];
if (!file) throw new Error("usage: list-registers.ts STREAM");

const state = await readStreamState(createReadStream(file), file);
// A damaged stream still yields what decoded before the damage; say so rather than hide it.
if (state.failure !== undefined) console.error(`stopped early: ${String(state.failure)}`);
for (const cpu of cpuRegisterLists(state)) {
  console.log(`cpu ${cpu.instance_id}: ${cpu.count} registers`);
  for (const r of cpu.registers) console.log(`  ${r.id}  ${r.value}  ${r.name}`);
}
