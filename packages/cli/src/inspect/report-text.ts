/**
 * Small text helpers shared by the `diff` and `explain` reports, which must stay readable
 * in 80 columns: word wrapping with a hanging indent, and "A vs B" value pairs that use one
 * line when they fit and three otherwise.
 */

export const WIDTH = 80;

/** A stream offset as every text report prints it: `0x` + 8 hex digits. */
export const hexOffset = (n: number): string => "0x" + n.toString(16).padStart(8, "0");

/** Wraps `text` at spaces to `width`, the first line after `first`, the rest after `rest`. */
export function wrap(text: string, first: string, rest = " ".repeat(first.length), width = WIDTH): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else {
      line += (empty ? "" : " ") + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** `label  A: a  B: b` on one line when it fits, else label then A and B below it. */
export function valuePair(indent: string, label: string, a: string, b: string, names: [string, string] = ["A", "B"]): string[] {
  const one = `${indent}${label}  ${names[0]}: ${a}  ${names[1]}: ${b}`;
  if (one.length <= WIDTH) return [one];
  return [`${indent}${label}`, `${indent}    ${names[0]}: ${a}`, `${indent}    ${names[1]}: ${b}`];
}

/** A comma list wrapped under a heading: `heading: x, y, z` continued with an indent. */
export function listLine(indent: string, heading: string, items: readonly string[]): string[] {
  return wrap(items.join(", "), `${indent}${heading}: `, `${indent}    `);
}
