import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

// Tests import the workspace packages by their public names; these aliases point those names
// at the TypeScript sources, so a test never runs a stale dist/.
const packages = readdirSync(resolve(import.meta.dirname, "packages"));
const alias = Object.fromEntries(packages.map((p) => [`@vmstate/${p}`, resolve(import.meta.dirname, "packages", p, "src/index.ts")]));

export default defineConfig({
  resolve: { alias },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
