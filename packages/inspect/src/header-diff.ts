/**
 * Stream-level differences: the facts a destination checks before any device state
 * (machine type and target page size in the configuration section, validated
 * capabilities; `migration/savevm.c:configuration_post_load`, wire-format.md §3.2), the
 * framing choices (footers, vmdesc, which say something about the QEMU version and
 * machine type that wrote the stream), and the RAM block list that `ram_load` matches by
 * name and length (wire-format.md §9.4).
 */
import { hex64, printable } from "@vmstate/wire";
import type { RamBlockState, StreamState } from "./stream-state.js";

/** One stream-level fact that differs. Values are printable; `(none)` for absent. */
export interface HeaderDifference {
  /** `machine`, `page_size`, `configuration`, `footers`, `vmdesc`, `vmdesc_keys`, `capabilities`, `commands`. */
  what: string;
  a: string;
  b: string;
}

/** A RAM block present in one stream only, or with different lengths (bytes, as hex). */
export interface RamBlockDifference {
  name: string;
  a: string | null;
  b: string | null;
}

const NONE = "(none)";

/** Differences in the stream-level facts of two streams. */
export function headerDifferences(a: StreamState, b: StreamState): HeaderDifference[] {
  const facts: [string, (s: StreamState) => string][] = [
    ["machine", (s) => s.machine ?? NONE],
    ["page_size", (s) => (s.pageSize === undefined ? "unknown" : String(s.pageSize))],
    ["configuration", (s) => yesNo(s.configuration)],
    ["footers", (s) => (s.footers === undefined ? "unknown" : yesNo(s.footers))],
    ["vmdesc", (s) => (s.vmdesc === undefined ? "unknown" : yesNo(s.vmdesc))],
    ["vmdesc_keys", (s) => list(s.vmdescKeys)],
    ["capabilities", (s) => list(s.capabilities)],
    ["commands", (s) => list(s.commands)],
  ];
  const out: HeaderDifference[] = [];
  for (const [what, get] of facts) {
    const va = get(a);
    const vb = get(b);
    if (va !== vb) out.push({ what, a: va, b: vb });
  }
  return out;
}

/** RAM blocks added, removed or resized, in A's order then B's extras. */
export function ramBlockDifferences(a: readonly RamBlockState[], b: readonly RamBlockState[]): RamBlockDifference[] {
  const mb = new Map(b.map((r) => [r.idstr, r.usedLength]));
  const ma = new Map(a.map((r) => [r.idstr, r.usedLength]));
  const out: RamBlockDifference[] = [];
  for (const [name, la] of ma) {
    const lb = mb.get(name);
    if (lb !== la) out.push({ name: printable(name), a: hex64(la), b: lb === undefined ? null : hex64(lb) });
  }
  for (const [name, lb] of mb) if (!ma.has(name)) out.push({ name: printable(name), a: null, b: hex64(lb) });
  return out;
}

function yesNo(v: boolean): string {
  return v ? "yes" : "no";
}

function list(v: readonly string[]): string {
  return v.length === 0 ? NONE : v.join(", ");
}
