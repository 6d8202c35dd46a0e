/**
 * "Did you mean" for register names: the AArch64/AArch32 twin first (`ID_DFR0` ↔
 * `ID_DFR0_EL1`), then names within a small edit distance, then names that contain what
 * was typed. Only used on the error path, so it simply scans every name.
 */
import { allRegisterNames, lookupRegisterName } from "./names.js";

const KVM_PREFIX = /^KVM_REG_ARM(64)?_/;

/** Edit distance with adjacent transpositions (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  }
  return at(rows - 1, cols - 1);
}

/** The twin spelling in the other execution state, if the tables know it. */
function twins(upper: string): string[] {
  const out: string[] = [];
  const stripped = upper.replace(/_EL[0-3]{1,2}$/, "");
  const tries = stripped === upper ? [`${upper}_EL1`, `${upper}_EL0`, `${upper}_EL2`] : [stripped];
  for (const t of tries) {
    const hit = lookupRegisterName(t)[0];
    if (hit !== undefined) out.push(hit.name);
  }
  return out;
}

function squash(s: string): string {
  return s.replace(/_/g, "");
}

/** Up to `max` known names close to `input`, best first. */
export function suggestRegisterNames(input: string, max = 5): string[] {
  const upper = input.trim().toUpperCase();
  const short = upper.replace(KVM_PREFIX, "");
  if (short.length === 0) return [];
  const squashed = squash(short);
  const limit = Math.max(1, Math.min(3, Math.floor(short.length / 4)));
  const scored: { name: string; score: number }[] = [];
  for (const name of allRegisterNames()) {
    const candidate = name.toUpperCase().replace(KVM_PREFIX, "");
    if (Math.abs(candidate.length - short.length) > limit + 8) continue;
    const dist = editDistance(short, candidate);
    // Underscores are the commonest slip: a name equal but for them ranks first.
    if (squash(candidate) === squashed) scored.push({ name, score: -1 });
    else if (dist <= limit) scored.push({ name, score: dist });
    else if (short.length >= 4 && (candidate.includes(short) || (short.includes(candidate) && candidate.length >= 4))) {
      scored.push({ name, score: limit + 1 + Math.abs(candidate.length - short.length) / 100 });
    }
  }
  scored.sort((x, y) => x.score - y.score || x.name.localeCompare(y.name));
  const out = twins(upper);
  for (const s of scored) {
    if (out.length >= max) break;
    if (!out.includes(s.name)) out.push(s.name);
  }
  return out.slice(0, max);
}
