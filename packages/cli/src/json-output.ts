/**
 * The version of each JSON document the CLIs print (`--json`, `dump --format json`,
 * `--report-json`), first in the document as `schemaVersion`, so a script can tell which
 * shape it reads. Bump one when a field of that document changes meaning or goes away (new
 * fields do not need a bump). Each shape is described in schemas/NAME.schema.json, which
 * the tests validate every document against.
 */
export const JSON_SCHEMA_VERSIONS = {
  summary: 1,
  sections: 1,
  cpregs: 1,
  diff: 1,
  explain: 1,
  dump: 1,
  "extract-ram": 1,
  verify: 1,
  "rewrite-report": 1,
} as const;

export type JsonDocumentName = keyof typeof JSON_SCHEMA_VERSIONS;

/** A document as printed: its schema version first, then `body`, indented, with a newline. */
export function jsonDocument(name: JsonDocumentName, body: object): string {
  return JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSIONS[name], ...body }, null, 2) + "\n";
}
