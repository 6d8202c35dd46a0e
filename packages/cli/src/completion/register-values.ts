import { allRegisterNames, formatRegId, lookupRegisterName } from "@vmstate/arm";

/**
 * Register arguments (`--hide`, `--set`, `--add`) to offer for `typed`: the names of the
 * register tables, the short spelling of `KVM_REG_ARM_…` names, and, once `0x` is typed, the
 * ids those names stand for; each spelled so `parseRegisterId` takes it back. A comma list
 * completes its last item (`TCR2_EL1,PIR` → `TCR2_EL1,PIR_EL1`). `suffix` follows each
 * candidate: `=` for `REGISTER=VALUE` options, where the value is the user's to type.
 */
export function registerCandidates(typed: string, suffix: string): string[] {
  const comma = typed.lastIndexOf(",");
  const head = typed.slice(0, comma + 1);
  const item = typed.slice(comma + 1);
  const all = /^0x/i.test(item) ? knownIds() : acceptedNames();
  const out: string[] = [];
  for (const candidate of all) {
    // The parser ignores case: follow the case the user is typing in (`tcr2` → `tcr2_el1`).
    const spelled = [candidate, candidate.toLowerCase(), candidate.toUpperCase()].find((s) => s.startsWith(item));
    if (spelled !== undefined) out.push(`${head}${spelled}${suffix}`);
  }
  return out;
}

/** Every table name, and `VENDOR_HYP_BMAP_2` for `KVM_REG_ARM_VENDOR_HYP_BMAP_2` where it finds that register. */
function acceptedNames(): string[] {
  const out: string[] = [];
  for (const name of allRegisterNames()) {
    out.push(name);
    const short = name.replace(/^KVM_REG_ARM(64)?_/, "");
    if (short !== name && lookupRegisterName(short)[0]?.name === name) out.push(short);
  }
  return out;
}

/** The ids the tables name, as `0x%016x` (several names may share one id). */
function knownIds(): string[] {
  return [...new Set(allRegisterNames().map((name) => formatRegId(lookupRegisterName(name)[0]!.id)))];
}
