/**
 * A writer for the exact text Python's `json` module produces with
 * `JSONEncoder(indent=4, separators=(',', ': '))` and its default `ensure_ascii=True`: the
 * encoder QEMU's `scripts/analyze-migration.py` prints its state dump with. Existing scripts
 * parse (and some diff) that text, so `dump --format analyze-migration` must match it byte for
 * byte, not merely as JSON.
 *
 * Why a model of our own rather than `JSON.stringify(x, null, 4)`: the script's dictionaries
 * are ordered and may hold keys that a JS object would reorder (integer-like keys), its string
 * escaping differs from JavaScript's (`ensure_ascii` escapes every character outside printable
 * ASCII, DEL included, with lowercase `\uXXXX`), and its separators differ.
 */

/** A value the script can print: strings, booleans, lists and ordered dictionaries. */
export type PyValue = string | boolean | PyValue[] | PyDict;

/** An ordered dictionary, like Python's `OrderedDict` (insertion order, re-set keeps position). */
export type PyDict = Map<string, PyValue>;

/** Python's `indent=4`. */
export const PYTHON_JSON_INDENT = 4;

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/**
 * Quotes a string as `json.encoder.py_encode_basestring_ascii` does: `"` and `\` and the five
 * short control escapes by name, every other code unit outside 0x20–0x7e as `\u` plus four
 * lowercase hex digits. JavaScript strings are UTF-16 already, so a character beyond the BMP
 * comes out as its surrogate pair, as Python writes it.
 */
export function pythonQuote(s: string): string {
  let out = '"';
  let plainFrom = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(plainFrom, i);
    const ch = s[i]!;
    out += SHORT_ESCAPES[ch] ?? `\\u${c.toString(16).padStart(4, "0")}`;
    plainFrom = i + 1;
  }
  return out + s.slice(plainFrom) + '"';
}

/**
 * Serializes like `json.dumps(value, indent=4, separators=(',', ': '))`: containers open on
 * their line, one member per line indented four spaces deeper, `,` at line ends, empty
 * containers as `{}` and `[]`. No trailing newline (the script's `print` adds one).
 */
export function pythonJson(value: PyValue, indent = PYTHON_JSON_INDENT): string {
  const parts: string[] = [];
  write(value, 0, indent, parts);
  return parts.join("");
}

function write(value: PyValue, level: number, indent: number, out: string[]): void {
  if (typeof value === "string") {
    out.push(pythonQuote(value));
    return;
  }
  if (typeof value === "boolean") {
    out.push(value ? "true" : "false");
    return;
  }
  const inner = "\n" + " ".repeat((level + 1) * indent);
  const close = "\n" + " ".repeat(level * indent);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push("[]");
      return;
    }
    out.push("[");
    value.forEach((item, i) => {
      out.push(i === 0 ? inner : "," + inner);
      write(item, level + 1, indent, out);
    });
    out.push(close, "]");
    return;
  }
  if (value.size === 0) {
    out.push("{}");
    return;
  }
  out.push("{");
  let first = true;
  for (const [key, item] of value) {
    out.push(first ? inner : "," + inner, pythonQuote(key), ": ");
    first = false;
    write(item, level + 1, indent, out);
  }
  out.push(close, "}");
}

/**
 * Adds `value` under `key` the way the script's `VMSDFieldStruct.read` gathers fields: the
 * first value of a name is stored as is, a second one turns the entry into a list of both, and
 * later ones are appended. This is how compressed arrays, `index` entries and repeated names
 * all become lists (and how a one-element array stays a scalar).
 */
export function gatherField(dict: PyDict, key: string, value: PyValue): void {
  const current = dict.get(key);
  if (current === undefined) dict.set(key, value);
  else if (Array.isArray(current)) current.push(value);
  else dict.set(key, [current, value]);
}
