/**
 * Parsing of user register arguments (`--hide`, `--set`, `--hide-from` contents).
 *
 * A register may be written as:
 * - a hex id with `0x` (1–16 digits, any case): `0x6030000000160003`. Bare decimal is
 *   refused (an id is never written in decimal anywhere; a bare number is far more likely a
 *   hex id missing its `0x`), with the likely hex spelling in the message;
 * - a table name, ignoring case, the `KVM_REG_ARM_` prefix optional:
 *   `KVM_REG_ARM_VENDOR_HYP_BMAP_2`, `vendor_hyp_bmap_2`, `TCR2_EL1`, `ID_DFR0`;
 * - a field form: `S3_0_C2_C0_3`, `3:0:2:0:3`, `FW[1]`, `FW_FEAT_BMAP[3]`,
 *   `KVM_REG_ARM_FW_REG(1)`, `KVM_REG_ARM_FW_FEAT_BMAP_REG(3)`, `CCSIDR[2]`, `CORE[64]`,
 *   `KVM_REG_ARM64_SVE_ZREG(n,i)` / `_PREG(n,i)` / `_FFR(i)`,
 *   `cp15(opc1=0,CRn=1,CRm=0,opc2=0)`, `cp15_64(opc1=0,CRm=2)` (`ns=0` selects QEMU's
 *   secure bank), optionally followed by `/U32`-style size when it is not the usual one.
 *   Every name `registerName` prints is accepted back.
 *
 * AArch64 or AArch32? The name decides: names are unique across spaces, AArch64 sysreg names
 * end in `_ELx` and their AArch32 twins do not (`ID_DFR0_EL1` is 0x603000000013c00a,
 * `ID_DFR0` is QEMU TCG's 0x40200000200f0082). Nothing is guessed: a name that is not in the
 * tables is an error whose message offers the twin and close spellings.
 */
import { RegisterArgumentError, ArmError } from "./errors.js";
import { lookupRegisterName } from "./names.js";
import { DEMUX_ID_CCSIDR, encodeRegId, REG_SIZES, type RegId, type RegSize, decodeRegId, formatRegId, isU64 } from "./regid.js";
import { defaultRegSize } from "./regid-format.js";
import { suggestRegisterNames } from "./suggest.js";

const FORMS_HINT =
  "a register is a 0x-prefixed hex id, a name such as KVM_REG_ARM_VENDOR_HYP_BMAP_2 or TCR2_EL1, " +
  "S<op0>_<op1>_C<n>_C<m>_<op2>, or op0:op1:CRn:CRm:op2";

const NUM = String.raw`(0x[0-9a-f]+|\d+)`;
const re = (body: string): RegExp => new RegExp(`^${body}$`, "i");
const SYSREG_S = re(String.raw`S(\d+)_(\d+)_C(\d+)_C(\d+)_(\d+)`);
const SYSREG_COLON = re(String.raw`(\d+):(\d+):(\d+):(\d+):(\d+)`);
const INDEXED = re(String.raw`(CORE|CCSIDR|FW|FW_FEAT_BMAP)\[${NUM}\]`);
const KVM_MACRO = re(String.raw`KVM_REG_ARM_(FW_REG|FW_FEAT_BMAP_REG)\(\s*${NUM}\s*\)`);
const DEMUX = re(String.raw`DEMUX\[${NUM}\]\[${NUM}\]`);
const SVE_ZP = re(String.raw`(?:KVM_REG_ARM64_)?SVE_(ZREG|PREG)\(\s*${NUM}\s*,\s*${NUM}\s*\)`);
const SVE_FFR = re(String.raw`(?:KVM_REG_ARM64_)?SVE_FFR\(\s*${NUM}\s*\)`);
const CP = re(String.raw`CP(\d+)(_64)?\((.*)\)`);
const OTHER = re(String.raw`ID\((.*)\)`);
const SIZE_SUFFIX = /^(.*\S)\s*\/\s*(U\d+)$/i;

function fail(arg: string, message: string, suggestions: readonly string[] = []): never {
  throw new RegisterArgumentError("BAD_REGISTER_ARG", arg, message, suggestions);
}

function num(text: string): number {
  const v = Number(text.toLowerCase().startsWith("0x") ? parseInt(text.slice(2), 16) : parseInt(text, 10));
  return Number.isSafeInteger(v) ? v : Number.MAX_SAFE_INTEGER;
}

/** `key=value` pairs of a `cp15(...)` / `id(...)` form, keys lower-cased. */
function keyValues(arg: string, body: string, allowed: readonly string[], required: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of body.split(",")) {
    const m = /^\s*([a-z0-9]+)\s*=\s*(0x[0-9a-f]+|\d+)\s*$/i.exec(part);
    const key = m?.[1]?.toLowerCase();
    if (m === null || key === undefined || !allowed.includes(key) || out.has(key)) {
      fail(arg, `cannot read "${part.trim()}" in ${JSON.stringify(arg)}: expected one each of ${allowed.join(", ")} as key=number`);
    }
    out.set(key, num(m[2] ?? ""));
  }
  for (const key of required) if (!out.has(key)) fail(arg, `${JSON.stringify(arg)} lacks ${key}=`);
  return out;
}

/** The structured form of a field-form argument, or undefined when `text` is not one. */
function parseFieldForm(arg: string, text: string): RegId | undefined {
  let m: RegExpExecArray | null;
  const n = (i: number): number => num(m?.[i] ?? "");
  if ((m = SYSREG_S.exec(text) ?? SYSREG_COLON.exec(text))) {
    return { arch: "arm64", size: "U64", group: "sysreg", op0: n(1), op1: n(2), crn: n(3), crm: n(4), op2: n(5) };
  }
  if ((m = INDEXED.exec(text))) {
    const kind = (m[1] ?? "").toUpperCase();
    const v = n(2);
    if (kind === "CORE") {
      const core: RegId = { arch: "arm64", size: "U64", group: "core", offset: v };
      return { ...core, size: defaultRegSize(core) };
    }
    if (kind === "CCSIDR") return { arch: "arm64", size: "U32", group: "demux", demuxId: DEMUX_ID_CCSIDR, value: v };
    return { arch: "arm64", size: "U64", group: kind === "FW" ? "fw" : "fw-feat-bmap", number: v };
  }
  if ((m = KVM_MACRO.exec(text))) {
    return { arch: "arm64", size: "U64", group: (m[1] ?? "").toUpperCase() === "FW_REG" ? "fw" : "fw-feat-bmap", number: n(2) };
  }
  if ((m = DEMUX.exec(text))) return { arch: "arm64", size: "U32", group: "demux", demuxId: n(1), value: n(2) };
  if ((m = SVE_ZP.exec(text))) {
    const z = (m[1] ?? "").toUpperCase() === "ZREG";
    return { arch: "arm64", size: z ? "U2048" : "U256", group: "sve", kind: z ? "z" : "p", n: n(2), slice: n(3) };
  }
  if ((m = SVE_FFR.exec(text))) return { arch: "arm64", size: "U256", group: "sve", kind: "ffr", n: 0, slice: n(1) };
  if ((m = CP.exec(text))) {
    const cp = n(1);
    const body = m[3] ?? "";
    if (m[2] !== undefined) {
      const kv = keyValues(arg, body, ["opc1", "crm", "ns"], ["opc1", "crm"]);
      return { arch: "arm", size: "U64", group: "cp64", cp, ns: (kv.get("ns") ?? 1) as 0 | 1, crm: kv.get("crm") ?? 0, opc1: kv.get("opc1") ?? 0 };
    }
    const kv = keyValues(arg, body, ["opc1", "crn", "crm", "opc2", "ns"], ["opc1", "crn", "crm", "opc2"]);
    return {
      arch: "arm", size: "U32", group: "cp32", cp, ns: (kv.get("ns") ?? 1) as 0 | 1,
      crn: kv.get("crn") ?? 0, crm: kv.get("crm") ?? 0, opc1: kv.get("opc1") ?? 0, opc2: kv.get("opc2") ?? 0,
    };
  }
  if ((m = OTHER.exec(text))) {
    const kv = keyValues(arg, m[1] ?? "", ["arch", "size", "middle", "coproc", "low"], ["arch", "size", "coproc", "low"]);
    return {
      group: "other", archCode: kv.get("arch") ?? 0, sizeCode: kv.get("size") ?? 0, middle: kv.get("middle") ?? 0,
      coproc: kv.get("coproc") ?? 0, low: kv.get("low") ?? 0,
    };
  }
  return undefined;
}

function encodeChecked(arg: string, r: RegId): bigint {
  try {
    return encodeRegId(r);
  } catch (e) {
    if (e instanceof ArmError) fail(arg, `${JSON.stringify(arg)}: ${e.message}`);
    throw e;
  }
}

function withSize(arg: string, id: bigint, size: RegSize): bigint {
  const r = decodeRegId(id);
  if (r.group === "other") fail(arg, `${JSON.stringify(arg)}: a size suffix needs a known register layout`);
  if (r.group === "cp64" || (r.group === "cp32" && size === "U64")) {
    fail(arg, `${JSON.stringify(arg)}: AArch32 ids choose 32- or 64-bit by form (cpN(...) or cpN_64(...)), not by suffix`);
  }
  return encodeChecked(arg, { ...r, size });
}

/**
 * Parse one register argument into its 64-bit id.
 * @throws {RegisterArgumentError} with a message naming the accepted forms and close names.
 */
export function parseRegisterId(arg: string): bigint {
  const text = arg.trim();
  if (text.length === 0) fail(arg, `empty register argument; ${FORMS_HINT}`);
  if (/^0x/i.test(text)) {
    if (!/^0x[0-9a-f]+$/i.test(text)) fail(arg, `${JSON.stringify(text)} is not a hex number`);
    const id = BigInt(text.toLowerCase());
    if (!isU64(id)) fail(arg, `${JSON.stringify(text)} is wider than 64 bits`);
    return id;
  }
  if (/^[0-9]+$/.test(text)) {
    const asHex = text.length <= 16 ? `0x${text.padStart(16, "0")}` : undefined;
    const v = BigInt(text);
    const conv = isU64(v) ? `; as a decimal number it would be ${formatRegId(v)}` : "";
    fail(arg, `register ids must be written in hex with 0x: ${JSON.stringify(text)}` +
      (asHex === undefined ? "" : ` (did you mean ${asHex}?)`) + conv);
  }
  if (/^[0-9a-f]{16}$/i.test(text)) fail(arg, `${JSON.stringify(text)} looks like a hex id missing its 0x prefix: 0x${text}`);
  const sized = SIZE_SUFFIX.exec(text);
  if (sized !== null && (REG_SIZES as readonly string[]).includes((sized[2] ?? "").toUpperCase())) {
    return withSize(arg, parseRegisterId(sized[1] ?? ""), (sized[2] ?? "").toUpperCase() as RegSize);
  }
  const form = parseFieldForm(arg, text);
  if (form !== undefined) return encodeChecked(arg, form);
  const found = lookupRegisterName(text);
  const ids = [...new Set(found.map((f) => f.id))];
  if (ids.length === 1 && ids[0] !== undefined) return ids[0];
  if (ids.length > 1) {
    const list = found.map((f) => `${f.name} = ${formatRegId(f.id)} (${f.space})`).join(", ");
    throw new RegisterArgumentError("AMBIGUOUS_REGISTER", arg, `${JSON.stringify(text)} names several registers: ${list}; give the hex id`);
  }
  const suggestions = suggestRegisterNames(text);
  const hint = suggestions.length > 0 ? `; did you mean ${suggestions.join(", ")}?` : "";
  return fail(arg, `unknown register ${JSON.stringify(text)}${hint} (${FORMS_HINT})`, suggestions);
}

/** Split on commas that are not inside parentheses (`cp15(opc1=0,CRn=1,...)` stays whole). */
export function splitRegisterList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (c === "," && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim());
}

function eachItem(args: readonly string[], what: string, visit: (item: string) => void): void {
  for (const arg of args) {
    const items = splitRegisterList(arg);
    items.forEach((item, i) => {
      if (item.length > 0) visit(item);
      else if (!(i === items.length - 1 && items.length > 1)) fail(arg, `empty ${what} in ${JSON.stringify(arg)}`);
    });
  }
}

/**
 * Parse repeated flags and comma lists (`--hide A,B --hide C`) into ids, first occurrence
 * order, duplicates dropped. A trailing comma is tolerated; an empty item is not.
 */
export function parseRegisterList(args: readonly string[]): bigint[] {
  const seen = new Set<bigint>();
  eachItem(args, "register", (item) => seen.add(parseRegisterId(item)));
  return [...seen];
}

/**
 * A register value: `0x` hex or decimal, 0 ≤ v < 2^64.
 * @throws {RegisterArgumentError}
 */
export function parseRegisterValue(arg: string): bigint {
  const text = arg.trim();
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(text)) fail(arg, `${JSON.stringify(text)} is not a value: write 0x-prefixed hex or decimal digits`);
  const v = BigInt(text.toLowerCase());
  if (!isU64(v)) throw new RegisterArgumentError("OUT_OF_RANGE", arg, `${JSON.stringify(text)} does not fit in 64 bits`);
  return v;
}

/** One `--set` item, `REGISTER=VALUE`, split at the last `=` outside parentheses. */
export function parseSetAssignment(arg: string): { id: bigint; value: bigint } {
  let depth = 0;
  let eq = -1;
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i];
    if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (c === "=" && depth === 0) eq = i;
  }
  if (eq < 0) fail(arg, `${JSON.stringify(arg.trim())} is not REGISTER=VALUE (e.g. ID_DFR0_EL1=0x03010066)`);
  return { id: parseRegisterId(arg.slice(0, eq)), value: parseRegisterValue(arg.slice(eq + 1)) };
}

/**
 * Parse repeated `--set` flags and comma lists into a map id → value. Setting one register
 * twice to the same value is allowed; to different values is an error.
 */
export function parseSetList(args: readonly string[]): Map<bigint, bigint> {
  const out = new Map<bigint, bigint>();
  eachItem(args, "assignment", (item) => {
    const { id, value } = parseSetAssignment(item);
    const before = out.get(id);
    if (before !== undefined && before !== value) {
      throw new RegisterArgumentError("CONFLICTING_REQUEST", item,
        `${formatRegId(id)} is set twice, to ${formatRegId(before)} and ${formatRegId(value)}`);
    }
    out.set(id, value);
  });
  return out;
}

/**
 * Parse the text of a `--hide-from` file: one register per line in any form
 * {@link parseRegisterId} takes; `#` starts a comment; blank lines are skipped. Errors name
 * the line. Returns ids in first-occurrence order without duplicates.
 */
export function parseRegisterListText(text: string): bigint[] {
  const seen = new Set<bigint>();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const hash = line.indexOf("#");
    const item = (hash < 0 ? line : line.slice(0, hash)).trim();
    if (item.length === 0) return;
    try {
      seen.add(parseRegisterId(item));
    } catch (e) {
      if (e instanceof RegisterArgumentError) {
        throw new RegisterArgumentError(e.code, e.argument, `line ${i + 1}: ${e.message}`, e.suggestions);
      }
      throw e;
    }
  });
  return [...seen];
}
