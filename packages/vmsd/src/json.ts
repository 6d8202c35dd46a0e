/**
 * An order-keeping JSON codec whose writer produces exactly the text of QEMU's compact
 * JSON writer (`qobject/json-writer.c`, used with `pretty = false` for the vmdesc trailer):
 * members separated by `", "`, key and value by `": "`, no newlines, empty containers as
 * `{}` / `[]`, integers in decimal, strings escaped as `quoted_str` does.
 *
 * Objects keep their member order (JS insertion order). Members that a plain object cannot
 * hold faithfully (a repeated key, as QEMU writes for `qtailq` fields with several elements,
 * or an array-index-like key that JS would move to the front) are kept in a hidden member
 * list so that such objects still re-serialize byte for byte.
 */
import { LimitError, MalformedError } from "@vmstate/wire";

/** A parsed JSON value. Integers beyond 2^53 become `bigint`; other numbers are refused. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject;
/** A parsed JSON object (member order = insertion order). */
export interface JsonObject {
  [key: string]: JsonValue | undefined;
}

/** How deep containers may nest before we refuse (QEMU's vmdesc nests a few dozen deep). */
export const MAX_JSON_DEPTH = 1000;

const MEMBERS: unique symbol = Symbol("vmstate.json.members");
type WithMembers = JsonObject & { [MEMBERS]?: Array<[string, JsonValue]> };

/** The exact member list of an object read with repeated or index-like keys, if any. */
export function rawMembers(obj: JsonObject): ReadonlyArray<[string, JsonValue]> | undefined {
  return (obj as WithMembers)[MEMBERS];
}

/** Options for {@link parseJson}. */
export interface ParseJsonOptions {
  /** Absolute offset of `bytes[0]` in the input, for error offsets. */
  base?: number;
  /** Location named in errors, e.g. `vmdesc`. */
  path?: string;
  /**
   * Most values (scalars and containers) the document may hold: each becomes a JS value of
   * tens of bytes, so the count, not the text's length, bounds the memory a parse takes.
   */
  maxValues?: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses UTF-8 JSON text (RFC 8259) keeping member order and repeated keys.
 * @throws MalformedError code `VMDESC` on any syntax error, invalid UTF-8 or non-integer number.
 * @throws LimitError when containers nest deeper than {@link MAX_JSON_DEPTH}.
 */
export function parseJson(bytes: Uint8Array, options: ParseJsonOptions = {}): JsonValue {
  return new JsonParser(bytes, options.base ?? 0, options.path ?? "JSON", options.maxValues ?? Infinity).parseDocument();
}

class JsonParser {
  private pos = 0;
  private values = 0;
  constructor(
    private readonly b: Uint8Array,
    private readonly base: number,
    private readonly path: string,
    private readonly maxValues: number,
  ) {}

  parseDocument(): JsonValue {
    const value = this.value(0);
    this.ws();
    if (this.pos !== this.b.length) this.fail("unexpected data after the JSON value");
    return value;
  }

  private fail(detail: string, at = this.pos): never {
    throw new MalformedError("VMDESC", `bad JSON: ${detail}`, { offset: this.base + at, path: this.path });
  }

  private ws(): void {
    const b = this.b;
    while (this.pos < b.length) {
      const c = b[this.pos];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.pos++;
    }
  }

  private value(depth: number): JsonValue {
    this.ws();
    if (++this.values > this.maxValues) {
      throw new LimitError(`the JSON holds more than ${this.maxValues} values, more than vmstate reads`, { offset: this.base + this.pos, path: this.path });
    }
    const c = this.b[this.pos];
    switch (c) {
      case 0x7b: return this.object(depth + 1);
      case 0x5b: return this.array(depth + 1);
      case 0x22: return this.string();
      case 0x74: return this.literal("true", true);
      case 0x66: return this.literal("false", false);
      case 0x6e: return this.literal("null", null);
      case undefined: return this.fail("unexpected end of text");
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail(`unexpected character 0x${c.toString(16).padStart(2, "0")}`);
    }
  }

  private enter(depth: number): void {
    if (depth > MAX_JSON_DEPTH) {
      throw new LimitError(`JSON nests deeper than ${MAX_JSON_DEPTH}`, { offset: this.base + this.pos, path: this.path });
    }
    this.pos++;
  }

  private object(depth: number): JsonObject {
    this.enter(depth);
    const obj: WithMembers = {};
    const members: Array<[string, JsonValue]> = [];
    let needsMembers = false;
    this.ws();
    if (this.b[this.pos] === 0x7d) {
      this.pos++;
      return obj;
    }
    for (;;) {
      this.ws();
      if (this.b[this.pos] !== 0x22) this.fail("expected a member name");
      const key = this.string();
      this.ws();
      if (this.b[this.pos] !== 0x3a) this.fail("expected ':'");
      this.pos++;
      const value = this.value(depth);
      if (Object.prototype.hasOwnProperty.call(obj, key) || /^(0|[1-9][0-9]*)$/.test(key)) needsMembers = true;
      Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      members.push([key, value]);
      this.ws();
      const c = this.b[this.pos];
      if (c === 0x2c) { this.pos++; continue; }
      if (c === 0x7d) { this.pos++; break; }
      this.fail("expected ',' or '}'");
    }
    if (needsMembers) Object.defineProperty(obj, MEMBERS, { value: members, enumerable: false });
    return obj;
  }

  private array(depth: number): JsonValue[] {
    this.enter(depth);
    const out: JsonValue[] = [];
    this.ws();
    if (this.b[this.pos] === 0x5d) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.ws();
      const c = this.b[this.pos];
      if (c === 0x2c) { this.pos++; continue; }
      if (c === 0x5d) { this.pos++; return out; }
      this.fail("expected ',' or ']'");
    }
  }

  private literal<T extends JsonValue>(word: string, value: T): T {
    for (let i = 0; i < word.length; i++) {
      if (this.b[this.pos + i] !== word.charCodeAt(i)) this.fail(`expected '${word}'`);
    }
    this.pos += word.length;
    return value;
  }

  private number(): number | bigint {
    const start = this.pos;
    const b = this.b;
    if (b[this.pos] === 0x2d) this.pos++;
    const digits = this.pos;
    while (this.pos < b.length && b[this.pos]! >= 0x30 && b[this.pos]! <= 0x39) this.pos++;
    const n = this.pos - digits;
    if (n === 0 || (n > 1 && b[digits] === 0x30)) this.fail("bad number", start);
    // QEMU writes 64-bit integers at most: 20 digits. A longer one is damage, not data.
    if (n > 20) this.fail("number too long", start);
    const next = b[this.pos];
    if (next === 0x2e || next === 0x65 || next === 0x45) this.fail("only integers are expected in a vmdesc", start);
    let text = "";
    for (let i = start; i < this.pos; i++) text += String.fromCharCode(b[i]!);
    if (text === "-0") this.fail("'-0' cannot be written back exactly", start);
    const big = BigInt(text);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }

  private string(): string {
    const b = this.b;
    const open = this.pos++;
    let out = "";
    let run = this.pos;
    for (;;) {
      const c = b[this.pos];
      if (c === undefined) this.fail("unterminated string", open);
      if (c === 0x22) break;
      if (c < 0x20) this.fail("control character in string");
      if (c !== 0x5c) { this.pos++; continue; }
      out += this.decode(run, this.pos);
      out += this.escape();
      run = this.pos;
    }
    out += this.decode(run, this.pos);
    this.pos++;
    return out;
  }

  private decode(from: number, to: number): string {
    if (from === to) return "";
    try {
      return utf8.decode(this.b.subarray(from, to));
    } catch {
      return this.fail("invalid UTF-8 in string", from);
    }
  }

  private escape(): string {
    const at = this.pos;
    const c = this.b[this.pos + 1];
    this.pos += 2;
    switch (c) {
      case 0x22: return "\"";
      case 0x5c: return "\\";
      case 0x2f: return "/";
      case 0x62: return "\b";
      case 0x66: return "\f";
      case 0x6e: return "\n";
      case 0x72: return "\r";
      case 0x74: return "\t";
      case 0x75: {
        const hex = String.fromCharCode(...this.b.subarray(this.pos, this.pos + 4));
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape", at);
        this.pos += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      default:
        return this.fail("bad escape", at);
    }
  }
}

/**
 * Writes a value as QEMU's compact JSON writer would (`qobject/json-writer.c`).
 * @throws RangeError for a `number` that is not a safe integer (QEMU writes only integers).
 */
export function serializeJson(value: JsonValue): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join("");
}

function write(value: JsonValue, out: string[]): void {
  if (value === null) out.push("null");
  else if (typeof value === "boolean") out.push(value ? "true" : "false");
  else if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new RangeError(`cannot write ${value}: vmdesc numbers are integers`);
    out.push(String(value));
  } else if (typeof value === "bigint") out.push(value.toString());
  else if (typeof value === "string") out.push(quote(value));
  else if (Array.isArray(value)) {
    out.push("[");
    value.forEach((v, i) => {
      if (i > 0) out.push(", ");
      write(v, out);
    });
    out.push("]");
  } else {
    const members = rawMembers(value) ?? Object.entries(value);
    out.push("{");
    let first = true;
    for (const [k, v] of members) {
      if (v === undefined) continue;
      if (!first) out.push(", ");
      first = false;
      out.push(quote(k), ": ");
      write(v, out);
    }
    out.push("}");
  }
}

const SHORT_ESCAPES: Record<number, string> = {
  0x22: "\\\"", 0x5c: "\\\\", 0x08: "\\b", 0x0c: "\\f", 0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t",
};

/**
 * Quotes a string as `json-writer.c:quoted_str`: `"` `\` and \b \f \n \r \t get short
 * escapes; other code points below 0x20 and all from 0x7F up become `\uXXXX` (upper-case
 * hex, surrogate pairs beyond the BMP); `/` is not escaped.
 */
export function quote(s: string): string {
  if (/^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/.test(s)) return `"${s}"`;
  let out = "\"";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const short = SHORT_ESCAPES[cp];
    if (short !== undefined) out += short;
    else if (cp > 0xffff) out += hex4(0xd800 + ((cp - 0x10000) >> 10)) + hex4(0xdc00 + ((cp - 0x10000) & 0x3ff));
    else if (cp < 0x20 || cp >= 0x7f) out += hex4(cp);
    else out += ch;
  }
  return out + "\"";
}

function hex4(n: number): string {
  return "\\u" + n.toString(16).toUpperCase().padStart(4, "0");
}
