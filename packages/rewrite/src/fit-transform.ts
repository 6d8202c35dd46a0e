import { VmstateError } from "@vmstate/wire";
import type { StreamInfo, StreamRecord } from "@vmstate/stream";
import { StreamStateCollector } from "@vmstate/inspect";
import { explainLoad, FIXABLE_KINDS, type Destination, type Explanation, type QemuRelease, type RewriteFix } from "@vmstate/destination";
import type { RecordTransform } from "./pipeline.js";
import { RewritePlanTransform, type RewritePlan } from "./plan-transform.js";

/** Options of {@link FitTransform}. */
export interface FitOptions {
  /** How reports name the stream being rewritten. */
  srcName: string;
  /** The destination's QEMU release, when known (`--dest-qemu`). */
  destQemu?: QemuRelease;
  /** Refuse (write no device state) when the fix holds a `guest-state` change, as `--strict` does. */
  strict?: boolean;
}

/**
 * `vmstate-rewrite --fit DEST`: makes a stream fit a destination in the same single pass as
 * any rewrite. What to change depends on the whole stream (its machine, its sections, every
 * vCPU's registers), so this transform passes every record through untouched while it
 * gathers the stream's state, and once the stream has been read it asks the destination
 * model (`explainLoad`, the `explain` command's prediction) and applies the proposed fix to
 * the device state the pipeline still holds, through a {@link RewritePlanTransform} whose
 * report says every change in one line.
 *
 * @throws VmstateError code NOT_APPLICABLE (from `finishTail`) when the destination would
 *   refuse the stream for a reason no rewrite can change (machine type, a missing device).
 */
export class FitTransform implements RecordTransform {
  private readonly collector: StreamStateCollector;
  private end = 0;
  /** The prediction for the stream as it came; set once the stream has been read. */
  explanation: Explanation | undefined;
  /** The rewrite applied, with its report; undefined when none was needed. */
  applied: RewritePlanTransform | undefined;

  constructor(
    private readonly dest: Destination,
    private readonly options: FitOptions,
  ) {
    this.collector = new StreamStateCollector(options.srcName);
  }

  apply(rec: StreamRecord): StreamRecord {
    this.collector.add(rec);
    this.end = rec.end;
    return rec;
  }

  finishTail(held: StreamRecord[], info: StreamInfo): StreamRecord[] {
    const e = explainLoad(this.collector.result(info, this.end), this.dest, { srcPath: this.options.srcName, destQemu: this.options.destQemu });
    this.explanation = e;
    if (e.fix === null) {
      if (e.verdict !== "refuses") return held;
      const blocking = e.problems.find((p) => p.severity === "fatal" && !FIXABLE_KINDS.has(p.kind));
      throw new VmstateError("NOT_APPLICABLE", `the destination would refuse this stream and no rewrite can change that: ${blocking?.message ?? e.predicted_error}`);
    }
    const plan = new RewritePlanTransform(planOf(e.fix, this.options.strict ?? false));
    this.applied = plan;
    const out = held.map((r) => plan.apply(r, info));
    plan.finish(info);
    return out;
  }
}

/** A fix as `explain` proposes it, as the plan `vmstate-rewrite` applies. */
export function planOf(fix: RewriteFix, strict: boolean): RewritePlan {
  return {
    hide: fix.hide.map((h) => BigInt(h.id)),
    set: new Map(fix.set.map((s) => [BigInt(s.id), BigInt(s.to)])),
    add: new Map(fix.add.map((a) => [BigInt(a.id), BigInt(a.value)])),
    dropSubsections: fix.drop_subsections.map((d) => d.subsection),
    strict,
  };
}
