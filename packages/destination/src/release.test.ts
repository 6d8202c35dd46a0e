import { describe, expect, it } from "vitest";
import { parseQemuRelease, releaseModel } from "./release.js";

describe("releaseModel", () => {
  it("knows a named release exactly: wording, register-list model, cpu subsections", () => {
    const r72 = releaseModel([7, 2], undefined);
    expect([r72.wording, r72.cpregCountChecked, r72.cpregLoad]).toEqual(["10.1", true, "stop-at-first-unknown"]);
    expect(r72.cpuSubsections?.has("cpu/wfxt-timer")).toBe(false);
    const r100 = releaseModel([10, 0], undefined);
    expect(r100.cpuSubsections?.has("cpu/wfxt-timer")).toBe(true);
    expect(r100.cpuSubsections?.has("cpu/fpmr")).toBe(false);
    const r102 = releaseModel([10, 2], undefined);
    expect([r102.wording, r102.cpregLoad]).toEqual(["10.2", "stop-at-first-unknown"]);
    const r111 = releaseModel([11, 1], undefined);
    expect([r111.wording, r111.cpregCountChecked, r111.cpregLoad]).toEqual(["10.2", false, "report-all"]);
    expect(r111.cpuSubsections?.has("cpu/fpmr")).toBe(true);
    expect(r111.notes).toEqual([]);
  });

  it("says what it does not know of a release outside its tables, and of a register list", () => {
    expect(releaseModel([9, 1], undefined).cpuSubsections).toBeUndefined();
    expect(releaseModel([9, 1], undefined).notes[0]).toMatch(/not in our tables/);
    const list = releaseModel(undefined, undefined);
    expect([list.release, list.cpregLoad, list.cpuSubsections]).toEqual([undefined, undefined, undefined]);
    expect(list.notes[0]).toMatch(/^the destination's QEMU release is not known \(a register list does not show it\)/);
  });

  it("parses the forms people write", () => {
    expect(parseQemuRelease("v10.2.0")).toEqual([10, 2]);
    expect(parseQemuRelease("7.2.22")).toEqual([7, 2]);
    expect(parseQemuRelease("latest")).toBeUndefined();
  });
});
