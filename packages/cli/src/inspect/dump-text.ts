import { SCALAR_KINDS, type DumpField, type DumpSection, type DumpValue, type DumpVmsd } from "@vmstate/inspect";
import { hexOffset } from "./report-text.js";

/** Terminal width the text is laid out for. */
const WIDTH = 80;
const NAME_COLUMN = 30;
const TYPE_COLUMN = 16;
/** Bytes of an opaque section shown before eliding the rest. */
const OPAQUE_SHOWN = 512;


/**
 * One device section as text for an 80-column terminal: a heading with where the section
 * sits, then one line per field (`name  type  value`), arrays and long values wrapped below
 * their name, structs and subsections indented. Integers are shown in hex at their type's
 * width, with the decimal value beside single values of 10 and more.
 */
export function formatDumpSection(s: DumpSection, payload?: Uint8Array): string {
  const lines: string[] = [];
  const vmsd = s.vmsdName && s.vmsdName !== s.name ? `, vmsd ${s.vmsdName}` : "";
  const by = s.delimitedBy === "vmdesc" ? "" : `, by ${s.delimitedBy}`;
  const title = `${s.name} (${s.instanceId})  section ${s.sectionId}, version ${s.version}${vmsd}:`;
  const where = `${s.size} bytes at ${hexOffset(s.offset)}${by}`;
  if (title.length + 1 + where.length <= WIDTH) lines.push(`${title} ${where}`);
  else lines.push(title, `  ${where}`);
  if (s.opaque !== undefined) {
    lines.push(`  (${s.opaque})`);
    if (payload) lines.push(...hexDump(payload.subarray(0, OPAQUE_SHOWN), s.offset, 2));
    if (payload && payload.length > OPAQUE_SHOWN) lines.push(`  … ${payload.length - OPAQUE_SHOWN} more bytes`);
  } else {
    vmsdLines({ fields: s.fields ?? [], ...(s.subsections ? { subsections: s.subsections } : {}) }, 1, lines);
  }
  return lines.join("\n") + "\n\n";
}

function vmsdLines(v: DumpVmsd, depth: number, lines: string[]): void {
  for (const f of v.fields) fieldLines(f, depth, lines);
  for (const s of v.subsections ?? []) {
    lines.push(`${pad(depth)}subsection ${s.name} (version ${s.version}): ${s.size} bytes at ${hexOffset(s.offset)}`);
    vmsdLines(s, depth + 1, lines);
  }
}

function fieldLines(f: DumpField, depth: number, lines: string[]): void {
  const name = f.index === undefined ? f.name : `${f.name}[${f.index}]`;
  const type = f.count === undefined ? f.type : `${f.type}[${f.count}]`;
  const head = `${pad(depth)}${name.padEnd(NAME_COLUMN - 2 * depth)} ${type.padEnd(TYPE_COLUMN)}`;
  if (f.struct) {
    lines.push(head.trimEnd());
    vmsdLines(f.struct, depth + 1, lines);
    return;
  }
  if (f.elements) {
    lines.push(head.trimEnd());
    f.elements.forEach((el, i) => elementLines(el, i, depth + 1, lines));
    return;
  }
  const values = f.values ?? [];
  const isBytes = !(f.type in SCALAR_KINDS) && f.type !== "nullptr" && f.type !== "capability";
  if (isBytes) {
    const bytes = values.map((v) => String(v)).join("");
    if (head.length + bytes.length * 1.5 <= WIDTH) lines.push(head + spaced(bytes));
    else lines.push(head.trimEnd(), ...wrap(chunk(bytes, 2), pad(depth + 2)));
    return;
  }
  const texts = values.map((v) => valueText(v, f.type, values.length === 1));
  if (texts.length === 1 && head.length + texts[0]!.length <= WIDTH) lines.push(head + texts[0]);
  else lines.push(head.trimEnd(), ...wrap(texts, pad(depth + 2)));
}

/** A struct element: on one line (`[i] a=1 b=2`, wrapped) when all its fields are single values. */
function elementLines(el: DumpVmsd, i: number, depth: number, lines: string[]): void {
  const flat = !el.subsections?.length && el.fields.every((f) => f.values?.length === 1);
  if (!flat) {
    lines.push(`${pad(depth)}[${i}]`);
    vmsdLines(el, depth + 1, lines);
    return;
  }
  const items = el.fields.map((f) => `${f.name}=${valueText(f.values![0]!, f.type, false)}`);
  const first = `${pad(depth)}[${i}] `;
  lines.push(...wrap(items, " ".repeat(first.length), first));
}

/** A value as text: integers in hex at the type's width (and decimal when asked and useful). */
export function valueText(v: DumpValue, type: string, withDecimal: boolean): string {
  if (v === null) return "nullptr";
  if (typeof v === "boolean") return String(v);
  if (typeof v === "string") {
    if (type === "capability") return JSON.stringify(v);
    // 64-bit integers come as "0x…" or decimal strings; anything else is raw bytes in hex.
    return SCALAR_KINDS[type]?.width === 8 && /^(0x[0-9a-f]+|-?\d+)$/.test(v) ? v : spaced(v);
  }
  const width = SCALAR_KINDS[type]?.width ?? 4;
  const unsigned = v < 0 ? v + 2 ** (8 * width) : v;
  const hex = "0x" + unsigned.toString(16).padStart(2 * width, "0");
  // Decimal helps for counts and plain integers, not for registers of custom types (cpsr, fpscr).
  const plain = type.startsWith("int") || type.startsWith("uint");
  return withDecimal && plain && (v >= 10 || v < 0) ? `${hex} (${v})` : hex;
}

/** Packs items into lines of at most 80 columns: the first starts with `first`, the rest with `indent`. */
function wrap(items: string[], indent: string, first = indent): string[] {
  const out: string[] = [];
  let line = first;
  let empty = true;
  for (const item of items) {
    if (!empty && line.length + 1 + item.length > WIDTH) {
      out.push(line);
      line = indent;
      empty = true;
    }
    line += (empty ? "" : " ") + item;
    empty = false;
  }
  if (!empty) out.push(line);
  return out;
}

/** Hex dump lines: offset, 16 bytes. */
function hexDump(b: Uint8Array, base: number, depth: number): string[] {
  const out: string[] = [];
  for (let p = 0; p < b.length; p += 16) {
    const row = [...b.subarray(p, p + 16)].map((x) => x.toString(16).padStart(2, "0")).join(" ");
    out.push(`${pad(depth)}${hexOffset(base + p)}  ${row}`);
  }
  return out;
}

const pad = (depth: number) => "  ".repeat(depth);
const chunk = (s: string, n: number) => s.match(new RegExp(`.{1,${n}}`, "g")) ?? [];
const spaced = (hex: string) => chunk(hex, 2).join(" ");
