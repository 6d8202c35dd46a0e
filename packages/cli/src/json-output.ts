import { printable } from "@vmstate/wire";

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
  xml: 1,
  "rewrite-report": 1,
} as const;

export type JsonDocumentName = keyof typeof JSON_SCHEMA_VERSIONS;

/**
 * A document as printed: its schema version first, then `body`, indented, with a newline.
 * Every string is made {@link printable} (not cut: names from the stream are escaped and cut
 * where the report takes them, and hex dumps are long by right; newlines kept: `explain`
 * quotes QEMU's lines): JSON would escape control characters as `\u001b`, but a reader
 * printing a value would pass them on raw.
 */
export function jsonDocument(name: JsonDocumentName, body: object): string {
  return JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSIONS[name], ...body }, (_, v: unknown) => (typeof v === "string" ? printable(v, Infinity, true) : v), 2) + "\n";
}
