import { describe, expect, it } from "vitest";
import { removeSubsection } from "./vmdesc-subsections.js";
import { parseVmdesc, serializeVmdesc } from "./vmdesc-model.js";

const VFP = '{"vmsd_name": "cpu/vfp", "version": 3, "fields": [{"name": "fpscr", "type": "fpscr", "size": 4}], ' +
  '"subsections": [{"vmsd_name": "cpu/vfp/fpcr_fpsr", "version": 1, "fields": [{"name": "fpcr", "type": "fpcr", "size": 8}]}]}';
const IRQ = '{"vmsd_name": "cpu/irq-line-state", "version": 1, "fields": [{"name": "env.irq_line_state", "type": "uint32", "size": 4}]}';
const WFXT = '{"vmsd_name": "cpu/wfxt-timer", "version": 1, "fields": [{"name": "wfxt_timer", "type": "timer", "size": 8}]}';
const cpu = (instance: number, subs: string[]): string =>
  `{"name": "cpu", "instance_id": ${instance}, "vmsd_name": "cpu", "version": 22, "fields": [{"name": "x", "type": "uint8", "size": 1}]` +
  (subs.length > 0 ? `, "subsections": [${subs.join(", ")}]}` : "}");
const doc = (devices: string[]): string => `{"page_size": 4096, "devices": [${devices.join(", ")}]}`;

function remove(text: string, instance: number, name: string): { text: string; changed: boolean } {
  const d = parseVmdesc(new TextEncoder().encode(text));
  const changed = removeSubsection(d, "cpu", instance, name);
  return { text: serializeVmdesc(d), changed };
}

describe("removeSubsection", () => {
  it("removes one subsection from the middle, and only from the instance named", () => {
    const r = remove(doc([cpu(0, [VFP, WFXT, IRQ]), cpu(1, [VFP, WFXT, IRQ])]), 1, "cpu/wfxt-timer");
    expect(r.changed).toBe(true);
    expect(r.text).toBe(doc([cpu(0, [VFP, WFXT, IRQ]), cpu(1, [VFP, IRQ])]));
  });

  it("removes the key with the last subsection, as QEMU writes a section without any", () => {
    expect(remove(doc([cpu(0, [WFXT])]), 0, "cpu/wfxt-timer").text).toBe(doc([cpu(0, [])]));
  });

  it("finds a nested subsection", () => {
    const vfpAlone = VFP.replace(/, "subsections": \[.*\]\}$/, "}");
    expect(remove(doc([cpu(0, [VFP, IRQ])]), 0, "cpu/vfp/fpcr_fpsr").text).toBe(doc([cpu(0, [vfpAlone, IRQ])]));
  });

  it("reports an absent subsection or device as no change", () => {
    const text = doc([cpu(0, [VFP, IRQ])]);
    expect(remove(text, 0, "cpu/wfxt-timer")).toEqual({ text, changed: false });
    expect(remove(text, 3, "cpu/vfp")).toEqual({ text, changed: false });
  });
});
