/**
 * Stands in for node:assert in the CLI bundles (scripts/bundle.mjs). yargs checks its own
 * state with strictEqual/notStrictEqual on every run, and loading node:assert also loads
 * Node's colour support, which creates process.stderr and the stream machinery behind it:
 * ~10 ms at every start. These let the checks pass without node:assert and leave a failure
 * to node:assert, so it raises the same error. (A yargs that imported anything else from
 * assert would fail the bundle build, not a user's run.)
 */
export function strictEqual(actual, expected, message) {
  if (!Object.is(actual, expected)) require("node:assert").strictEqual(actual, expected, message);
}

export function notStrictEqual(actual, expected, message) {
  if (Object.is(actual, expected)) require("node:assert").notStrictEqual(actual, expected, message);
}
