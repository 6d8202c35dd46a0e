// Preloaded into a measured node process (node --require, so no ES module loader is added to
// its start-up): reports its peak resident set size on exit to the file named by
// VMSTATE_RSS_FILE, so the benchmark measures vmstate itself and not the shell around it.
"use strict";
const { writeFileSync } = require("node:fs");

process.on("exit", () => {
  if (process.env.VMSTATE_RSS_FILE) writeFileSync(process.env.VMSTATE_RSS_FILE, String(process.resourceUsage().maxRSS));
});
