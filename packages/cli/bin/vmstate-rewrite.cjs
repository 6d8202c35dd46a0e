#!/usr/bin/env -S node --max-semi-space-size=1 --v8-pool-size=1
"use strict";
// A 1 MiB young generation keeps the resident size down by ~5 MB: the records that go by die
// young, so a bigger one only holds more garbage. One V8 helper thread instead of four saves
// ~2 MB more (their malloc arenas) and is all a filter needs. The bundle's code cache is made
// under these same flags: scripts/bundle.mjs reads them from this line.
require("./run-bundle.cjs").start("rewrite");
