/**
 * Which QEMU release the destination runs, and what follows from it: how it words a refused
 * load, how its Arm `cpu` post_load treats the register lists, and which `cpu` subsections
 * it knows. The release is the one the user names (`--dest-qemu`), else what the
 * destination's own stream shows, which is usually a range; a behaviour that differs inside
 * that range stays unknown, and the checks then say "cannot tell" rather than guess.
 *
 * The behaviours, each checked against a real binary where one runs here (7.2, 10.0, 11.1)
 * and against the source of the others (10.1, 10.2):
 * - wording: up to 10.1 every step of a failure is its own line; from 10.2 one error chain
 *   (`qemu-wording.ts`);
 * - register lists up to 10.2: field 13 (`cpreg_vmstate_array_len`, "int32 le") refuses a
 *   longer list, and post_load stops at the first register it does not know;
 * - register lists from 11.0: the arrays are allocated for the incoming length (field 13
 *   becomes "int32"), and post_load walks both lists whole, printing a line for each
 *   register only one side has, then fails with -EINVAL if the stream had one the
 *   destination does not know. 11.0 itself was not run; its vmdesc type shows the change.
 */
import { CPREG_FIELDS } from "@vmstate/arm";
import { findField } from "@vmstate/vmsd";
import type { StreamState } from "@vmstate/inspect";
import { knownCpuSubsections } from "./cpu-subsections.js";

/** A QEMU release: major, minor. */
export type QemuRelease = readonly [number, number];

/** How a release words a failed load: "10.1" and earlier, or "10.2" and later. */
export type QemuWording = "10.1" | "10.2";

/** What {@link QemuWording} stands for, for reports. */
export const WORDING_RELEASES: Readonly<Record<QemuWording, string>> = {
  "10.1": "QEMU 10.1 and earlier",
  "10.2": "QEMU 10.2 and later",
};

/** How a release's `cpu_post_load` treats the register lists (module doc). */
export type CpregLoadModel = "stop-at-first-unknown" | "report-all";

/** What the checks need to know of the destination's release; undefined where it is not known. */
export interface ReleaseModel {
  /** The release, when known exactly. */
  release: QemuRelease | undefined;
  /** How the release was learnt, for reports: e.g. "given", "QEMU 10.0 or later, before 11.0". */
  known: string;
  wording: QemuWording;
  /** Field 13 refuses a list longer than the destination's own (up to 10.2); undefined: not known, checked as up to 10.2. */
  cpregCountChecked: boolean | undefined;
  /** Undefined: not known, replayed as up to 10.2, and what 11.0 would do otherwise is "possible". */
  cpregLoad: CpregLoadModel | undefined;
  /** The Arm `cpu` subsections the release can load. */
  cpuSubsections: ReadonlySet<string> | undefined;
  /** What the report should say about what was assumed. */
  notes: string[];
}

const ERROR_CHAIN: QemuRelease = [10, 2];
const ALLOCATED_CPREG_ARRAYS: QemuRelease = [11, 0];

/** Orders releases. */
export const compareReleases = (a: QemuRelease, b: QemuRelease): number => a[0] - b[0] || a[1] - b[1];
/** `10.2`. */
export const showRelease = (r: QemuRelease): string => `${r[0]}.${r[1]}`;

/** `10.2`, `10.2.0`, `v7.2.22` → the release; undefined for anything else. */
export function parseQemuRelease(text: string): QemuRelease | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  return m === null ? undefined : [Number(m[1]), Number(m[2])];
}

/** The releases that can have saved a stream: from `from` on, before `before`. */
interface ReleaseRange {
  from?: QemuRelease;
  before?: QemuRelease;
}

/** The model for the release the user named, or for what `dest` (a stream; undefined for a register list) shows. */
export function releaseModel(given: QemuRelease | undefined, dest: StreamState | undefined): ReleaseModel {
  if (given !== undefined) return exactModel(given, "given with --dest-qemu");
  const range = dest === undefined ? {} : savedBy(dest);
  if (range.from !== undefined && range.before !== undefined && compareReleases(range.from, range.before) < 0) {
    const next: QemuRelease = [range.from[0], range.from[1] + 1];
    if (compareReleases(next, range.before) === 0) return exactModel(range.from, `QEMU ${showRelease(range.from)}, from its stream`);
  }
  const known = describeRange(range, dest === undefined);
  const on = (r: QemuRelease): boolean | undefined => bothSides(range, r);
  const chain = on(ERROR_CHAIN);
  const allocated = on(ALLOCATED_CPREG_ARRAYS);
  const undecided = [
    ...(chain === undefined
      ? [`QEMU's lines are given as ${WORDING_RELEASES["10.1"]} print them (${WORDING_RELEASES["10.2"]} print the same failure as one line, "load of migration failed: <reason>: <steps>")`]
      : []),
    ...(allocated === undefined ? ["the register lists are checked as up to 10.2 (field 13 refuses a longer list; 11.0 and later take any length)"] : []),
  ];
  return {
    release: undefined,
    known,
    wording: chain === true ? "10.2" : "10.1",
    cpregCountChecked: allocated === undefined ? undefined : !allocated,
    cpregLoad: allocated === undefined ? undefined : allocated ? "report-all" : "stop-at-first-unknown",
    cpuSubsections: undefined,
    notes: undecided.length === 0 ? [] : [`the destination's QEMU release is not known (${known}): ${undecided.join("; ")}; --dest-qemu names it`],
  };
}

/**
 * Why the destination's own stream cannot have been saved by `given` (the release named with
 * `--dest-qemu`), as far as its machine type, vmdesc and field 13 tell ({@link savedBy}), or
 * undefined when it can.
 */
export function rangeContradiction(given: QemuRelease, dest: StreamState): string | undefined {
  const range = savedBy(dest);
  const outside = (range.from !== undefined && compareReleases(given, range.from) < 0) || (range.before !== undefined && compareReleases(given, range.before) >= 0);
  return outside ? describeRange(range, false) : undefined;
}

function exactModel(release: QemuRelease, how: string): ReleaseModel {
  const allocated = compareReleases(release, ALLOCATED_CPREG_ARRAYS) >= 0;
  const subsections = knownCpuSubsections(release);
  return {
    release,
    known: `QEMU ${showRelease(release)} (${how})`,
    wording: compareReleases(release, ERROR_CHAIN) >= 0 ? "10.2" : "10.1",
    cpregCountChecked: !allocated,
    cpregLoad: allocated ? "report-all" : "stop-at-first-unknown",
    cpuSubsections: subsections,
    notes: subsections === undefined ? [`the Arm cpu subsections QEMU ${showRelease(release)} knows are not in our tables: a subsection its stream lacks cannot be judged`] : [],
  };
}

/** True when every release of the range is at or after `r`, false when every one is before it. */
function bothSides(range: ReleaseRange, r: QemuRelease): boolean | undefined {
  if (range.from !== undefined && compareReleases(range.from, r) >= 0) return true;
  if (range.before !== undefined && compareReleases(range.before, r) <= 0) return false;
  return undefined;
}

function describeRange(range: ReleaseRange, registerList: boolean): string {
  if (registerList) return "a register list does not show it";
  if (range.from === undefined && range.before === undefined) return "its stream does not show it";
  const parts = [
    ...(range.from === undefined ? [] : [`QEMU ${showRelease(range.from)} or later`]),
    ...(range.before === undefined ? [] : [`before ${showRelease(range.before)}`]),
  ];
  return `its stream was saved by ${parts.join(", ")}`;
}

/**
 * The releases that can have saved `s`:
 * - a versioned machine type (`virt-10.2`, `pc-q35-8.2`) exists from its release on;
 * - the vmdesc holds the configuration from 8.2 on (`savevm.c:qemu_savevm_state_header`);
 * - the Arm `cpu` section's field 13 is described as "int32 le" before 11.0, "int32" after.
 */
function savedBy(s: StreamState): ReleaseRange {
  const m = s.machine === undefined ? null : /-(\d+)\.(\d+)$/.exec(s.machine);
  let from: QemuRelease | undefined = m === null ? undefined : [Number(m[1]), Number(m[2])];
  let before: QemuRelease | undefined;
  const raise = (r: QemuRelease) => (from = from === undefined || compareReleases(from, r) < 0 ? r : from);
  const lower = (r: QemuRelease) => (before = before === undefined || compareReleases(r, before) < 0 ? r : before);
  if (s.configuration && s.vmdesc === true) {
    if (s.vmdescKeys.includes("configuration")) raise([8, 2]);
    else lower([8, 2]);
  }
  const type = cpregCountType(s);
  if (type === "int32") raise(ALLOCATED_CPREG_ARRAYS);
  else if (type === "int32 le") lower(ALLOCATED_CPREG_ARRAYS);
  return { from, before };
}

/** How the first Arm `cpu` section's vmdesc describes field 13, if it has one. */
function cpregCountType(s: StreamState): string | undefined {
  for (const d of s.devices) {
    if (d.cpregs === undefined || d.desc === undefined || d.fields === undefined) continue;
    return findField(d.fields, CPREG_FIELDS.LEN)?.type;
  }
  return undefined;
}
