/**
 * Predicts a destination's objections to a source stream, given a stream the destination
 * saved itself (which shows its machine type, page size, sections with their versions, RAM
 * blocks, and the current values of its fields). The checks follow QEMU's loader in its
 * order (wire-format.md §3.2, §4.5–4.6, §5, §11; `migration/savevm.c:qemu_loadvm_state`):
 * configuration first, then each section of the source in stream order: known idstr and
 * instance, version, RAM blocks, fields (`int32 le` and the `equal` infos compare with the
 * destination's current value), subsections. The Arm register checks (field 13 and
 * post_load) are in `cpreg-checks.ts`.
 */
import { printable } from "@vmstate/wire";
import { integerValue, pairFields, sectionKey, type DeviceState, type StreamState } from "@vmstate/inspect";
import type { ProblemKind, LoadProblemList } from "./load-problems.js";
import { QEMU_FAILURES, type LoadField, type LoadSite, type QemuFailure } from "./qemu-wording.js";
import type { FieldTree } from "@vmstate/vmsd";
import { QEMU_VM } from "@vmstate/stream";
import { knownCpuSubsections, NULL_POINTER_SUBSECTIONS, nullPointerAssertion } from "./cpu-subsections.js";
import { compareReleases, rangeContradiction, showRelease, type QemuRelease, type ReleaseModel } from "./release.js";

/** `configuration` vmsd checks (`savevm.c:qemu_loadvm_state_header`, `configuration_post_load`). */
export function checkConfiguration(src: StreamState, dst: StreamState, out: LoadProblemList): void {
  const bits = (n: number) => Math.round(Math.log2(n));
  const differs = <T>(a: T | undefined, b: T | undefined) => a !== undefined && b !== undefined && a !== b;
  // In the order QEMU checks them; it stops at the first.
  const checks: [boolean, ProblemKind, () => string, () => QemuFailure][] = [
    [
      dst.configuration && !src.configuration, "configuration-missing",
      () => "the source has no configuration section, and the destination expects one (migration.send-configuration differs)",
      () => QEMU_FAILURES.configurationMissing(firstRecordType(src)),
    ],
    [
      src.configuration && !dst.configuration, "configuration-unexpected",
      () => "the source has a configuration section, and the destination does not expect one (migration.send-configuration differs)",
      () => QEMU_FAILURES.unknownSectionType(QEMU_VM.CONFIGURATION),
    ],
    [
      differs(src.machine, dst.machine), "machine-type",
      () => `machine type ${src.machine} differs from the destination's ${dst.machine}; start the destination with -M ${src.machine}`,
      () => QEMU_FAILURES.machineType(src.machine!, dst.machine!),
    ],
    [
      differs(src.pageSize, dst.pageSize), "page-size",
      () => `target page size ${src.pageSize} differs from the destination's ${dst.pageSize}`,
      () => QEMU_FAILURES.pageBits(bits(src.pageSize!), bits(dst.pageSize!)),
    ],
  ];
  const failed = checks.find(([fails]) => fails);
  if (failed !== undefined) {
    const [, kind, message, failure] = failed;
    out.add({ kind, severity: "fatal", message: message(), failure: failure() });
    return;
  }
  // The destination's stream shows the capabilities it had when it saved, not those it
  // will have when it loads: a difference is worth a warning, not a verdict.
  const caps = new Set([...src.capabilities, ...dst.capabilities]);
  for (const cap of caps) {
    const on = src.capabilities.includes(cap);
    if (on === dst.capabilities.includes(cap)) continue;
    out.add({
      kind: "capability", severity: "warning",
      message: `capability ${cap} is ${on ? "on" : "off"} in the source: the destination must have it ${on ? "on" : "off"} too (its own stream had it ${on ? "off" : "on"})`,
      failure: QEMU_FAILURES.capability(cap, !on, on),
    });
  }
}

/** The type byte that follows the header of `s` (QEMU 10.2 prints it when it wanted the configuration). */
function firstRecordType(s: StreamState): number {
  // migration.c:migration_thread sends these commands between the header and the first section.
  if (s.commands.includes("POSTCOPY_ADVISE") || s.commands.includes("ENABLE_COLO")) return QEMU_VM.COMMAND;
  const first = s.sections[0];
  return first === undefined ? QEMU_VM.EOF : first.type === "start" ? QEMU_VM.SECTION_START : QEMU_VM.SECTION_FULL;
}

/**
 * Section-level checks for one source section; returns the destination's matching device
 * (for further checks) when the section is known there.
 */
export function checkSection(src: StreamState, s: StreamState["sections"][number], dst: StreamState, out: LoadProblemList): DeviceState | undefined {
  const key = sectionKey(s);
  const known = dst.sections.find((d) => d.idstr === s.idstr && d.instanceId === s.instanceId);
  if (known === undefined) {
    out.add({
      kind: "unknown-section", severity: "fatal", section: key,
      message: `section '${printable(s.idstr)}' instance ${s.instanceId} does not exist on the destination (a device or vCPU the destination was not started with)`,
      failure: QEMU_FAILURES.unknownSection(printable(s.idstr), s.instanceId),
    });
    return undefined;
  }
  if (s.version > known.version) {
    out.add({
      kind: "section-version", severity: "fatal", section: key,
      message: `section '${printable(s.idstr)}' has version ${s.version}, newer than the destination's ${known.version}`,
      failure: QEMU_FAILURES.sectionVersion(printable(s.idstr), s.version, known.version),
    });
    return undefined;
  }
  if (s.idstr === "ram" && s.type === "start") checkRamBlocks(src, s.version, dst, out);
  return s.type === "full" ? dst.devices.find((d) => d.idstr === s.idstr && d.instanceId === s.instanceId) : undefined;
}

/**
 * RAM blocks are found by name and must have the destination's length, unless the block
 * is resizable (`migration/ram.c:ram_load_precopy`, `qemu_ram_resize`). Only firmware ROM
 * blobs (`/rom@…`, ACPI tables) are resizable in practice; a different length there is
 * taken if it fits their maximum, which the stream does not show.
 */
function checkRamBlocks(src: StreamState, version: number, dst: StreamState, out: LoadProblemList): void {
  const local = new Map(dst.ramBlocks.map((b) => [b.idstr, b.usedLength]));
  for (const b of src.ramBlocks) {
    const len = local.get(b.idstr);
    if (len === undefined) {
      out.add({
        kind: "unknown-ramblock", severity: "fatal", section: "ram (0)",
        message: `RAM block ${printable(b.idstr)} does not exist on the destination`,
        failure: QEMU_FAILURES.unknownRamBlock(printable(b.idstr), version),
      });
    } else if (len !== b.usedLength) {
      const resizable = b.idstr.startsWith("/rom@");
      out.add({
        kind: "ramblock-size", severity: resizable ? "warning" : "fatal", section: "ram (0)",
        message: `RAM block ${printable(b.idstr)} is 0x${b.usedLength.toString(16)} bytes, 0x${len.toString(16)} on the destination` +
          (resizable ? " (a resizable ROM blob: accepted if it fits the destination's maximum)" : " (check -m and the firmware images)"),
        failure: QEMU_FAILURES.ramBlockSize(printable(b.idstr), b.usedLength, len, version),
      });
    }
  }
}

/** Infos that compare the incoming value with the destination's (`migration/vmstate-types.c`). */
const EQUAL_INFOS = new Set(["int32 equal", "uint32 equal", "int64 equal", "uint8 equal", "uint16 equal"]);

/**
 * Field and subsection checks for a device in both streams of the same version. Fields are
 * paired by name (`field-pairs.ts`); `skip` leaves out fields checked elsewhere.
 */
export function checkDeviceFields(s: DeviceState, d: DeviceState, skip: ReadonlySet<string>, out: LoadProblemList): void {
  if (s.fields === undefined || d.fields === undefined) return;
  const key = sectionKey(s);
  const root = s.desc?.vmsd_name ?? s.idstr;
  const subsections = subsectionPaths(s.fields, root);
  const site = (vmsd: string): LoadSite => ({ idstr: s.idstr, instanceId: s.instanceId, subsections: subsections.get(vmsd) ?? [] });
  const pairing = pairFields(s.fields, d.fields, { rootVmsd: root, skip });
  for (const p of pairing.leaves) {
    const incoming = integerValue(s.payload, p.a);
    const local = integerValue(d.payload, p.b);
    if (incoming === undefined || local === undefined) continue;
    // The destination's own info does the checking, so its type decides (a field may change
    // info between releases: the Arm cpreg count is `int32 le` up to 10.x, `int32` from 11.0).
    const field: LoadField = { vmsd: p.vmsd, field: p.field, leaf: p.a.name, type: p.b.type };
    if (p.b.type === "int32 le" && (incoming < 0n || incoming > local)) {
      out.add({
        kind: "field-le", severity: "fatal", section: key,
        message: `${p.path} is ${incoming}; the destination accepts 0 to ${local}`,
        failure: QEMU_FAILURES.fieldLe(site(p.vmsd), field, incoming, local),
      });
    } else if (EQUAL_INFOS.has(p.b.type) && incoming !== local) {
      const hex = (v: bigint) => BigInt.asUintN(p.b.type.startsWith("int64") ? 64 : 32, v).toString(16);
      out.add({
        kind: "field-equal", severity: "fatal", section: key,
        message: `${p.path} must equal the destination's value: ${incoming} here, ${local} there (a configuration difference)`,
        failure: QEMU_FAILURES.fieldEqual(site(p.vmsd), field, hex(local), hex(incoming)),
      });
    }
  }
  for (const sub of pairing.subsections) {
    if (sub.a.version > sub.b.version) {
      out.add({
        kind: "subsection-version", severity: "fatal", section: key,
        message: `subsection ${sub.name} has version ${sub.a.version}, newer than the destination's ${sub.b.version}`,
        failure: QEMU_FAILURES.subsectionTooNew(site(sub.name), sub.name, sub.a.version, sub.b.version),
      });
    }
  }
}

/**
 * The release named with `--dest-qemu` against the destination's own stream: a stream that
 * release cannot have saved (its machine type, vmdesc, field 13, or an Arm `cpu` subsection
 * the release does not know) means one of the two does not describe the destination, and
 * every check after depends on both. So the verdict stays open.
 */
export function checkGivenRelease(given: QemuRelease, dst: StreamState, out: LoadProblemList): void {
  const known = knownCpuSubsections(given);
  const unknown = known === undefined
    ? []
    : dst.devices.filter((d) => d.cpregs !== undefined && d.fields !== undefined)
      .flatMap((d) => [...subsectionPaths(d.fields!, d.desc?.vmsd_name ?? d.idstr).keys()])
      .filter((name, i, all) => !known.has(name) && all.indexOf(name) === i);
  const why = rangeContradiction(given, dst) ?? (unknown.length > 0 ? `its stream holds ${unknown.join(", ")}, unknown to QEMU ${showRelease(given)}` : undefined);
  if (why === undefined) return;
  out.add({
    kind: "release-mismatch", severity: "possible",
    message: `--dest-qemu ${showRelease(given)} cannot be the QEMU that saved the destination's stream (${why}): the checks follow ${showRelease(given)}, ` +
      "but the destination is not known until the two agree",
    failure: null,
  });
}

/**
 * Subsections the source sends that the destination never sent for any instance of this
 * device. A subsection goes out only when its `needed` test is true, so the destination
 * may know it and simply not have needed it, or not know it, and then
 * `vmstate_subsection_load` fails with -ENOENT (up to 10.1 without naming it). For the Arm
 * `cpu` of a release in our tables (`cpu-subsections.ts`) that is decided: unknown names
 * fail, and a known one that loads through state the destination lacks aborts QEMU.
 * Elsewhere it stays "possible". `dst` undefined: the destination is a register list, which
 * shows no subsections; only the release's table can judge them then.
 */
export function checkUnknownSubsections(s: DeviceState, dst: StreamState | undefined, release: ReleaseModel, out: LoadProblemList): void {
  if (s.fields === undefined) return;
  const known = new Set<string>();
  if (dst !== undefined) {
    let walked = false;
    for (const d of dst.devices) {
      if (d.idstr !== s.idstr || d.fields === undefined) continue;
      walked = true;
      for (const name of subsectionPaths(d.fields, d.idstr).keys()) known.add(name);
    }
    if (!walked) return;
  }
  const table = s.cpregs !== undefined ? release.cpuSubsections : undefined;
  if (dst === undefined && table === undefined) return;
  for (const [name, path] of subsectionPaths(s.fields, s.desc?.vmsd_name ?? s.idstr)) {
    if (known.has(name)) continue;
    const site = { idstr: s.idstr, instanceId: s.instanceId, subsections: path.slice(0, -1) };
    const unknown = QEMU_FAILURES.unknownSubsection(site, name, path.at(-1)!.parent);
    const fix = `(vmstate-rewrite --drop-subsection ${name} removes it)`;
    if (table === undefined) {
      out.add({
        kind: "unknown-subsection", severity: "possible", section: sectionKey(s), subsection: name,
        message: `subsection ${name} never appears in the destination's stream: if the destination's QEMU does not know it, the load fails (it may also just not have needed it) ${fix}`,
        failure: unknown,
      });
    } else if (!table.has(name)) {
      out.add({
        kind: "unknown-subsection", severity: "fatal", section: sectionKey(s), subsection: name,
        message: `subsection ${name} is unknown to ${release.known} ${fix}`,
        failure: unknown,
      });
    } else if (nullPointerAbort(name, release)) {
      out.add({
        kind: "subsection-abort", severity: dst === undefined ? "possible" : "fatal", section: sectionKey(s), subsection: name,
        message: dst === undefined
          ? `subsection ${name} loads into state only some CPUs of ${release.known} have (a register list does not show whether this one does): without it QEMU aborts ${fix}`
          : `subsection ${name} loads into state the destination's CPU does not have (its own stream lacks the subsection): ${release.known} aborts ${fix}`,
        failure: QEMU_FAILURES.abort(nullPointerAssertion(release.release!)),
      });
    }
  }
}

function nullPointerAbort(name: string, release: ReleaseModel): boolean {
  const rule = NULL_POINTER_SUBSECTIONS.get(name);
  return rule !== undefined && release.release !== undefined && compareReleases(release.release, rule.before) < 0;
}

type SubsectionPath = NonNullable<LoadSite["subsections"]>;

/**
 * Every subsection under `node` (at any depth, in struct fields too), with the subsections
 * QEMU is inside when it loads it: outermost first, itself last, each with its parent's
 * vmsd name. The tree does not keep a struct's vmsd name; QEMU requires a subsection's
 * name to start with its parent's (`vmstate_subsection_load`), so for a subsection of a
 * struct the name up to its last `/` stands in for it.
 */
function subsectionPaths(node: FieldTree, vmsd: string | undefined, path: SubsectionPath = [], into = new Map<string, SubsectionPath>()): Map<string, SubsectionPath> {
  for (const sub of node.subsections ?? []) {
    const own = [...path, { name: sub.name, parent: vmsd ?? sub.name.replace(/\/[^/]*$/, "") }];
    into.set(sub.name, own);
    subsectionPaths(sub, sub.name, own, into);
  }
  for (const c of node.children ?? []) subsectionPaths(c, undefined, path, into);
  return into;
}
