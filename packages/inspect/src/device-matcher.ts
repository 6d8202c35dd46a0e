/**
 * Pairs a stream's FULL sections with the vmdesc's device entries, for `verify`.
 *
 * QEMU writes both in the same order (savevm handler order, wire-format.md §7.2), each section
 * once per (idstr, instance id); the decoder relies on that and stops where it fails. Here a
 * mismatch is a finding: a section the vmdesc does not describe, one described out of order or
 * twice, and, at the end, entries that no section used.
 */
import { printable } from "@vmstate/wire";
import type { DeviceDesc, Vmdesc } from "@vmstate/vmsd";
import type { ProblemList } from "./problems.js";

/**
 * Pairs FULL sections with vmdesc device entries: by idstr and instance, expected in order
 * (QEMU writes both in handler order), each entry used once.
 */
export class DeviceMatcher {
  private readonly devices: DeviceDesc[];
  private readonly used: boolean[];
  private readonly described: boolean;
  private next = 0;

  constructor(doc: Vmdesc | undefined, private readonly vmdescAt: number) {
    this.devices = doc?.devices ?? [];
    this.used = this.devices.map(() => false);
    this.described = doc !== undefined;
  }

  match(idstr: string, instanceId: number, offset: number, path: string, problems: ProblemList): DeviceDesc | undefined {
    if (!this.described) return undefined;
    const is = (d: DeviceDesc) => d.name === idstr && d.instance_id === instanceId;
    let i = this.devices.findIndex((d, k) => k >= this.next && !this.used[k] && is(d));
    if (i < 0) {
      i = this.devices.findIndex((d, k) => !this.used[k] && is(d));
      if (i >= 0) problems.add("SECTION_ORDER", "the vmdesc describes this section earlier than the stream has it", offset, path);
    }
    if (i < 0) {
      i = this.devices.findIndex(is);
      if (i >= 0) problems.add("DUPLICATE_SECTION", "a second FULL section for the same name and instance", offset, path);
      else problems.add("UNDESCRIBED_SECTION", "the vmdesc does not describe this section", offset, path);
    }
    if (i < 0) return undefined;
    this.used[i] = true;
    this.next = Math.max(this.next, i + 1);
    return this.devices[i];
  }

  reportUnused(problems: ProblemList): void {
    this.devices.forEach((d, k) => {
      if (!this.used[k]) problems.add("MISSING_SECTION", `the vmdesc describes '${printable(String(d.name))}' instance ${d.instance_id}, the stream has no such section`, this.vmdescAt, "vmdesc");
    });
  }
}
