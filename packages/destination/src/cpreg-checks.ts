/**
 * The Arm `cpu` register-list checks of a load, in QEMU's order (`target/arm/machine.c`,
 * wire-format.md §12.2 field 13, §12.5), for the destination's release (`release.ts`):
 *
 * 1. up to 10.2, field 13 (`cpreg_vmstate_array_len`, "int32 le") refuses a stream list
 *    longer than the destination's own, while the fields load;
 * 2. after the subsections, `cpu_post_load` walks the two lists and writes the values back
 *    (`cpreg-load.ts` replays it): a register the destination does not know, a constant
 *    register with another value, or a constant the stream lacks (written as 0) fails it.
 *
 * The destination list comes from its own stream (same instance id) or from a file of ids
 * (then its values are unknown and step 2's read-back cannot be judged).
 */
import { ARM_CPU_VERSION, CPREG_FIELDS, cpregTolerance, isConstantRegister, toleratesIncoming } from "@vmstate/arm";
import { hex64 } from "@vmstate/wire";
import { guessAccelerator, sectionKey, type DeviceState, type RegisterSet } from "@vmstate/inspect";
import { replayCpregLoad, type CpregLoad } from "./cpreg-load.js";
import type { FoundProblem, LoadProblemList } from "./load-problems.js";
import { QEMU_FAILURES } from "./qemu-wording.js";
import type { ReleaseModel } from "./release.js";

/** What the checks found for one vCPU, kept for building the fix. */
export interface CpuCheck {
  instanceId: number;
  /** Registers the stream lacks that the fix should add with the destination's value. */
  toAdd: { id: bigint; value: bigint }[];
  /** The replayed post_load (under the destination's model, or the pre-11 one when unknown). */
  load: CpregLoad;
  /** True when the destination's values are known (a stream), so the read-back was judged. */
  valuesKnown: boolean;
  /** True when the destination runs TCG (it reads every value back). */
  tcg: boolean;
}

/**
 * Checks one source `cpu` section against the destination's list for that vCPU. Field 13
 * is checked while fields load, post_load after the subsections: the problems go to
 * `fields` and `postLoad` so the caller can keep QEMU's order.
 */
export function checkCpregs(src: DeviceState, dest: RegisterSet, release: ReleaseModel, fields: LoadProblemList, postLoad: LoadProblemList = fields): CpuCheck {
  const list = src.cpregs!;
  const key = sectionKey(src);
  const site = { idstr: src.idstr, instanceId: src.instanceId };
  const vmsd = src.desc?.vmsd_name ?? src.idstr;
  const model = release.cpregLoad ?? "stop-at-first-unknown";
  // The destination's own ids say which accelerator it runs; a list too small to tell
  // (a hand-made id file) leaves the source's as the best guess.
  const destAccel = guessAccelerator(dest.indexes);
  const accel = destAccel !== "unknown" ? destAccel : guessAccelerator(list.indexes);
  const tcg = accel === "tcg";
  // 11.1's tolerances for the KVM -cpu host model hold only there: a TCG destination refuses
  // such a register as any other. Elsewhere the walk lets it pass, and the verdict cannot be
  // "loads" (below): the CPU model is not in the stream, and no KVM run here has shown it.
  const tolerance = (id: bigint) => {
    const t = cpregTolerance(id);
    return t !== undefined && (!t.kvmHost || !tcg) ? t : undefined;
  };
  const load = replayCpregLoad(list, dest, model, isConstantRegister, (id, value) => {
    const t = tolerance(id);
    return t !== undefined && toleratesIncoming(t, value);
  });
  const check: CpuCheck = { instanceId: src.instanceId, load, valuesKnown: dest.values !== undefined, tcg, toAdd: [] };
  // cpu_post_load returns -1; QEMU names the local vmsd's version_id and minimum_version_id,
  // both ARM_CPU_VERSION in every release since 7.2.
  const failed = QEMU_FAILURES.postLoad(site, vmsd, ARM_CPU_VERSION, ARM_CPU_VERSION, model === "report-all" ? "EINVAL" : "EPERM", load.printed);

  if (list.count > dest.indexes.length && release.cpregCountChecked !== false) {
    fields.add({
      kind: "cpreg-count", severity: "fatal", section: key,
      message: `the source lists ${list.count} registers, the destination ${dest.indexes.length}: field 13 (cpreg_vmstate_array_len) refuses a longer list before anything else`,
      failure: QEMU_FAILURES.fieldLe(site, { vmsd, field: CPREG_FIELDS.LEN, leaf: CPREG_FIELDS.LEN, type: "int32 le" }, list.count, dest.indexes.length),
    });
  }
  const problems: FoundProblem[] = [];
  if (load.unknown.length > 0) {
    problems.push({
      kind: "cpreg-unknown-ids", severity: "fatal", section: key,
      message: `${load.unknown.length} register(s) in the source are unknown to the destination: cpu_post_load fails on ${model === "report-all" ? "them" : "the first one"}`,
      ids: load.unknown.map((r) => hex64(r.id)),
      failure: failed,
    });
  }
  if (load.unreached.length > 0 && model === "report-all") {
    const kvmOnly = load.unreached.some((r) => tolerance(r.id)!.kvmHost);
    // What QEMU prints where the tolerances do not hold (TCG, or another CPU model).
    const refused = kvmOnly ? replayCpregLoad(list, dest, model, isConstantRegister, (id) => tolerance(id)?.kvmHost === false) : undefined;
    problems.push({
      kind: "cpreg-unreached", severity: kvmOnly ? "possible" : "warning", section: key,
      message: `${load.unreached.length} register(s) in the source the destination lacks, which QEMU 11.1 lets pass: ` +
        [...new Set(load.unreached.map((r) => tolerance(r.id)!.why))].join("; ") +
        (kvmOnly ? "; under TCG, or with another -cpu, it refuses them" : ""),
      ids: load.unreached.map((r) => hex64(r.id)),
      failure: refused === undefined ? null : QEMU_FAILURES.postLoad(site, vmsd, ARM_CPU_VERSION, ARM_CPU_VERSION, "EINVAL", refused.printed),
    });
  } else if (load.unreached.length > 0) {
    problems.push({
      kind: "cpreg-unreached", severity: release.cpregLoad === undefined ? "possible" : "warning", section: key,
      message: `${load.unreached.length} register(s) in the source sort after the destination's last one: QEMU up to 10.2 never looks at them and drops them without a word` +
        (release.cpregLoad === undefined ? "; QEMU 11.0 and later refuse them" : ""),
      ids: load.unreached.map((r) => hex64(r.id)),
      failure: release.cpregLoad === undefined ? failed : null,
    });
  }
  const changed = load.readBack.filter((r) => r.inStream);
  const lacking = load.readBack.filter((r) => !r.inStream);
  if (changed.length > 0) {
    problems.push({
      kind: "cpreg-id-values", severity: tcg ? "fatal" : "possible", section: key,
      message: `${changed.length} read-only register(s) (ID registers and other constants) differ from the destination's: ` +
        (tcg
          ? "TCG writes each value and reads it back, and such a register reads back the destination CPU's own value, so cpu_post_load fails"
          : "under KVM the host kernel decides whether it accepts another ID register value"),
      ids: changed.map((r) => hex64(r.id)),
      failure: failed,
    });
  }
  if (lacking.length > 0) {
    problems.push({
      kind: "cpreg-missing", severity: tcg ? "fatal" : "possible", section: key,
      message: `${lacking.length} read-only register(s) the destination expects are not in the source: the destination writes 0 there, ` +
        (tcg ? "which reads back as its own non-zero value under TCG, so cpu_post_load fails" : "and under KVM the host kernel decides whether it accepts that"),
      ids: lacking.map((r) => hex64(r.id)),
      failure: failed,
    });
  }
  const uncertain = model === "report-all" && tcg ? load.missing.filter((m) => !lacking.some((l) => l.id === m.id)) : [];
  if (uncertain.length > 0) {
    problems.push({
      kind: "cpreg-missing-writable", severity: "possible", section: key,
      message: `${uncertain.length} register(s) the destination expects are not in the source: QEMU 11.1 refused such loads for some registers that hold 0 on the destination too ` +
        "(9 of the 18 debug registers its cortex-a57 adds), and not for others (SCTLR_EL1): adding them with the destination's values avoids it",
      ids: uncertain.map((r) => hex64(r.id)),
      failure: failed,
    });
  }
  const silent = model === "stop-at-first-unknown" ? load.missing.filter((m) => !lacking.some((l) => l.id === m.id)) : [];
  if (silent.length > 0) {
    problems.push({
      kind: "cpreg-absent", severity: "warning", section: key,
      message: `${silent.length} register(s) the destination expects are not in the source: QEMU writes 0 there without a word, so the guest finds 0 there, whatever it had`,
      ids: silent.map((r) => hex64(r.id)),
      failure: null,
    });
  }
  if (load.unknown.length === 0 && load.readBack.length === 0 && uncertain.length === 0 && load.printed.length > 0) {
    problems.push({
      kind: "cpreg-absent", severity: "warning", section: key,
      message: `${load.missing.length} register(s) the destination expects are not in the source: QEMU prints a warning for each and writes 0 there`,
      ids: load.missing.map((r) => hex64(r.id)),
      failure: null,
      printed: load.printed,
    });
  }
  for (const p of problems) postLoad.add(p);
  for (const r of lacking) check.toAdd.push({ id: r.id, value: r.own });
  for (const r of uncertain) if (r.destValue !== undefined) check.toAdd.push({ id: r.id, value: r.destValue });
  if (!check.valuesKnown && tcg) {
    postLoad.add({
      kind: "cpreg-values-unknown", severity: "possible", section: key,
      message: "the destination's register values are not known (a list of ids): a read-only register whose value differs, or one the source lacks, would fail the load under TCG",
      failure: null,
    });
  }
  return check;
}
