/**
 * `dump --format analyze-migration`: the JSON document QEMU's
 * `scripts/analyze-migration.py -d state -f FILE` prints, built from our decoder's records so
 * that scripts written against that tool keep working on streams it cannot read (pipes,
 * streams without a vmdesc, compressed and XBZRLE RAM).
 *
 * The document, as the script builds it: one member per section in order of first appearance,
 * keyed `"<idstr> (<section id>)"` (the section id, not the instance id); `ram` sections give
 * `{"section sizes": {<block>: "0x%016x"}}` from the MEM_SIZE block list; device sections give
 * their field dictionary ({@link analyzeVmsd}); the configuration section, commands, footers
 * and the vmdesc are not part of it. Printed with Python's `json` at indent 4
 * ({@link pythonJson}) and a final newline.
 */
import type { StreamRecord } from "@vmstate/stream";
import { hex64 } from "@vmstate/wire";
import { analyzeVmsd } from "./analyze-values.js";
import { pythonJson, type PyDict } from "./python-json.js";

/** A section the document leaves out, and why (ours only; the script would have failed). */
export interface AnalyzeOmission {
  key: string;
  offset: number;
  reason: string;
}

/**
 * Collects the state document record by record, so a damaged stream still yields everything
 * decoded before the damage.
 */
export class AnalyzeMigrationCollector {
  private readonly doc: PyDict = new Map();
  /** Section id → key of the member it fills. */
  private readonly keys = new Map<number, string>();
  readonly omitted: AnalyzeOmission[] = [];

  add(rec: StreamRecord): void {
    switch (rec.kind) {
      case "section":
        if (!this.keys.has(rec.sectionId)) this.keys.set(rec.sectionId, `${rec.idstr} (${rec.sectionId})`);
        if (rec.type === "start" && rec.idstr === "ram") this.member(rec.sectionId).set("section sizes", new Map());
        break;
      case "ram":
        if (rec.type === "mem_size") {
          const sizes = this.member(rec.sectionId).get("section sizes") as PyDict | undefined;
          for (const b of rec.blocks ?? []) sizes?.set(b.idstr, hex64(b.usedLength));
        }
        break;
      case "device": {
        const key = this.keys.get(rec.sectionId) ?? `${rec.idstr} (${rec.sectionId})`;
        if (rec.fields) this.doc.set(key, analyzeVmsd(rec.fields, rec.bytes));
        else this.omitted.push({ key, offset: rec.start, reason: "no vmdesc and no built-in schema describe its fields" });
        break;
      }
      case "opaque":
        this.omitted.push({ key: "(rest of the device state)", offset: rec.start, reason: rec.reason });
        break;
      default:
        break;
    }
  }

  private member(sectionId: number): PyDict {
    const key = this.keys.get(sectionId)!;
    let m = this.doc.get(key) as PyDict | undefined;
    if (m === undefined) {
      m = new Map();
      this.doc.set(key, m);
    }
    return m;
  }

  /** The document so far. */
  result(): PyDict {
    return this.doc;
  }

  /** The text the script prints: Python JSON at indent 4, then a newline. */
  text(): string {
    return pythonJson(this.doc) + "\n";
  }
}
