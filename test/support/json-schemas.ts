/**
 * Every JSON document a CLI run in the tests prints is checked against its schema in
 * schemas/ (runMain calls {@link checkJsonOutput}), so the schemas users validate against
 * cannot drift from what the commands print.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";

const SCHEMAS_DIR = resolve(import.meta.dirname, "../../schemas");
const ajv = new Ajv({ strict: true });
const validators = new Map<string, ValidateFunction>();

function validator(name: string): ValidateFunction {
  let v = validators.get(name);
  if (!v) {
    v = ajv.compile(JSON.parse(readFileSync(resolve(SCHEMAS_DIR, `${name}.schema.json`), "utf8")) as object);
    validators.set(name, v);
  }
  return v;
}

/** Throws, naming every mismatch, when `text` is not a document of schemas/NAME.schema.json. */
export function checkJsonDocument(name: string, text: string): void {
  const validate = validator(name);
  if (!validate(JSON.parse(text))) throw new Error(`${name} JSON does not match schemas/${name}.schema.json: ${ajv.errorsText(validate.errors)}`);
}

/**
 * Which schema a command line's printed output follows, or undefined when it prints no JSON
 * of ours (text, `dump --vmdesc`: QEMU's vmdesc; `--format analyze-migration`: QEMU's format).
 */
export function printedSchema(program: "vmstate-inspect" | "vmstate-rewrite", argv: readonly string[]): string | undefined {
  // `--report-json -` prints the rewrite report.
  if (program === "vmstate-rewrite") return argv.some((a, i) => a === "--report-json=-" || (a === "--report-json" && argv[i + 1] === "-")) ? "rewrite-report" : undefined;
  if (argv.includes("--vmdesc") || argv.includes("--help")) return undefined;
  const format = argv[argv.indexOf("--format") + 1];
  const json = argv.includes("--json") ? format !== "analyze-migration" && format !== "text" : format === "json" && argv.includes("--format");
  return json ? argv.find((a) => !a.startsWith("-")) : undefined;
}
