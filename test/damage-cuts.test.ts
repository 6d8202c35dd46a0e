/**
 * A stream cut short must fail with a VmstateError that says where, never with another
 * error, never by hanging, never silently. (Bytes changed in place: damage-mutations.test.ts;
 * the two files run in parallel.)
 */
import { describe, expect, it } from "vitest";
import { TruncatedError, VmstateError } from "@vmstate/wire";
import type { StreamRecord } from "@vmstate/stream";
import { readSample, rng, sampleFiles } from "./support/samples.js";
import { decodeAll, decodeError } from "./support/decode.js";
import { boundaries, sampleRecords } from "./support/damage.js";

describe.each(sampleFiles())("%s cut short", (name) => {
  const bytes = readSample(name);

  it("fails with TRUNCATED at the cut when cut at a record boundary", async () => {
    const records = await sampleRecords(name);
    const last = records[records.length - 1]!;
    const firstDevice = records.find((r) => r.kind === "device")?.start ?? Infinity;
    const footers = records.some((r) => r.kind === "footer");
    for (const cut of boundaries(records, 7)) {
      // A stream cut right after its EOF byte is a valid stream without vmdesc.
      if (last.kind === "vmdesc" && cut === last.start) continue;
      if (!footers && cut >= firstDevice) {
        // Without footers and without the (cut off) vmdesc nothing delimits device state:
        // the decoder must not claim to understand it, so it fails or keeps it opaque.
        const outcome = await decodeAll([bytes.subarray(0, cut)]).catch((e: unknown) => e);
        if (outcome instanceof Error) expect(outcome, `cut at ${cut}`).toBeInstanceOf(TruncatedError);
        else expect((outcome as StreamRecord[]).some((r) => r.kind === "opaque"), `cut at ${cut}`).toBe(true);
        continue;
      }
      const err = await decodeError([bytes.subarray(0, cut)]);
      expect(err, `cut at ${cut}`).toBeInstanceOf(TruncatedError);
      expect((err as TruncatedError).offset, `cut at ${cut}`).toBe(cut);
    }
  });

  it("fails with TRUNCATED inside records, at an offset no later than the cut", async () => {
    const next = rng(11);
    for (let i = 0; i < 60; i++) {
      const cut = 1 + Math.floor(next() * (bytes.length - 1));
      const err = await decodeError([bytes.subarray(0, cut)]);
      if (err === undefined) {
        // Only a cut right after the EOF byte leaves a complete stream.
        expect(bytes[cut - 1], `cut at ${cut}`).toBe(0);
        continue;
      }
      expect(err, `cut at ${cut}`).toBeInstanceOf(VmstateError);
      expect((err as VmstateError).offset, `cut at ${cut}`).toBeLessThanOrEqual(cut);
    }
  });

});
