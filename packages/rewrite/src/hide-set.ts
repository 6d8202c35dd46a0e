import { VmstateError, hex64 } from "@vmstate/wire";
import type { StreamInfo, StreamRecord } from "@vmstate/stream";
import { planCpregEdit, registerName, formatRegId } from "@vmstate/arm";
import { CpregTransform } from "./cpreg-transform.js";
import type { RecordTransform } from "./pipeline.js";

/** What the user asked for. */
export interface HideSetRequest {
  hide: readonly bigint[];
  set: ReadonlyMap<bigint, bigint>;
  /** Refuse (write nothing) when a hidden value is non-zero or a requested id is absent. */
  strict: boolean;
}

export interface ReportedChange {
  vcpu: number;
  kind: "hidden" | "set";
  id: string;
  name: string;
  oldValue: string;
  newValue?: string;
}

export interface ReportedAbsent {
  kind: "hide" | "set";
  id: string;
  name: string;
}

export interface ReportedWarning {
  vcpu: number;
  code: string;
  id: string;
  name: string;
  message: string;
}

/** Everything the rewrite did, as data: the source of the stderr lines and of --report-json. */
export interface RewriteReport {
  changes: ReportedChange[];
  /** Requested ids that no vCPU held. */
  absent: ReportedAbsent[];
  warnings: ReportedWarning[];
  /** Register count per edited vCPU, before and after. */
  cpus: { vcpu: number; before: number; after: number }[];
}

/**
 * `--hide` / `--set` over every Arm vCPU: the plan for each vCPU comes from
 * `@vmstate/arm`'s planCpregEdit; this class gathers the report and enforces the stream-wide
 * rules (the stream must have Arm cpu sections; --strict refuses non-zero hides and absent
 * ids) in `finish`, which the pipeline calls before any device state is written.
 */
export class HideSetTransform implements RecordTransform {
  readonly report: RewriteReport = { changes: [], absent: [], warnings: [], cpus: [] };
  private readonly inner: CpregTransform;
  /** Requested id → how many vCPUs lacked it. */
  private readonly missing = new Map<string, { kind: "hide" | "set"; id: bigint; count: number }>();
  private vcpus = 0;

  constructor(private readonly request: HideSetRequest) {
    this.inner = new CpregTransform((vcpu, list) => {
      this.vcpus++;
      const plan = planCpregEdit(list, { hide: request.hide, set: request.set });
      for (const c of plan.changes) {
        const change: ReportedChange = { vcpu, kind: c.kind, id: formatRegId(c.id), name: registerName(c.id), oldValue: hex64(c.oldValue) };
        if (c.kind === "set") change.newValue = hex64(c.newValue);
        this.report.changes.push(change);
      }
      for (const w of plan.warnings) {
        this.report.warnings.push({ vcpu, code: w.code, id: formatRegId(w.id), name: registerName(w.id), message: w.message });
      }
      for (const a of plan.absent) {
        const key = `${a.kind}:${a.id}`;
        const m = this.missing.get(key) ?? { kind: a.kind, id: a.id, count: 0 };
        m.count++;
        this.missing.set(key, m);
      }
      if (!plan.changed) return undefined;
      this.report.cpus.push({ vcpu, before: list.count, after: plan.indexes.length });
      return plan;
    });
  }

  apply(rec: StreamRecord, info: StreamInfo): StreamRecord {
    return this.inner.apply(rec, info);
  }

  finish(info: StreamInfo): void {
    if (this.inner.armCpus === 0) {
      throw new VmstateError(
        "NOT_APPLICABLE",
        `the stream has no Arm cpu section with a register list (machine ${info.machine ?? "unknown"}): --hide and --set apply to Arm guests only`,
      );
    }
    for (const m of this.missing.values()) {
      if (m.count === this.vcpus) this.report.absent.push({ kind: m.kind, id: formatRegId(m.id), name: registerName(m.id) });
      else {
        this.report.warnings.push({
          vcpu: -1,
          code: "PARTLY_ABSENT",
          id: formatRegId(m.id),
          name: registerName(m.id),
          message: `${m.count} of ${this.vcpus} vCPUs do not hold this register`,
        });
      }
    }
    if (!this.request.strict) return;
    const nonZero = this.report.warnings.filter((w) => w.code === "HIDE_NONZERO");
    const partly = this.report.warnings.filter((w) => w.code === "PARTLY_ABSENT");
    const reasons = [
      ...nonZero.map((w) => `cpu ${w.vcpu}: ${w.id} ${w.name} is not zero`),
      ...this.report.absent.map((a) => `${a.id} ${a.name} is in no vCPU`),
      ...partly.map((w) => `${w.id} ${w.name}: ${w.message}`),
    ];
    if (reasons.length > 0) throw new VmstateError("STRICT", `--strict refuses this rewrite: ${reasons.join("; ")}`);
  }
}
