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
import { integerValue } from "./field-diff.js";
import { pairFields } from "./field-pairs.js";
import { LOAD_FAILED, deviceLoadFailed, fieldLoadFailed, int32LeFailed, type ProblemKind, type LoadProblemList } from "./load-problems.js";
import { sectionKey, type DeviceState, type StreamState } from "./stream-state.js";
import type { FieldTree } from "@vmstate/vmsd";

/** `configuration` vmsd checks (`savevm.c:qemu_loadvm_state_header`, `configuration_post_load`). */
export function checkConfiguration(src: StreamState, dst: StreamState, out: LoadProblemList): void {
  const bits = (n: number) => Math.round(Math.log2(n));
  const differs = <T>(a: T | undefined, b: T | undefined) => a !== undefined && b !== undefined && a !== b;
  // In the order QEMU checks them; it stops at the first.
  const checks: [boolean, ProblemKind, () => string, () => string[]][] = [
    [
      dst.configuration && !src.configuration, "configuration-missing",
      () => "the source has no configuration section, and the destination expects one (migration.send-configuration differs)",
      () => ["Configuration section missing"],
    ],
    [
      src.configuration && !dst.configuration, "configuration-unexpected",
      () => "the source has a configuration section, and the destination does not expect one (migration.send-configuration differs)",
      () => ["Unknown savevm section type 7"],
    ],
    [
      differs(src.machine, dst.machine), "machine-type",
      () => `machine type ${src.machine} differs from the destination's ${dst.machine}; start the destination with -M ${src.machine}`,
      () => [`Machine type received is '${src.machine}' and local is '${dst.machine}'`],
    ],
    [
      differs(src.pageSize, dst.pageSize), "page-size",
      () => `target page size ${src.pageSize} differs from the destination's ${dst.pageSize}`,
      () => [`Received TARGET_PAGE_BITS is ${bits(src.pageSize!)} but local is ${bits(dst.pageSize!)}`],
    ],
  ];
  const failed = checks.find(([fails]) => fails);
  if (failed !== undefined) {
    const [, kind, message, qemu] = failed;
    out.add({ kind, severity: "fatal", message: message(), qemu: [...qemu(), LOAD_FAILED.EINVAL] });
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
      qemu: [`Capability ${cap} is ${on ? "off" : "on"}, but received capability is ${on ? "on" : "off"}`, LOAD_FAILED.EINVAL],
    });
  }
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
      message: `section '${s.idstr}' instance ${s.instanceId} does not exist on the destination (a device or vCPU the destination was not started with)`,
      qemu: [
        `Unknown savevm section or instance '${s.idstr}' ${s.instanceId}. Make sure that your current VM setup matches your saved VM setup, including any hotplugged devices`,
        LOAD_FAILED.EINVAL,
      ],
    });
    return undefined;
  }
  if (s.version > known.version) {
    out.add({
      kind: "section-version", severity: "fatal", section: key,
      message: `section '${s.idstr}' has version ${s.version}, newer than the destination's ${known.version}`,
      qemu: [`savevm: unsupported version ${s.version} for '${s.idstr}' v${known.version}`, LOAD_FAILED.EINVAL],
    });
    return undefined;
  }
  if (s.idstr === "ram" && s.type === "start") checkRamBlocks(src, dst, out);
  return s.type === "full" ? dst.devices.find((d) => d.idstr === s.idstr && d.instanceId === s.instanceId) : undefined;
}

/**
 * RAM blocks are found by name and must have the destination's length, unless the block
 * is resizable (`migration/ram.c:ram_load_precopy`, `qemu_ram_resize`). Only firmware ROM
 * blobs (`/rom@…`, ACPI tables) are resizable in practice; a different length there is
 * taken if it fits their maximum, which the stream does not show.
 */
function checkRamBlocks(src: StreamState, dst: StreamState, out: LoadProblemList): void {
  const local = new Map(dst.ramBlocks.map((b) => [b.idstr, b.usedLength]));
  const failed = deviceLoadFailed("ram", 0);
  for (const b of src.ramBlocks) {
    const len = local.get(b.idstr);
    if (len === undefined) {
      out.add({
        kind: "unknown-ramblock", severity: "fatal", section: "ram (0)",
        message: `RAM block ${b.idstr} does not exist on the destination`,
        qemu: [`Unknown ramblock "${b.idstr}", cannot accept migration`, failed, LOAD_FAILED.EINVAL],
      });
    } else if (len !== b.usedLength) {
      const resizable = b.idstr.startsWith("/rom@");
      out.add({
        kind: "ramblock-size", severity: resizable ? "warning" : "fatal", section: "ram (0)",
        message: `RAM block ${b.idstr} is 0x${b.usedLength.toString(16)} bytes, 0x${len.toString(16)} on the destination` +
          (resizable ? " (a resizable ROM blob: accepted if it fits the destination's maximum)" : " (check -m and the firmware images)"),
        qemu: [`Size mismatch: ${b.idstr}: 0x${b.usedLength.toString(16)} != 0x${len.toString(16)}: Invalid argument`, failed, LOAD_FAILED.EINVAL],
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
  const failed = deviceLoadFailed(s.idstr, s.instanceId);
  const pairing = pairFields(s.fields, d.fields, { rootVmsd: s.desc?.vmsd_name ?? s.idstr, skip });
  for (const p of pairing.leaves) {
    const incoming = integerValue(s.payload, p.a);
    const local = integerValue(d.payload, p.b);
    if (incoming === undefined || local === undefined) continue;
    const failedField = fieldLoadFailed(p.vmsd, p.field);
    if (p.a.type === "int32 le" && (incoming < 0n || incoming > local)) {
      out.add({
        kind: "field-le", severity: "fatal", section: key,
        message: `${p.path} is ${incoming}; the destination accepts 0 to ${local}`,
        qemu: [int32LeFailed(incoming, local), failedField, failed, LOAD_FAILED.EINVAL],
      });
    } else if (EQUAL_INFOS.has(p.a.type) && incoming !== local) {
      const hex = (v: bigint) => BigInt.asUintN(p.a.type.startsWith("int64") ? 64 : 32, v).toString(16);
      out.add({
        kind: "field-equal", severity: "fatal", section: key,
        message: `${p.path} must equal the destination's value: ${incoming} here, ${local} there (a configuration difference)`,
        qemu: [`${hex(local)} != ${hex(incoming)}`, failedField, failed, LOAD_FAILED.EINVAL],
      });
    }
  }
  for (const sub of pairing.subsections) {
    if (sub.a.version > sub.b.version) {
      out.add({
        kind: "subsection-version", severity: "fatal", section: key,
        message: `subsection ${sub.name} has version ${sub.a.version}, newer than the destination's ${sub.b.version}`,
        qemu: [`${sub.name}: incoming version_id ${sub.a.version} is too new for local version_id ${sub.b.version}`, failed, LOAD_FAILED.EINVAL],
      });
    }
  }
}

/**
 * Subsections the source sends that the destination never sent for any instance of this
 * device. A subsection goes out only when its `needed` test is true, so the destination
 * may know it and simply not have needed it; or it may not know it, and then
 * `vmstate_subsection_load` fails with -ENOENT (7.2 and 10.0 print no subsection name,
 * only trace it). Hence "possible", never "fatal".
 */
export function checkUnknownSubsections(s: DeviceState, dst: StreamState, out: LoadProblemList): void {
  if (s.fields === undefined) return;
  const known = new Set<string>();
  let walked = false;
  for (const d of dst.devices) {
    if (d.idstr !== s.idstr || d.fields === undefined) continue;
    walked = true;
    collectSubsections(d.fields, known);
  }
  if (!walked) return;
  const sent = new Set<string>();
  collectSubsections(s.fields, sent);
  for (const name of sent) {
    if (known.has(name)) continue;
    out.add({
      kind: "unknown-subsection", severity: "possible", section: sectionKey(s),
      message: `subsection ${name} never appears in the destination's stream: if the destination's QEMU does not know it, the load fails (it may also just not have needed it)`,
      qemu: [deviceLoadFailed(s.idstr, s.instanceId), LOAD_FAILED.ENOENT],
    });
  }
}

function collectSubsections(node: FieldTree, into: Set<string>): void {
  for (const sub of node.subsections ?? []) {
    into.add(sub.name);
    collectSubsections(sub, into);
  }
  for (const c of node.children ?? []) collectSubsections(c, into);
}
