/**
 * The `explain` view: would a destination QEMU load this source stream, what exactly would
 * it print if not, and which `vmstate-rewrite` command would make it load.
 *
 * The destination is described either by a stream it saved itself (the most complete
 * picture: configuration, sections, versions, RAM blocks, field values and its own cpreg
 * lists with values) or by a list of the register ids it supports (then only the Arm
 * register list can be checked, and no values). Its QEMU release (`release.ts`) decides how
 * it checks and words things. Checks run in the loader's order (`load-checks.ts`,
 * `cpreg-checks.ts`), so the first fatal problem is the one QEMU would report; every later
 * one is listed too, because a fix must solve them all.
 *
 * The verdict has three values, and "loads" only when no check is left undecided:
 * a "possible" problem, or a release whose behaviour our model does not know, gives
 * "cannot-tell" with the reasons.
 */
import { CPREG_FIELDS, registerName } from "@vmstate/arm";
import { armCpus, noArmCpuError, sectionKey, type StreamState } from "@vmstate/inspect";
import { checkCpregs, type CpuCheck } from "./cpreg-checks.js";
import { checkConfiguration, checkDeviceFields, checkGivenRelease, checkSection, checkUnknownSubsections } from "./load-checks.js";
import { LoadProblemList, wordProblem, type LoadProblem } from "./load-problems.js";
import { releaseModel, type QemuRelease, type QemuWording, type ReleaseModel } from "./release.js";
import { proposeFix, type RewriteFix } from "./rewrite-fix.js";

/** What the destination is known by. */
export type Destination =
  | { kind: "stream"; state: StreamState }
  | { kind: "register-list"; name: string; ids: bigint[] };

/** Would it load: yes, no (QEMU refuses, with the predicted lines), or not decidable from what we know. */
export type Verdict = "loads" | "refuses" | "cannot-tell";

/** The prediction. */
export interface Explanation {
  source: string;
  destination: string;
  destination_kind: Destination["kind"];
  verdict: Verdict;
  /** What was learnt of the destination's QEMU release, e.g. "QEMU 7.2 (given with --dest-qemu)". */
  destination_release: string;
  /**
   * QEMU's stderr lines for the first fatal problem, joined by newlines; null if none, or
   * when a problem that may or may not stop the load comes first (then `notes` say so).
   */
  predicted_error: string | null;
  /** Whose wording `predicted_error` and the problems' `qemu` lines use: "10.1" (QEMU 10.1 and earlier) or "10.2" (10.2 and later). */
  qemu_wording: QemuWording;
  problems: LoadProblem[];
  /** What was not or could not be checked, and what the destination has that the source lacks. */
  notes: string[];
  fix: RewriteFix | null;
}

const CPREG_FIELD_NAMES: ReadonlySet<string> = new Set(Object.values(CPREG_FIELDS));

/** Options of {@link explainLoad}. */
export interface ExplainOptions {
  /** How the fix command names the source file (default: the source's name). */
  srcPath?: string;
  /** The destination's QEMU release, when the user knows it; otherwise its stream may show it. */
  destQemu?: QemuRelease;
}

/**
 * Predicts the load of `src` by `dest`.
 * @throws VmstateError code NOT_APPLICABLE when `dest` is a register list and `src` has no
 *   Arm cpu register list.
 */
export function explainLoad(src: StreamState, dest: Destination, options: ExplainOptions = {}): Explanation {
  const out = new LoadProblemList();
  const release = releaseModel(options.destQemu, dest.kind === "stream" ? dest.state : undefined);
  const notes: string[] = [];
  if (options.destQemu !== undefined && dest.kind === "stream") checkGivenRelease(options.destQemu, dest.state, out);
  const checks: CpuCheck[] =
    dest.kind === "stream" ? checkAgainstStream(src, dest.state, release, out, notes) : checkAgainstList(src, dest.ids, release, out, notes);
  if (src.failure !== undefined) {
    const detail = src.failure instanceof Error ? src.failure.message : String(src.failure);
    out.add({
      kind: "source-damaged", severity: "possible",
      message: `the source is damaged or truncated after offset 0x${src.decodedBytes.toString(16)} (${detail}): ` +
        "QEMU fails where the damage is, unless it lies only in the vmdesc trailer, which QEMU skips unread; nothing after it was checked",
      failure: null,
    });
  }
  notes.push(...release.notes);
  const problems = out.problems.map((p) => wordProblem(p, release.wording));
  // QEMU stops at the first fatal problem: that is what it prints, unless a problem that may
  // stop it comes before.
  const at = problems.findIndex((p) => p.severity === "fatal");
  const first = at < 0 ? undefined : problems[at];
  const maybeEarlier = problems.slice(0, at < 0 ? 0 : at).find((p) => p.severity === "possible");
  if (first !== undefined && maybeEarlier !== undefined) {
    notes.push(`QEMU refuses this stream, but its words cannot be told: it may stop before the ${first.kind} problem, at ${maybeEarlier.kind} (${maybeEarlier.message})`);
  }
  const verdict: Verdict = first !== undefined ? "refuses" : problems.some((p) => p.severity === "possible") ? "cannot-tell" : "loads";
  return {
    source: src.name,
    destination: dest.kind === "stream" ? dest.state.name : dest.name,
    destination_kind: dest.kind,
    verdict,
    destination_release: release.known,
    predicted_error: first === undefined || maybeEarlier !== undefined ? null : first.qemu.join("\n"),
    qemu_wording: release.wording,
    problems,
    notes,
    fix: verdict === "loads" ? null : proposeFix(checks, problems, options.srcPath ?? src.name, src.capabilities.includes("mapped-ram")),
  };
}

function checkAgainstStream(src: StreamState, dst: StreamState, release: ReleaseModel, out: LoadProblemList, notes: string[]): CpuCheck[] {
  const checks: CpuCheck[] = [];
  checkConfiguration(src, dst, out);
  const devices = new Map(src.devices.map((d) => [d.offset, d]));
  for (const s of src.sections) {
    const local = checkSection(src, s, dst, out);
    const device = devices.get(s.offset);
    if (local === undefined || device === undefined) continue;
    const bothCpregs = device.cpregs !== undefined && local.cpregs !== undefined;
    // QEMU's order within a section: fields (field 13 among them), subsections, post_load.
    if (device.version === local.version) checkDeviceFields(device, local, bothCpregs ? CPREG_FIELD_NAMES : new Set(), out);
    const postLoad = new LoadProblemList();
    const check = bothCpregs ? checkCpregs(device, local.cpregs!, release, out, postLoad) : undefined;
    checkUnknownSubsections(device, dst, release, out);
    for (const p of postLoad.problems) out.add(p);
    if (check !== undefined) checks.push(check);
  }
  const srcKeys = new Set(src.sections.map(sectionKey));
  const extra = dst.sections.filter((s) => !srcKeys.has(sectionKey(s))).map(sectionKey);
  if (extra.length > 0) notes.push(`sections only on the destination keep their reset state: ${extra.join(", ")}`);
  if (dst.failure !== undefined) notes.push("the destination's stream is damaged: only what decoded before the damage was compared");
  return checks;
}

function checkAgainstList(src: StreamState, ids: bigint[], release: ReleaseModel, out: LoadProblemList, notes: string[]): CpuCheck[] {
  const cpus = armCpus(src);
  if (cpus.length === 0) throw noArmCpuError(src);
  const sorted = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const checks = cpus.map((cpu) => {
    const check = checkCpregs(cpu, { indexes: sorted }, release, out);
    checkUnknownSubsections(cpu, undefined, release, out);
    return check;
  });
  notes.push(
    release.cpuSubsections === undefined
      ? "only the Arm register lists were checked: a list of ids says nothing about the machine type, devices, section versions or cpu subsections (--dest-qemu lets the cpu subsections be checked against the release)"
      : `only the Arm register lists, and the cpu subsections against what ${release.known} knows, were checked: a list of ids says nothing about the machine type, devices or section versions`,
    `the destination list is taken to be complete (${ids.length} ids)`,
  );
  const inSource = new Set(cpus.flatMap((c) => c.cpregs!.indexes));
  const extra = sorted.filter((id) => !inSource.has(id));
  if (extra.length > 0) notes.push(`only the destination has ${registerNames(extra)}; it writes 0 into them`);
  return checks;
}

/** `3 registers (PAR, RMR, MVBAR)`, at most 8 names. */
function registerNames(ids: readonly bigint[]): string {
  const names = ids.slice(0, 8).map((id) => registerName(id));
  const more = ids.length > 8 ? `, … ${ids.length - 8} more` : "";
  return `${ids.length} register${ids.length === 1 ? "" : "s"} (${names.join(", ")}${more})`;
}
