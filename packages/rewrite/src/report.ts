import type { RiskClass } from "@vmstate/arm";

/** A register change in one vCPU, with its risk class (`@vmstate/arm`'s `assessCpregChange`). */
export interface ReportedRegisterChange {
  vcpu: number;
  kind: "hidden" | "set" | "added";
  id: string;
  name: string;
  /** Absent for an added register. */
  oldValue?: string;
  /** Absent for a hidden register. */
  newValue?: string;
  risk: RiskClass;
  why: string;
}

/** A subsection taken out of one section. Always `guest-state`: the guest's state in it is gone. */
export interface ReportedSubsectionDrop {
  kind: "dropped-subsection";
  device: string;
  instance: number;
  name: string;
  /** Where in the section it was, when not at its top level: the field path of the struct or subsection that sent it (`pm`, `state / drives[1]`). */
  within?: string;
  bytes: number;
  risk: RiskClass;
  why: string;
}

/**
 * A section --drop-subsection could not look into (no vmdesc describes it and no built-in
 * schema knows it): a subsection nested in one of its structs would be left in place.
 */
export interface ReportedUndecoded {
  device: string;
  instance: number;
  /** How its end was found instead of by decoding it. */
  delimitedBy: string;
}

/** One change the rewrite made (or, with --dry-run, would make). */
export type ReportedChange = ReportedRegisterChange | ReportedSubsectionDrop;

/** A requested register or subsection that nothing in the stream held. */
export interface ReportedAbsent {
  kind: "hide" | "set" | "drop-subsection";
  /** Absent for a subsection. */
  id?: string;
  name: string;
}

/** A --set or --add that found the wanted value already there, in `vcpus` vCPUs. */
export interface ReportedUnchanged {
  kind: "set" | "add";
  id: string;
  name: string;
  value: string;
  vcpus: number;
}

/** Something a person should read that is not a change, e.g. a register only some vCPUs hold. */
export interface ReportedWarning {
  /** -1 when it concerns the whole stream. */
  vcpu: number;
  code: string;
  id: string;
  name: string;
  message: string;
}

/** Everything the rewrite did, as data: the source of the stderr lines and of --report-json. */
export interface RewriteReport {
  changes: ReportedChange[];
  /** Requested ids and subsections that nothing held. */
  absent: ReportedAbsent[];
  unchanged: ReportedUnchanged[];
  warnings: ReportedWarning[];
  /** Register count per vCPU whose count changed, before and after. */
  cpus: { vcpu: number; before: number; after: number }[];
  /** With --drop-subsection: the sections that could not be searched for the subsections. */
  undecoded: ReportedUndecoded[];
}

/**
 * What `--strict` refuses in a report, one reason each: every `guest-state` change, every
 * requested register or subsection that nothing held, and registers only some vCPUs held.
 */
export function strictRefusals(report: RewriteReport): string[] {
  return [
    ...report.changes.filter((c) => c.risk === "guest-state").map((c) =>
      c.kind === "dropped-subsection"
        ? `${c.device} (${c.instance}): dropping ${c.name} is guest-state`
        : `cpu (${c.vcpu}): ${c.kind} ${c.name} (${c.id}) is guest-state (${c.why})`),
    ...report.absent.map((a) => (a.id === undefined ? `no section ${report.undecoded.length > 0 ? "that could be decoded " : ""}holds ${a.name}` : `${a.id} ${a.name} is in no vCPU`)),
    ...report.warnings.filter((w) => w.code === "PARTLY_ABSENT").map((w) => `${w.id} ${w.name}: ${w.message}`),
  ];
}
