import { describe, expect, it } from "vitest";
import { assessCpregChange, toleratedMissing } from "./cpreg-risk.js";
import { isConstantRegister } from "./constant-registers.js";
import { cp32RegId, sysRegId } from "./regid.js";

const BMAP2 = 0x6030000000160003n;
const TCR2 = sysRegId(3, 0, 2, 0, 3);
const ID_DFR0_EL1 = sysRegId(3, 0, 0, 1, 2);
const PMCCNTR_EL0 = sysRegId(3, 3, 9, 13, 0);

describe("assessCpregChange", () => {
  it("tolerates hiding VENDOR_HYP_BMAP_2 only when it is 0, as QEMU 11.1 does", () => {
    expect(assessCpregChange({ kind: "hidden", id: BMAP2, oldValue: 0n }).risk).toBe("tolerated");
    const nonZero = assessCpregChange({ kind: "hidden", id: BMAP2, oldValue: 1n });
    expect(nonZero.risk).toBe("guest-state");
    expect(nonZero.why).toContain("non-zero");
  });

  it("tolerates hiding TCR2_EL1, PIRE0_EL1 and PIR_EL1 at any value", () => {
    for (const id of [TCR2, sysRegId(3, 0, 10, 2, 2), sysRegId(3, 0, 10, 2, 3)]) {
      expect(assessCpregChange({ kind: "hidden", id, oldValue: 0x1234n }).risk).toBe("tolerated");
    }
    expect(toleratedMissing(TCR2, 5n)).toMatch(/either side/);
    expect(toleratedMissing(PMCCNTR_EL0, 0n)).toBeUndefined();
  });

  it("calls a constant register enforced, whatever the change", () => {
    expect(assessCpregChange({ kind: "set", id: ID_DFR0_EL1, oldValue: 1n, newValue: 2n }).risk).toBe("enforced");
    expect(assessCpregChange({ kind: "added", id: sysRegId(3, 0, 0, 6, 0), newValue: 0x11120n }).risk).toBe("enforced");
    expect(assessCpregChange({ kind: "hidden", id: cp32RegId(15, 0, 0, 1, 2), oldValue: 3n }).risk).toBe("enforced");
  });

  it("calls real state guest-state: hidden PMU counters even at 0, set or added writable registers", () => {
    expect(assessCpregChange({ kind: "hidden", id: PMCCNTR_EL0, oldValue: 0n }).risk).toBe("guest-state");
    expect(assessCpregChange({ kind: "set", id: PMCCNTR_EL0, oldValue: 0n, newValue: 1n }).risk).toBe("guest-state");
    expect(assessCpregChange({ kind: "added", id: cp32RegId(15, 0, 7, 4, 0), newValue: 0n }).risk).toBe("guest-state");
  });
});

describe("isConstantRegister", () => {
  it("covers the ID space, the other CRn=0 read-only registers, L2CTLR and CBAR, not CSSELR", () => {
    expect(isConstantRegister(ID_DFR0_EL1)).toBe(true);
    expect(isConstantRegister(sysRegId(3, 1, 0, 0, 1))).toBe(true); // CLIDR_EL1
    expect(isConstantRegister(sysRegId(3, 3, 0, 0, 1))).toBe(true); // CTR_EL0
    expect(isConstantRegister(sysRegId(3, 1, 11, 0, 2))).toBe(true); // L2CTLR_EL1
    expect(isConstantRegister(sysRegId(3, 2, 0, 0, 0))).toBe(false); // CSSELR_EL1
    expect(isConstantRegister(PMCCNTR_EL0)).toBe(false);
  });
});
