/**
 * Run as a child process (node --import tsx): the whole process's clock is
 * moved to each given UTC time of today, the lab started there (its history is
 * built up to that moment) and Strata's status read from it, both by the same
 * shifted clock. Prints one JSON line: for each time, the overall health and
 * the reasons when not ok. Args: scenario, then HH:MM times.
 */
const RealDate = Date;
let offsetMs = 0;
class ShiftedDate extends RealDate {
  constructor(...a: unknown[]) {
    if (a.length === 0) super(RealDate.now() + offsetMs);
    else super(...(a as [number]));
  }
  static override now(): number {
    return RealDate.now() + offsetMs;
  }
}
(globalThis as { Date: DateConstructor }).Date = ShiftedDate as unknown as DateConstructor;

const { startDemo } = await import('../../../src/cli/demo.js');
const { readStatus } = await import('../../../src/services/status-service.js');

const [scenario = 'healthy', ...times] = process.argv.slice(2);
const midnight = Math.floor(RealDate.now() / 86_400_000) * 86_400_000;
const out: { at: string; overall: string; reasons: string[] }[] = [];
for (const at of times) {
  const [h, m] = at.split(':').map(Number) as [number, number];
  offsetMs = midnight + (h * 60 + m) * 60_000 - RealDate.now();
  const { lab, session } = await startDemo({ scenario: scenario as 'healthy', extraPveNodes: 0, latencyMs: 0 }, { STRATA_STATE_DIR: process.env.STRATA_STATE_DIR });
  try {
    const { report } = await readStatus(session.inventory, session.collector);
    const reasons = [...report.hosts.flatMap((x) => x.reasons), ...report.layers.flatMap((x) => x.reasons), ...report.assets.flatMap((x) => x.reasons)];
    out.push({ at, overall: report.overall, reasons });
  } finally {
    await session.close();
    await lab.stop();
  }
}
process.stdout.write(`${JSON.stringify(out)}\n`);
