/**
 * QEMU's own analyze-migration.py reads what vmstate-rewrite writes. The script's output on
 * these rewritten streams is golden data (test/golden/analyze-migration-rewritten, made by
 * tools/gen-analyze-migration-golden.ts over tools/samples/rewritten.ts); here the streams
 * are rebuilt, must be byte-identical to what the script read, and our own
 * `dump --format analyze-migration` must print what the script printed.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectMain } from "@vmstate/cli";
import { rewrittenStreams } from "../tools/samples/rewritten.js";
import { runMain } from "./support/cli.js";

const GOLDEN = resolve(import.meta.dirname, "golden/analyze-migration-rewritten");
const index = JSON.parse(readFileSync(join(GOLDEN, "index.json"), "utf8")) as { samples: Record<string, string>; golden: string[] };

describe("analyze-migration.py reads vmstate-rewrite's output", async () => {
  const streams = await rewrittenStreams();

  it("read every rewritten stream", () => {
    expect([...streams.keys()].sort()).toEqual([...index.golden].sort());
  });

  describe.each([...streams.keys()])("%s", (name) => {
    const bytes = streams.get(name)!;

    it("is the stream the script read", () => {
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(index.samples[name]);
    });

    it("dumps as the script did, with the new cpreg count", async () => {
      const r = await runMain(inspectMain, ["dump", "--format", "analyze-migration", "-"], { stdin: [bytes] });
      expect(r.code, r.stderr).toBe(0);
      const golden = readFileSync(join(GOLDEN, `${name}.json`), "utf8");
      expect(r.printed === golden).toBe(true);
      expect(golden).toMatch(/"cpreg_vmstate_array_len": "0x0000(012f|0101)"/);
    });
  });
});
