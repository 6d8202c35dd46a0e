/**
 * What a user of well-behaved command-line tools expects, run in-process: exit codes in every
 * help, the commands listed when none is named, typos in register ids caught, progress that
 * follows the input however it is given and stays out of the way when asked, the vmdesc as
 * the stream has it, and JSON documents that say their version and follow their schemas.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectMain, rewriteMain } from "@vmstate/cli";
import { EXIT_CODES_HELP } from "../packages/cli/src/exit-codes.js";
import { JSON_SCHEMA_VERSIONS } from "../packages/cli/src/json-output.js";
import { runMain } from "./support/cli.js";
import { decodeAll } from "./support/decode.js";
import { checkJsonDocument } from "./support/json-schemas.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";

const SAMPLE = "aarch64-virt-max-1cpu.mig";
const INSPECT_COMMANDS = ["summary", "sections", "cpregs", "diff", "explain", "dump", "extract-ram", "verify"];

describe("help", () => {
  it.each(INSPECT_COMMANDS)("vmstate-inspect %s --help ends with the exit codes", async (command) => {
    const r = await runMain(inspectMain, [command, "--help"]);
    expect(r.code).toBe(0);
    expect(r.printed.trimEnd().endsWith(EXIT_CODES_HELP)).toBe(true);
  });

  it("vmstate-inspect with no command lists the commands on stderr (exit 2)", async () => {
    const r = await runMain(inspectMain, []);
    expect(r.code).toBe(2);
    expect(r.printed).toBe("");
    for (const command of INSPECT_COMMANDS) expect(r.stderr).toMatch(new RegExp(`^ +vmstate-inspect ${command}\\b`, "m"));
    expect(r.stderr).toContain(EXIT_CODES_HELP);
  });
});

describe("register ids of no known class", () => {
  it("are refused (exit 2) as the likely typo they are", async () => {
    const r = await runMain(rewriteMain, ["--dry-run", "--hide", "0x1"], { stdin: [readSample(SAMPLE)] });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/0x0000000000000001 is no known Arm register .*--force/);
  });

  it("are taken with --force (and then found absent like any other)", async () => {
    const r = await runMain(rewriteMain, ["--dry-run", "--force", "--hide", "0x1"], { stdin: [readSample(SAMPLE)] });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("nothing to hide: 0x0000000000000001");
  });

  it("include a --set target", async () => {
    const r = await runMain(rewriteMain, ["--dry-run", "--set", "0x2=0"], { stdin: [readSample(SAMPLE)] });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("0x0000000000000002 is no known Arm register");
  });
});

describe("progress", () => {
  const bytes = readSample(SAMPLE);
  const tty = { stdin: [bytes], stderrIsTTY: true, stdinSize: bytes.length };

  it("is drawn for a stream given as < FILE (standard input of known size)", async () => {
    const r = await runMain(rewriteMain, ["-o", "/dev/null"], tty);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("\rvmstate-rewrite [");
  });

  it.each([["--no-progress"], ["-q"], ["--quiet"]])("is not drawn with %s", async (flag) => {
    const r = await runMain(rewriteMain, ["-o", "/dev/null", flag], tty);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("is plain lines, without carriage returns or escape codes, for TERM=dumb", async () => {
    const r = await runMain(rewriteMain, ["-o", "/dev/null"], { ...tty, term: "dumb" });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/[\r\x1b]/);
    expect(r.stderr).toMatch(/^vmstate-rewrite: +\d+% [\d.]+\/0\.4 MiB$/m);
  });

  it("is not drawn by vmstate-inspect verify --no-progress", async () => {
    const drawn = await runMain(inspectMain, ["verify", "-"], tty);
    expect(drawn.stderr).toContain("\rverify [");
    const r = await runMain(inspectMain, ["verify", "--no-progress", "-"], tty);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });
});

describe("dump --vmdesc", () => {
  it("prints the vmdesc JSON exactly as the stream holds it", async () => {
    const vmdesc = (await decodeAll([readSample(SAMPLE)])).find((r) => r.kind === "vmdesc");
    expect(vmdesc?.kind).toBe("vmdesc");
    const r = await runMain(inspectMain, ["dump", "--vmdesc", join(SAMPLES_DIR, SAMPLE)]);
    expect(r.code).toBe(0);
    expect(r.printed).toBe(Buffer.from((vmdesc as { json: Uint8Array }).json).toString("utf8") + "\n");
  });

  it("exits 4 when the stream has none", async () => {
    const r = await runMain(inspectMain, ["dump", "--vmdesc", join(SAMPLES_DIR, "aarch64-virt-no-vmdesc.mig")]);
    expect(r.code).toBe(4);
    expect(r.printed).toBe("");
    expect(r.stderr).toContain("has no vmdesc");
  });
});

describe("JSON documents", () => {
  const schemasDir = resolve(import.meta.dirname, "../schemas");

  it("have a schema in schemas/ for each versioned document, stating that version", () => {
    for (const [name, version] of Object.entries(JSON_SCHEMA_VERSIONS)) {
      const schema = JSON.parse(readFileSync(join(schemasDir, `${name}.schema.json`), "utf8"));
      expect(schema.properties.schemaVersion.const, name).toBe(version);
      expect(schema.required, name).toContain("schemaVersion");
    }
    const documents = Object.keys(JSON_SCHEMA_VERSIONS).map((n) => `${n}.schema.json`).sort();
    expect(readdirSync(schemasDir).sort()).toEqual(documents);
  });

  it("are checked: a document of another version or with a field of the wrong type fails", async () => {
    const r = await runMain(inspectMain, ["summary", "--json", join(SAMPLES_DIR, SAMPLE)]);
    const doc = JSON.parse(r.printed);
    expect(() => checkJsonDocument("summary", JSON.stringify(doc))).not.toThrow();
    expect(() => checkJsonDocument("summary", JSON.stringify({ ...doc, schemaVersion: 2 }))).toThrow(/schemaVersion/);
    expect(() => checkJsonDocument("summary", JSON.stringify({ ...doc, machine: 7 }))).toThrow(/machine/);
  });
});
