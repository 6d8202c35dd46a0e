import { VmstateError, hex64 } from "@vmstate/wire";
import type { StreamInfo } from "@vmstate/stream";
import { assessCpregChange, checkCpregRequest, formatRegId, planCpregEdit, registerName, type CpregEditPlan } from "@vmstate/arm";
import { CpregSectionEditor } from "./cpreg-section-editor.js";
import { strictRefusals, type RewriteReport } from "./report.js";
import { SectionEditTransform } from "./section-edit.js";
import { SubsectionDropEditor } from "./subsection-drop.js";

/** A whole rewrite, as the CLI's options or a caller (the destination model) state it. */
export interface RewritePlan {
  /** Register ids to remove from every Arm vCPU. */
  readonly hide?: readonly bigint[];
  /** Present registers to give another value, in every Arm vCPU. */
  readonly set?: ReadonlyMap<bigint, bigint>;
  /** Registers to insert with a value into every Arm vCPU that lacks them. */
  readonly add?: ReadonlyMap<bigint, bigint>;
  /** Subsection names (`cpu/wfxt-timer`, `ich9_pm/tco`) to remove from every section that carries them, at any depth. */
  readonly dropSubsections?: readonly string[];
  /** Refuse (write no device state) when a change is `guest-state` or a requested item is absent. */
  readonly strict?: boolean;
}

/**
 * Checks a plan before any stream is read: 64-bit ids and values, each id in at most one of
 * hide, set and add, subsection names of the form `DEVICE/NAME` that fit QEMU's one-byte
 * name length.
 * @throws ArmError (from `checkCpregRequest`) or RangeError for a bad subsection name.
 */
export function checkRewritePlan(plan: RewritePlan): void {
  checkCpregRequest(new Set(plan.hide ?? []), plan.set ?? new Map(), plan.add ?? new Map());
  for (const name of plan.dropSubsections ?? []) {
    const slash = name.indexOf("/");
    if (slash <= 0 || slash === name.length - 1 || name.length > 255) {
      throw new RangeError(`${JSON.stringify(name)} is not a subsection name such as cpu/wfxt-timer (the name of the vmsd that sends it, '/', its own)`);
    }
  }
}

const DROP_WHY = "the guest's state in it is dropped; the destination keeps its own";

/**
 * A {@link RewritePlan} as one record transform for `rewriteStream`: per Arm vCPU the cpreg
 * plan of `@vmstate/arm`'s planCpregEdit, per section the subsections to drop, every change
 * in {@link report} with its risk class. `finish`, which the pipeline calls before any
 * device state is written, enforces the stream-wide rules: registers need Arm cpu sections,
 * an --add may not meet another value already there, and `strict` refuses every guest-state
 * change, requested register or subsection nothing held, and register only some vCPUs held. The report is complete even when the rewrite is refused.
 */
export class RewritePlanTransform extends SectionEditTransform {
  readonly report: RewriteReport = { changes: [], absent: [], unchanged: [], warnings: [], cpus: [], undecoded: [] };
  private readonly cpregs: CpregSectionEditor | undefined;
  private readonly drops: SubsectionDropEditor | undefined;
  /** "kind:id" → how many vCPUs lacked the id (hide/set) or held it already (add). */
  private readonly missing = new Map<string, { kind: "hide" | "set"; id: bigint; count: number }>();
  private readonly unchanged = new Map<string, { kind: "set" | "add"; id: bigint; value: bigint; count: number }>();
  private readonly conflicts: string[] = [];
  private vcpus = 0;
  /** Whether the stream had a vmdesc (whose array_len entries follow a changed register count); undefined before the end. */
  vmdesc: boolean | undefined;

  constructor(private readonly plan: RewritePlan) {
    checkRewritePlan(plan);
    const registers = (plan.hide?.length ?? 0) + (plan.set?.size ?? 0) + (plan.add?.size ?? 0) > 0;
    const cpregs = registers ? new CpregSectionEditor((vcpu, list) => this.planVcpu(vcpu, list)) : undefined;
    const drops = plan.dropSubsections?.length ? new SubsectionDropEditor(plan.dropSubsections) : undefined;
    super([cpregs, drops].filter((e) => e !== undefined));
    this.cpregs = cpregs;
    this.drops = drops;
  }

  private planVcpu(vcpu: number, list: { count: number; indexes: readonly bigint[]; values: readonly bigint[] }): CpregEditPlan | undefined {
    this.vcpus++;
    const plan = planCpregEdit(list, { hide: this.plan.hide, set: this.plan.set, add: this.plan.add });
    for (const c of plan.changes) {
      const { risk, why } = assessCpregChange(c);
      this.report.changes.push({
        vcpu, kind: c.kind, id: formatRegId(c.id), name: registerName(c.id),
        ...(c.kind === "added" ? {} : { oldValue: hex64(c.oldValue) }),
        ...(c.kind === "hidden" ? {} : { newValue: hex64(c.newValue) }),
        risk, why,
      });
    }
    for (const a of plan.absent) count(this.missing, `${a.kind}:${a.id}`, { ...a, count: 0 });
    for (const u of plan.unchanged) count(this.unchanged, `${u.kind}:${u.id}`, { ...u, count: 0 });
    for (const c of plan.conflicts) {
      this.conflicts.push(`cpu (${vcpu}) holds ${registerName(c.id)} (${formatRegId(c.id)}) already, = ${hex64(c.present)}, not ${hex64(c.wanted)}`);
    }
    if (!plan.changed) return undefined;
    if (plan.indexes.length !== list.count) this.report.cpus.push({ vcpu, before: list.count, after: plan.indexes.length });
    return plan;
  }

  override finish(info: StreamInfo): void {
    super.finish(info);
    this.vmdesc = info.vmdesc;
    this.gatherDrops();
    if (this.cpregs) this.gatherRegisters(info, this.cpregs);
    if (this.conflicts.length > 0) {
      throw new VmstateError("NOT_APPLICABLE", `--add does not change a present register (use --set): ${this.conflicts.join("; ")}`);
    }
    const reasons = this.plan.strict ? strictRefusals(this.report) : [];
    if (this.plan.strict && info.unverified !== undefined) reasons.push(`the device state is not verified (${info.unverified})`);
    if (reasons.length > 0) throw new VmstateError("STRICT", `--strict refuses this rewrite: ${strictSummary(reasons)}`);
  }

  private gatherDrops(): void {
    if (!this.drops) return;
    for (const d of this.drops.dropped) {
      const within = d.within === "" ? {} : { within: d.within };
      this.report.changes.push({ kind: "dropped-subsection", device: d.idstr, instance: d.instanceId, name: d.name, ...within, bytes: d.bytes, risk: "guest-state", why: DROP_WHY });
    }
    for (const name of this.drops.absent()) this.report.absent.push({ kind: "drop-subsection", name });
    for (const u of this.drops.undecoded) this.report.undecoded.push({ device: u.idstr, instance: u.instanceId, delimitedBy: u.delimitedBy });
  }

  private gatherRegisters(info: StreamInfo, cpregs: CpregSectionEditor): void {
    if (cpregs.armCpus === 0) {
      throw new VmstateError(
        "NOT_APPLICABLE",
        `the stream has no Arm cpu section with a register list (machine ${info.machine ?? "unknown"}): --hide, --set and --add apply to Arm guests only`,
      );
    }
    for (const m of this.missing.values()) {
      if (m.count === this.vcpus) this.report.absent.push({ kind: m.kind, id: formatRegId(m.id), name: registerName(m.id) });
      else {
        this.report.warnings.push({
          vcpu: -1, code: "PARTLY_ABSENT", id: formatRegId(m.id), name: registerName(m.id),
          message: `${m.count} of ${this.vcpus} vCPUs do not hold this register`,
        });
      }
    }
    for (const u of this.unchanged.values()) {
      this.report.unchanged.push({ kind: u.kind, id: formatRegId(u.id), name: registerName(u.id), value: hex64(u.value), vcpus: u.count });
    }
  }
}

function count<T extends { count: number }>(map: Map<string, T>, key: string, fresh: T): void {
  const entry = map.get(key) ?? fresh;
  entry.count++;
  map.set(key, entry);
}

/**
 * The first few reasons and a count of the rest: an error is one line, and hiding hundreds
 * of registers would otherwise be cut mid-reason; each change has its own report line.
 */
function strictSummary(reasons: readonly string[]): string {
  const shown = reasons.slice(0, 3).join("; ");
  return reasons.length <= 3 ? shown : `${shown}; and ${reasons.length - 3} more (each change is on its own report line)`;
}
