/**
 * RewritePlanTransform on real QEMU streams (samples/): --add undoes --hide byte for byte,
 * --drop-subsection cuts exactly the subsection's bytes and its vmdesc entry (the rest of
 * the vmdesc text stays as QEMU wrote it), at the top level of a section or inside its
 * structs (lowering each enclosing struct's size), several edits of one section compose,
 * and the refusals say why.
 */
import { describe, expect, it } from "vitest";
import { MemorySink, VmstateError } from "@vmstate/wire";
import type { DeviceRecord, StreamRecord, VmdescRecord } from "@vmstate/stream";
import { readCpregArrays } from "@vmstate/arm";
import { RewritePlanTransform, applyByteEdits, rewriteStream, type RewritePlan } from "@vmstate/rewrite";
import { findFields, type FieldTree, type SubsectionTree } from "@vmstate/vmsd";
import { readSample } from "./support/samples.js";
import { decodeAll, equalBytes } from "./support/decode.js";

const A57 = readSample("aarch64-virt-7.2-a57.mig");
const NO_VMDESC = readSample("aarch64-virt-no-vmdesc.mig");
const MAX4 = readSample("aarch64-virt-max-4cpu.mig");
const X86 = readSample("x86_64-q35-seabios.mig");
const X86_PC = readSample("x86_64-pc-seabios.mig");

async function rewrite(bytes: Uint8Array, plan: RewritePlan): Promise<{ out: Uint8Array; t: RewritePlanTransform }> {
  const t = new RewritePlanTransform(plan);
  const sink = new MemorySink();
  await rewriteStream([bytes], sink, { transforms: [t] });
  return { out: sink.bytes(), t };
}

async function refusal(bytes: Uint8Array, plan: RewritePlan): Promise<VmstateError> {
  const t = new RewritePlanTransform(plan);
  const err = await rewriteStream([bytes], new MemorySink(), { transforms: [t] }).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(VmstateError);
  return err as VmstateError;
}

async function cpu0(bytes: Uint8Array): Promise<{ rec: DeviceRecord; ids: bigint[]; values: bigint[] }> {
  for (const rec of await decodeAll([bytes])) {
    if (rec.kind === "device" && rec.idstr === "cpu" && rec.instanceId === 0) {
      const a = readCpregArrays(rec.bytes, rec.fields!)!;
      return { rec, ids: a.indexes, values: a.values };
    }
  }
  throw new Error("no cpu (0)");
}

const vmdescText = async (bytes: Uint8Array) =>
  Buffer.from(((await decodeAll([bytes])).find((r) => r.kind === "vmdesc") as VmdescRecord).json).toString("latin1");

describe("--add undoes --hide", () => {
  for (const [label, sample] of [["with a vmdesc", A57], ["without a vmdesc (built-in cpu schema)", NO_VMDESC]] as const) {
    it(`gives back the original bytes for the first, a middle and the last register, ${label}`, async () => {
      const { ids, values } = await cpu0(sample);
      for (const i of [0, ids.length >> 1, ids.length - 1]) {
        const hidden = await rewrite(sample, { hide: [ids[i]!] });
        expect(hidden.out.length).toBe(sample.length - 16);
        const back = await rewrite(hidden.out, { add: new Map([[ids[i]!, values[i]!]]) });
        expect(back.t.report.changes).toMatchObject([{ kind: "added", risk: expect.any(String) }]);
        expect(equalBytes(back.out, sample)).toBe(true);
      }
    });
  }

  it("inserts into every vCPU, in order, and reports a present id with that value as unchanged", async () => {
    const before = await cpu0(MAX4);
    const id = 0x603000000013c513n; // PIR_EL1: not in a 7.2 -cpu max list
    expect(before.ids).not.toContain(id);
    const { out, t } = await rewrite(MAX4, { add: new Map([[id, 7n], [before.ids[3]!, before.values[3]!]]) });
    expect(t.report.changes.filter((c) => c.kind === "added")).toHaveLength(4);
    expect(t.report.unchanged).toEqual([expect.objectContaining({ kind: "add", vcpus: 4 })]);
    const after = await cpu0(out);
    expect(after.ids).toEqual([...before.ids, id].sort((a, b) => (a < b ? -1 : 1)));
    expect(after.values[after.ids.indexOf(id)]).toBe(7n);
    expect(await vmdescText(out)).toBe((await vmdescText(MAX4)).replaceAll(`"array_len": ${before.ids.length},`, `"array_len": ${before.ids.length + 1},`));
  });

  it("refuses to add over another value, naming the vCPU and both values", async () => {
    const { ids, values } = await cpu0(A57);
    const err = await refusal(A57, { add: new Map([[ids[5]!, values[5]! + 1n]]) });
    expect(err.code).toBe("NOT_APPLICABLE");
    expect(err.message).toMatch(/cpu \(0\) holds .* already, = 0x[0-9a-f]{16}, not 0x[0-9a-f]{16}/);
  });
});

describe("--drop-subsection", () => {
  const IRQ = "cpu/irq-line-state";

  it("cuts exactly the subsection and its vmdesc entry, nothing else", async () => {
    const { rec } = await cpu0(A57);
    const sub = rec.fields!.subsections!.find((s) => s.name === IRQ)!;
    const { out, t } = await rewrite(A57, { dropSubsections: [IRQ] });
    expect(t.report.changes).toEqual([{ kind: "dropped-subsection", device: "cpu", instance: 0, name: IRQ, bytes: 28, risk: "guest-state", why: expect.any(String) }]);
    const text = await vmdescText(A57);
    const entry = ', {"vmsd_name": "cpu/irq-line-state", "version": 1, "fields": [{"name": "env.irq_line_state", "type": "uint32", "size": 4}]}';
    expect(text).toContain(entry);
    expect(await vmdescText(out)).toBe(text.replace(entry, ""));
    const after = await cpu0(out);
    expect(equalBytes(after.rec.bytes, applyByteEdits(rec.bytes, [{ start: sub.start, end: sub.end, replacement: new Uint8Array(0) }]))).toBe(true);
    expect(out.length).toBe(A57.length - 28 - entry.length);
  });

  it("drops from any device, and works on a non-Arm stream", async () => {
    const arm = await rewrite(A57, { dropSubsections: ["pl031/tick-offset", "fw_cfg/acpi_mr"] });
    expect(arm.t.report.changes.map((c) => c.kind === "dropped-subsection" && `${c.device} ${c.name}`)).toEqual(["pl031 pl031/tick-offset", "fw_cfg fw_cfg/acpi_mr"]);
    const x86 = await rewrite(X86, { dropSubsections: ["cpu/msr_smi_count"] });
    expect(x86.t.report.changes).toHaveLength(1);
    expect(await vmdescText(x86.out)).not.toContain("msr_smi_count");
  });

  it("uses the built-in cpu schema without a vmdesc, lists the sections it could not search, and says why a section it cannot decode is refused", async () => {
    const { out, t } = await rewrite(NO_VMDESC, { dropSubsections: [IRQ] });
    expect(out.length).toBe(NO_VMDESC.length - 28);
    const opaque = (await decodeAll([NO_VMDESC])).filter((r): r is DeviceRecord => r.kind === "device" && r.fields === undefined);
    expect(opaque.length).toBeGreaterThan(5);
    expect(t.report.undecoded).toEqual(opaque.map((r) => ({ device: r.idstr, instance: r.instanceId, delimitedBy: "footer-scan" })));
    expect((await rewrite(A57, { dropSubsections: [IRQ] })).t.report.undecoded).toEqual([]);
    const err = await refusal(NO_VMDESC, { dropSubsections: ["pl031/tick-offset"] });
    expect(err.message).toMatch(/cannot drop subsection pl031\/tick-offset: this section could not be decoded \(delimited by footer-scan\)/);
  });

  it("finds subsections inside struct fields (QEMU 7.2's x86 streams), lowers each enclosing struct's size, and says where each was", async () => {
    const cases: [Uint8Array, string[], [string, string][]][] = [
      [X86, ["ich9_pm/tco", "pckbd/extended_state"], [["0000:00:1f.0/ICH9LPC", "pm"], ["pckbd", "kbd"]]],
      [X86_PC, ["fdrive/media_rate"], [["fdc", "state / drives[0]"], ["fdc", "state / drives[1]"]]],
    ];
    for (const [sample, names, where] of cases) {
      const { out, t } = await rewrite(sample, { dropSubsections: names });
      expect(t.report.changes.map((c) => c.kind === "dropped-subsection" && [c.device, c.within])).toEqual(where);
      const before = await decodeAll([sample]);
      const after = await decodeAll([out]); // walks every section with the new vmdesc, struct sizes included
      const drops = t.report.changes.filter((c) => c.kind === "dropped-subsection");
      for (const c of drops) {
        const at = cutOf(device(before, c.device).fields!, c.within!, c.name);
        expect(c.bytes).toBe(at.end - at.start);
      }
      for (const idstr of new Set(drops.map((c) => c.device))) {
        const rec = device(before, idstr);
        const cuts = drops.filter((c) => c.device === idstr).map((c) => cutOf(rec.fields!, c.within!, c.name));
        expect(equalBytes(device(after, idstr).bytes, applyByteEdits(rec.bytes, cuts))).toBe(true);
      }
      // The vmdesc: QEMU's as parsed, with each entry removed and each enclosing struct's size lowered; nothing else.
      const expected = JSON.parse(await vmdescText(sample)) as { devices: Desc[] };
      for (const c of drops) {
        let vmsd = expected.devices.find((d) => d.name === c.device)!;
        for (const label of c.within!.split(" / ")) {
          const [, name, index] = /^(.*?)(?:\[(\d+)\])?$/.exec(label)!;
          const entry = vmsd.fields!.find((f) => f.name === name && (index === undefined || f.index === Number(index)))!;
          entry.size! -= c.bytes;
          vmsd = entry.struct!;
        }
        vmsd.subsections = vmsd.subsections!.filter((x) => x.vmsd_name !== c.name);
        if (vmsd.subsections.length === 0) delete vmsd.subsections;
      }
      expect(JSON.parse(await vmdescText(out))).toEqual(expected);
      const cut = drops.reduce((n, c) => n + c.bytes, 0);
      expect(out.length).toBe(sample.length - cut - ((await vmdescText(sample)).length - (await vmdescText(out)).length));
    }
  });

  it("reports an absent subsection, changes nothing, and --strict refuses it", async () => {
    const { out, t } = await rewrite(A57, { dropSubsections: ["cpu/wfxt-timer"] });
    expect(equalBytes(out, A57)).toBe(true);
    expect(t.report.absent).toEqual([{ kind: "drop-subsection", name: "cpu/wfxt-timer" }]);
    expect((await refusal(A57, { dropSubsections: ["cpu/wfxt-timer"], strict: true })).message).toContain("no section holds cpu/wfxt-timer");
  });

  it("composes with register edits of the same section in one pass", async () => {
    const { ids } = await cpu0(A57);
    const both = await rewrite(A57, { dropSubsections: [IRQ], hide: [ids[1]!] });
    const first = await rewrite(A57, { dropSubsections: [IRQ] });
    const second = await rewrite(first.out, { hide: [ids[1]!] });
    expect(equalBytes(both.out, second.out)).toBe(true);
    // Decoding walks every section with the new vmdesc: it must describe them exactly.
    expect((await decodeAll([both.out])).some((r) => r.kind === "vmdesc")).toBe(true);
  });
});

interface Desc {
  name?: string;
  vmsd_name?: string;
  index?: number;
  size?: number;
  struct?: Desc;
  fields?: Desc[];
  subsections?: Desc[];
}

function device(records: StreamRecord[], idstr: string): DeviceRecord {
  return records.find((r): r is DeviceRecord => r.kind === "device" && r.idstr === idstr)!;
}

/** The cut of subsection `name` within the struct at `within` (`kbd`, `state / drives[1]`). */
function cutOf(root: FieldTree, within: string, name: string) {
  const [field, element] = within.split(" / ");
  let struct = findFields(root, field!)[0]!;
  if (element !== undefined) struct = struct.children!.find((e) => `${e.name}[${e.index}]` === element)!;
  const sub: SubsectionTree = struct.subsections!.find((x) => x.name === name)!;
  return { start: sub.start, end: sub.end, replacement: new Uint8Array(0) };
}

describe("risk classes and --strict", () => {
  it("lets an enforced change through and refuses a guest-state one", async () => {
    const { ids } = await cpu0(A57);
    const ID_DFR0_EL1 = 0x603000000013c00an;
    expect(ids).toContain(ID_DFR0_EL1);
    const ok = await rewrite(A57, { set: new Map([[ID_DFR0_EL1, 0x11n]]), strict: true });
    expect(ok.t.report.changes).toMatchObject([{ kind: "set", risk: "enforced" }]);
    const SCTLR_EL1 = 0x603000000013c080n;
    const err = await refusal(A57, { hide: [SCTLR_EL1], strict: true });
    expect(err.code).toBe("STRICT");
    expect(err.message).toContain("hidden SCTLR_EL1 (0x603000000013c080) is guest-state");
  });
});
