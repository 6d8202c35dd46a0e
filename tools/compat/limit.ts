/**
 * Running async jobs with at most N at a time.
 *
 * Why: the machines this runs on have two cores shared with other people, and each QEMU under
 * TCG keeps a core busy; the matrix starts dozens of them. A small pool keeps the wall time
 * near the best the cores allow without starving anyone else.
 */

/** Runs `job` on every item with at most `limit` running at once; results in item order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, job: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (!(limit >= 1)) throw new Error(`concurrency limit must be at least 1, got ${limit}`);
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await job(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** How many QEMU processes the matrix runs at once (default 2; `VMSTATE_COMPAT_JOBS`). */
export function qemuJobs(): number {
  const n = Number(process.env.VMSTATE_COMPAT_JOBS ?? 2);
  return Number.isInteger(n) && n >= 1 ? n : 2;
}
