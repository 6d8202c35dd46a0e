import { FIXABLE_KINDS, type Explanation } from "@vmstate/destination";

/**
 * Why explain proposes no rewrite, in one sentence: shared by the text output and the HTML
 * report so the two never tell a user different stories about the same verdict.
 */
export function noFixSentence(e: Explanation): string {
  if (e.verdict === "loads") {
    return e.problems.length > 0 ? "No rewrite needed for the load (its warnings are about what the guest finds, not whether it loads)." : "No rewrite needed.";
  }
  const blocking = [...new Set(e.problems.filter((p) => p.severity === "fatal" && !FIXABLE_KINDS.has(p.kind)).map((p) => p.kind))];
  // A verdict left open (cannot tell) with nothing fatal is not a case for another configuration.
  if (blocking.length === 0) return "No rewrite proposed: what leaves the verdict open is not something a rewrite of the stream changes.";
  return (
    `No rewrite of ours can help: ${blocking.join(", ")} cannot be changed by rewriting Arm registers; ` +
    "start the destination with the source's configuration instead."
  );
}
