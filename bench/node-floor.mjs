// The fastest a Node.js filter can be here: read stdin and write stdout with one reused
// 256 KiB buffer and nothing else. The benchmark prints it beside `cat | cat` and
// vmstate-rewrite, so what is Node's cost and what is ours can be told apart.
import { readSync, writeSync } from "node:fs";

const buf = new Uint8Array(256 << 10);
for (;;) {
  let n;
  try {
    n = readSync(0, buf, 0, buf.length, null);
  } catch (e) {
    if (e.code === "EAGAIN") continue;
    throw e;
  }
  if (n === 0) break;
  for (let p = 0; p < n; ) p += writeSync(1, buf, p, n - p);
}
