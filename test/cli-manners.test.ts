/**
 * What a user of well-behaved command-line tools expects, run in-process: exit codes in every
 * help, the commands listed when none is named, typos in register ids caught, progress that
 * follows the input however it is given and stays out of the way when asked, the vmdesc as
 * the stream has it, and JSON documents that say their version and follow their schemas.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
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
const schemasDir = resolve(import.meta.dirname, "../schemas");

/** Every vmstate-inspect command, as its completion lists them (so none can be left out here). */
async function inspectCommands(): Promise<string[]> {
  const r = await runMain(inspectMain, ["--get-completions", ""]);
  const commands = r.printed.split("\n").filter(Boolean);
  expect(commands).toEqual(expect.arrayContaining(["summary", "verify", "report", "xml", "completion"]));
  return commands;
}
const INSPECT_COMMANDS = await inspectCommands();

describe("help", () => {
  const helps: [string, typeof inspectMain, string[]][] = [
    ["vmstate-inspect --help", inspectMain, ["--help"]],
    ...INSPECT_COMMANDS.map((c): [string, typeof inspectMain, string[]] => [`vmstate-inspect ${c} --help`, inspectMain, [c, "--help"]]),
    ["vmstate-rewrite --help", rewriteMain, ["--help"]],
    ["vmstate-rewrite completion --help", rewriteMain, ["completion", "--help"]],
  ];

  it.each(helps)("%s ends with the exit codes", async (_, main, argv) => {
    const r = await runMain(main, argv);
    expect(r.code).toBe(0);
    expect(r.printed.trimEnd().endsWith(EXIT_CODES_HELP)).toBe(true);
  });

  it("vmstate-inspect report --help gives the exit codes of its verdict (as explain's)", async () => {
    const r = await runMain(inspectMain, ["report", "--help"]);
    expect(r.printed).toMatch(/^ {2}6 {3}the destination would refuse the stream \(vmstate-inspect explain, and\n {6}report with --dest/m);
    expect(r.printed).toMatch(/^ {2}7 {3}.*report with --dest/m);
  });

  it("vmstate-inspect with no command lists the commands on stderr (exit 2)", async () => {
    const r = await runMain(inspectMain, []);
    expect(r.code).toBe(2);
    expect(r.printed).toBe("");
    for (const command of INSPECT_COMMANDS) expect(r.stderr).toMatch(new RegExp(`^ +vmstate-inspect ${command}\\b`, "m"));
    expect(r.stderr).toContain(EXIT_CODES_HELP);
  });
});

describe("--json", () => {
  it.each(INSPECT_COMMANDS)("is offered by vmstate-inspect %s exactly when schemas/ describes its output", async (command) => {
    const help = (await runMain(inspectMain, [command, "--help"])).printed;
    const hasSchema = existsSync(join(schemasDir, `${command}.schema.json`));
    expect(help.includes("--json"), help).toBe(hasSchema);
    if (hasSchema) expect(help).toContain(`schemas/${command}.schema.json`);
  });

  it("is a usage error before the command name, which says where it goes", async () => {
    const r = await runMain(inspectMain, ["--json", "summary", join(SAMPLES_DIR, SAMPLE)]);
    expect(r.code).toBe(2);
    expect(r.printed).toBe("");
    expect(r.stderr).toBe("vmstate-inspect: --json comes before the command name: options follow it (e.g. vmstate-inspect summary --json vm.mig)\nTry 'vmstate-inspect --help'.\n");
    expect((await runMain(inspectMain, ["-q", "verify", join(SAMPLES_DIR, SAMPLE)])).code).toBe(2);
  });

  it("works anywhere after the command name", async () => {
    const file = join(SAMPLES_DIR, SAMPLE);
    const before = await runMain(inspectMain, ["summary", "--json", file]);
    const after = await runMain(inspectMain, ["summary", file, "--json"]);
    expect([before.code, after.code]).toEqual([0, 0]);
    expect(JSON.parse(after.printed).machine).toBe("virt-7.2");
    expect(after.printed).toBe(before.printed);
  });

  it("vmstate-inspect xml --json: the XML as stored, with what the header says (validated by its schema)", async () => {
    const image = join(SAMPLES_DIR, "libvirt", "gzip.sav");
    const text = await runMain(inspectMain, ["xml", image]);
    const r = await runMain(inspectMain, ["xml", "--json", image]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.printed);
    expect(doc).toMatchObject({ schemaVersion: 1, file: image, complete: true, format: "gzip" });
    expect(doc.domainXml.endsWith("\n") ? doc.domainXml : `${doc.domainXml}\n`).toBe(text.printed);
    expect(doc.domainXml).toContain("<name>vmstate-save-test</name>");
  });
});

describe("-q", () => {
  const bytes = readSample(SAMPLE);
  const tty = { stdin: [bytes], stderrIsTTY: true, stdinSize: bytes.length };

  it.each(INSPECT_COMMANDS.filter((c) => c !== "xml" && c !== "completion"))("is offered by vmstate-inspect %s, meaning the same", async (command) => {
    const help = (await runMain(inspectMain, [command, "--help"])).printed;
    expect(help).toMatch(/-q, --quiet +nothing on stderr but errors/);
  });

  it("keeps dump's left-out fields off stderr, not its output", async () => {
    const file = join(SAMPLES_DIR, "aarch64-virt-no-vmdesc.mig");
    const loud = await runMain(inspectMain, ["dump", "--format", "analyze-migration", file]);
    expect(loud.stderr).toMatch(/^vmstate-inspect: left out timer \(0\)/m);
    const quiet = await runMain(inspectMain, ["dump", "-q", "--format", "analyze-migration", file]);
    expect([quiet.code, quiet.stderr, quiet.printed]).toEqual([loud.code, "", loud.printed]);
  });

  it("keeps verify's count line and progress off stderr; the problems are still the output, the exit status still 1", async () => {
    const cut = bytes.subarray(0, 300000);
    const loud = await runMain(inspectMain, ["verify", "-"], { stdin: [cut], stderrIsTTY: true, stdinSize: cut.length });
    expect(loud.code).toBe(1);
    expect(loud.stderr).toContain("<stdin>: 1 problem found");
    const quiet = await runMain(inspectMain, ["verify", "--quiet", "-"], { stdin: [cut], stderrIsTTY: true, stdinSize: cut.length });
    expect([quiet.code, quiet.stderr, quiet.printed]).toEqual([1, "", loud.printed]);
  });

  it("keeps extract-ram's progress off stderr", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vmstate-quiet-"));
    try {
      const loud = await runMain(inspectMain, ["extract-ram", "-", join(dir, "loud")], tty);
      expect(loud.stderr).toContain("\rextract-ram [");
      const r = await runMain(inspectMain, ["extract-ram", "-q", "-", join(dir, "ram")], tty);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("");
      expect(readdirSync(join(dir, "ram")).length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves errors on stderr", async () => {
    const r = await runMain(inspectMain, ["summary", "-q", "/nonexistent.mig"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("/nonexistent.mig");
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
