import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup-home.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real servers; keep files isolated but let them run in parallel.
    pool: 'forks',
    // Most suites wait on real servers (sshd, the lab, zfs-fuse), not on the CPU: three
    // files at a time on two cores keeps the whole run well inside CI's budget.
    maxWorkers: 3,
    reporters: ['default'],
  },
});
