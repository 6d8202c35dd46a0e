/**
 * What a `vmstate-rewrite` command changes, in a few words for a table cell.
 *
 * Why counted rather than listed: a fix for a `max` guest hides and sets dozens of registers;
 * a reader of the README wants the kinds of change (and the subsections by name, which are
 * few and telling), while the full command is in the test's JSON.
 */

/** Options whose values are register lists or single edits, and how to say them. */
const KINDS: Readonly<Record<string, string>> = {
  "--hide": "hide",
  "--set": "set",
  "--add": "add",
};

/** Summarises rewrite arguments, e.g. `hide 18 registers, set 2, add 2, drop cpu/wfxt-timer`. */
export function summariseFix(argv: readonly string[]): string {
  const counts = new Map<string, number>();
  const drops: string[] = [];
  const other: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [opt, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = inline ?? argv[i + 1] ?? "";
    const kind = KINDS[opt];
    if (kind || opt === "--drop-subsection") {
      if (inline === undefined) i++;
      if (kind) counts.set(kind, (counts.get(kind) ?? 0) + (kind === "hide" ? value.split(",").filter(Boolean).length : 1));
      else drops.push(value);
    } else {
      other.push(argv[i]!);
    }
  }
  const parts = [...counts].map(([kind, n], i) => `${kind} ${n}${i === 0 ? (n === 1 ? " register" : " registers") : ""}`);
  if (drops.length) parts.push(`drop ${drops.join(", ")}`);
  if (other.length) parts.push(other.join(" "));
  return parts.length ? parts.join(", ") : "nothing";
}
