/**
 * Turns the problems of a load prediction into a `vmstate-rewrite` command:
 * - `--hide` every register the destination does not know (on all vCPUs);
 * - `--set` each read-only register whose value differs to the destination's value;
 * - `--add` each read-only register the destination expects and the stream lacks, with the
 *   destination's value (otherwise it writes 0 there, which does not read back), and for
 *   QEMU 11 every register the stream lacks (`cpreg-checks.ts`);
 * - `--drop-subsection` each subsection the destination does not know or cannot load.
 * Each change carries the risk class `vmstate-rewrite` reports for it (`@vmstate/arm`'s
 * `assessCpregChange`; dropping a subsection is always `guest-state`), and every change
 * that alters what the guest sees gets a warning.
 */
import { assessCpregChange, registerName, type CpregChange, type RiskClass } from "@vmstate/arm";
import { hex64 } from "@vmstate/wire";
import type { CpuCheck } from "./cpreg-checks.js";
import type { LoadProblem, ProblemKind } from "./load-problems.js";

/** One proposed change to a register. */
export interface RegisterChange {
  id: string;
  name: string;
  risk: RiskClass;
}

/** The proposed rewrite. */
export interface RewriteFix {
  /** Arguments for vmstate-rewrite, e.g. `["--hide", "0x…,0x…", "--set", "0x…=0x…"]`. */
  argv: string[];
  /** A shell command line: `vmstate-rewrite … < SRC > FIXED`. */
  command: string;
  hide: (RegisterChange & { values: string[] })[];
  set: (RegisterChange & { from: string; to: string })[];
  add: (RegisterChange & { value: string })[];
  drop_subsections: { subsection: string; risk: RiskClass }[];
  warnings: string[];
}

/** Problems a rewrite can solve. */
export const FIXABLE_KINDS: ReadonlySet<ProblemKind> = new Set([
  "cpreg-count", "cpreg-unknown-ids", "cpreg-unreached", "cpreg-id-values", "cpreg-missing", "cpreg-missing-writable", "unknown-subsection",
  "subsection-abort",
]);

/**
 * The fix for the given checks, or null when there is nothing to fix or when a fatal
 * problem remains that no rewrite can solve (machine type, unknown device, …). `mappedRam`:
 * the source is a mapped-ram file, so the command reads and writes files (`-i`/`-o`).
 */
export function proposeFix(checks: readonly CpuCheck[], problems: readonly LoadProblem[], srcPath: string, mappedRam = false): RewriteFix | null {
  if (problems.some((p) => p.severity === "fatal" && !FIXABLE_KINDS.has(p.kind))) return null;
  const hidden = new Map<bigint, bigint[]>();
  const setTo = new Map<bigint, { from: bigint; to: Set<bigint> }>();
  const added = new Map<bigint, Set<bigint>>();
  for (const c of checks) {
    for (const r of [...c.load.unknown, ...c.load.unreached]) hidden.set(r.id, [...(hidden.get(r.id) ?? []), ...(r.value === undefined ? [] : [r.value])]);
    for (const r of c.load.readBack) {
      if (!r.inStream) continue;
      const t = setTo.get(r.id) ?? { from: r.written, to: new Set<bigint>() };
      t.to.add(r.own);
      setTo.set(r.id, t);
    }
    for (const r of c.toAdd) added.set(r.id, (added.get(r.id) ?? new Set()).add(r.value));
  }
  const warnings: string[] = [];
  const single = <T>(id: bigint, values: Set<T>, what: string): T | undefined => {
    if (values.size === 1) return [...values][0];
    warnings.push(`${registerName(id)} (${hex64(id)}) differs per vCPU on the destination; ${what} applies to every vCPU, so it is not proposed`);
    return undefined;
  };
  const hide = sortedById([...hidden]).map(([id, values]) => ({
    id: hex64(id), name: registerName(id), values: values.map(hex64), risk: worst(values.map((oldValue) => riskOf({ kind: "hidden", id, oldValue }))),
  }));
  const set = sortedById([...setTo]).flatMap(([id, t]) => {
    const to = single(id, t.to, "--set");
    const risk = riskOf({ kind: "set", id, oldValue: t.from, newValue: to ?? 0n });
    return to === undefined ? [] : [{ id: hex64(id), name: registerName(id), from: hex64(t.from), to: hex64(to), risk }];
  });
  const add = sortedById([...added]).flatMap(([id, values]) => {
    const value = single(id, values, "--add");
    return value === undefined ? [] : [{ id: hex64(id), name: registerName(id), value: hex64(value), risk: riskOf({ kind: "added", id, newValue: value }) }];
  });
  const dropNames = [...new Set(problems.filter((p) => p.subsection !== undefined && FIXABLE_KINDS.has(p.kind)).map((p) => p.subsection!))];
  const drop_subsections = dropNames.map((subsection) => ({ subsection, risk: "guest-state" as const }));
  if (hide.length + set.length + add.length + drop_subsections.length === 0) return null;

  // Zero-valued registers dropped together in one line; a non-zero one each in its own.
  const dropped = hide.filter((h) => h.risk === "guest-state");
  const zero = dropped.filter((h) => h.values.every((v) => BigInt(v) === 0n));
  if (zero.length > 0) {
    warnings.push(
      `hiding ${zero.length} writable register(s) the destination does not have, each holding 0, leaves them out of the guest's state (${zero.map((h) => h.name).join(", ")})`,
    );
  }
  for (const h of dropped.filter((x) => !zero.includes(x))) {
    const nonZero = [...new Set(h.values.filter((v) => BigInt(v) !== 0n))];
    warnings.push(
      `hiding ${h.name} (${h.id}) drops a non-zero value (${nonZero.join(", ")}): ` +
        "the guest loses that state; hide a register only when you know the guest does not depend on it",
    );
  }
  for (const s of set) warnings.push(`--set changes the guest-visible ${s.name} from ${s.from} to ${s.to}, the destination CPU's value`);
  for (const a of add) {
    warnings.push(
      a.risk === "enforced"
        ? `--add gives the read-only ${a.name} the destination CPU's value ${a.value}, which the destination enforces anyway`
        : `--add gives ${a.name} the value ${a.value} the destination's own stream holds: the guest never had this register, and finds that value there`,
    );
  }
  for (const d of drop_subsections) warnings.push(`--drop-subsection ${d.subsection} drops that state: the guest resumes without it (for a timer, a pending wake-up is lost)`);

  const argv: string[] = [];
  if (hide.length > 0) argv.push("--hide", hide.map((h) => h.id).join(","));
  for (const s of set) argv.push("--set", `${s.id}=${s.to}`);
  for (const a of add) argv.push("--add", `${a.id}=${a.value}`);
  for (const d of drop_subsections) argv.push("--drop-subsection", d.subsection);
  const piped = srcPath === "-" || srcPath === "" || srcPath === "<stdin>";
  // A mapped-ram file (wire-format.md §9.9) is read only from a file, and `-o` keeps its holes;
  // through a pipe they would travel, and land, as zeros.
  const io = mappedRam
    ? `-i ${piped ? "SRC" : shellQuote(srcPath)} -o ${piped ? "FIXED" : shellQuote(fixedName(srcPath))}`
    : piped ? "< SRC > FIXED" : `< ${shellQuote(srcPath)} > ${shellQuote(fixedName(srcPath))}`;
  const command = `vmstate-rewrite ${argv.map(shellQuote).join(" ")} ${io}`;
  return { argv, command, hide, set, add, drop_subsections, warnings };
}

/** `dir/name.mig` → `dir/name.fixed.mig`. */
function fixedName(path: string): string {
  const m = /^(.*?)(\.[^./]*)?$/.exec(path);
  return `${m?.[1] ?? path}.fixed${m?.[2] ?? ".mig"}`;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

const riskOf = (change: CpregChange): RiskClass => assessCpregChange(change).risk;
const RISK_ORDER: readonly RiskClass[] = ["tolerated", "enforced", "guest-state"];
const worst = (risks: readonly RiskClass[]): RiskClass => RISK_ORDER[Math.max(0, ...risks.map((r) => RISK_ORDER.indexOf(r)))]!;

function sortedById<T>(entries: [bigint, T][]): [bigint, T][] {
  return entries.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}
