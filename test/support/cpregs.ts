import { readCpregArrays, type CpregArrays } from "@vmstate/vmsd";
import { StreamDecoder } from "@vmstate/stream";

/** The cpreg lists of a stream's Arm cpu sections, by vCPU. */
export async function cpregsOf(bytes: Uint8Array): Promise<Map<number, CpregArrays>> {
  const out = new Map<number, CpregArrays>();
  for await (const rec of new StreamDecoder([bytes]).records()) {
    if (rec.kind !== "device" || rec.idstr !== "cpu" || !rec.fields) continue;
    const arrays = readCpregArrays(rec.bytes, rec.fields);
    if (arrays) out.set(rec.instanceId, arrays);
  }
  return out;
}
