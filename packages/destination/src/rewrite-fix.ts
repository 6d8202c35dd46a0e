/**
 * Turns the register-list problems of a load prediction into a `vmstate-rewrite` command:
 * `--hide` every id the destination lacks (on all vCPUs), and `--set` each differing
 * read-only ID register to the destination's value. This is the edit shown to work in
 * wire-format.md §12.8 (a 10.0 stream made loadable by 7.2).
 *
 * Hiding drops guest state, so each hidden register whose value is not zero gets a warning
 * (upstream reviewers asked that KVM_REG_ARM_VENDOR_HYP_BMAP_2 be hidden only when it is 0;
 * docs/design.md, "Safety of hiding").
 */
import { registerName } from "@vmstate/arm";
import type { CpuCheck } from "./cpreg-checks.js";
import { hex64 } from "@vmstate/wire";
import type { LoadProblem, ProblemKind } from "./load-problems.js";

/** The proposed rewrite. */
export interface RewriteFix {
  /** Arguments for vmstate-rewrite, e.g. `["--hide", "0x…,0x…", "--set", "0x…=0x…"]`. */
  argv: string[];
  /** A shell command line: `vmstate-rewrite … < SRC > FIXED`. */
  command: string;
  hide: { id: string; name: string }[];
  set: { id: string; name: string; from: string; to: string }[];
  warnings: string[];
}

/** Problems a register rewrite can solve. */
export const FIXABLE_KINDS: ReadonlySet<ProblemKind> = new Set(["cpreg-count", "cpreg-unknown-ids", "cpreg-id-values"]);

/**
 * The fix for the given checks, or null when there is nothing to fix or when a fatal
 * problem remains that no register rewrite can solve (machine type, unknown device, …).
 */
export function proposeFix(checks: readonly CpuCheck[], problems: readonly LoadProblem[], srcPath: string): RewriteFix | null {
  if (problems.some((p) => p.severity === "fatal" && !FIXABLE_KINDS.has(p.kind))) return null;
  const hidden = new Map<bigint, bigint[]>();
  for (const c of checks) {
    for (const r of c.comparison.onlyA) {
      const values = hidden.get(r.id) ?? [];
      if (r.value !== undefined) values.push(r.value);
      hidden.set(r.id, values);
    }
  }
  const warnings: string[] = [];
  const targets = new Map<bigint, { from: bigint; to: Set<bigint> }>();
  for (const c of checks) {
    for (const ch of c.idChanges) {
      if (hidden.has(ch.id)) continue;
      const t = targets.get(ch.id) ?? { from: ch.a, to: new Set<bigint>() };
      t.to.add(ch.b);
      targets.set(ch.id, t);
    }
  }
  const set: RewriteFix["set"] = [];
  for (const [id, t] of [...targets].sort((x, y) => cmp(x[0], y[0]))) {
    if (t.to.size !== 1) {
      warnings.push(`${registerName(id)} (${hex64(id)}) differs per vCPU on the destination; --set applies to every vCPU, so it is not proposed`);
      continue;
    }
    set.push({ id: hex64(id), name: registerName(id), from: hex64(t.from), to: hex64([...t.to][0]!) });
  }
  const hide = [...hidden.keys()].sort(cmp).map((id) => ({ id: hex64(id), name: registerName(id) }));
  if (hide.length === 0 && set.length === 0) return null;
  for (const [id, values] of [...hidden].sort((x, y) => cmp(x[0], y[0]))) {
    const nonZero = [...new Set(values.filter((v) => v !== 0n))];
    if (nonZero.length > 0) {
      warnings.push(
        `hiding ${registerName(id)} (${hex64(id)}) drops a non-zero value (${nonZero.map(hex64).join(", ")}): ` +
          "the guest loses that state; hide a register only when it is 0 or you know the guest does not depend on it",
      );
    }
  }
  for (const s of set) warnings.push(`--set changes the guest-visible ${s.name} from ${s.from} to ${s.to}, the destination CPU's value`);
  const argv: string[] = [];
  if (hide.length > 0) argv.push("--hide", hide.map((h) => h.id).join(","));
  for (const s of set) argv.push("--set", `${s.id}=${s.to}`);
  const piped = srcPath === "-" || srcPath === "" || srcPath === "<stdin>";
  const io = piped ? "< SRC > FIXED" : `< ${shellQuote(srcPath)} > ${shellQuote(fixedName(srcPath))}`;
  const command = `vmstate-rewrite ${argv.map(shellQuote).join(" ")} ${io}`;
  return { argv, command, hide, set, warnings };
}

/** `dir/name.mig` → `dir/name.fixed.mig`. */
export function fixedName(path: string): string {
  const m = /^(.*?)(\.[^./]*)?$/.exec(path);
  return `${m?.[1] ?? path}.fixed${m?.[2] ?? ".mig"}`;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
