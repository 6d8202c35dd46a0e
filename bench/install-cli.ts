/**
 * Packs @vmstate/cli and installs its tarball alone, globally, into a private prefix: what a
 * user gets from `npm install -g`. Shared by the packaging test and the start-up benchmark.
 */
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";

const cliDir = resolve(import.meta.dirname, "../packages/cli");

/** The CLI as installed: its tarball and the prefix whose bin/ holds the commands. */
export interface InstalledCli {
  tarball: string;
  prefix: string;
  /** npm's cache for this installation (also for `npm exec` of the tarball). */
  cache: string;
}

/**
 * npm without lifecycle scripts (a prepack rebuild would replace the bundles other runs are
 * using; the caller builds first) and without the network (the tarball needs nothing else).
 */
export function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync("npm", ["--ignore-scripts", "--offline", "--no-audit", "--no-fund", "--no-update-notifier", ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Packs the built CLI into `dir` and installs the tarball alone under `dir`/prefix. */
export function installCli(dir: string): InstalledCli {
  const [packed] = JSON.parse(npm(["pack", "--json", "--pack-destination", dir], cliDir)) as { filename: string }[];
  const tarball = join(dir, packed!.filename);
  const prefix = join(dir, "prefix");
  const cache = join(dir, "npm-cache");
  npm(["install", "--global", "--prefix", prefix, tarball], dir, { npm_config_cache: cache });
  return { tarball, prefix, cache };
}
