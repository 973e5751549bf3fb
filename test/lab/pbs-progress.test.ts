import { describe, expect, it } from 'vitest';
import { storeProgress } from '../../src/lab/state/pbs.js';

describe("the lab's PBS progress lines", () => {
  it('print as StoreProgress displays itself (pbs-datastore store_progress.rs), in each of its four forms', () => {
    expect(storeProgress({ doneGroups: 0, totalGroups: 12, doneSnapshots: 1, groupSnapshots: 13 })).toBe('0.64% (0/12 groups, 1/13 snapshots in group #1)');
    expect(storeProgress({ doneGroups: 11, totalGroups: 12, doneSnapshots: 13, groupSnapshots: 13 })).toBe('100.00% (12/12 groups)');
    expect(storeProgress({ doneGroups: 3, totalGroups: 12, doneSnapshots: 0, groupSnapshots: 0 })).toBe('25.00% (3/12 groups)');
    expect(storeProgress({ doneGroups: 0, totalGroups: 1, doneSnapshots: 1, groupSnapshots: 3 })).toBe('33.33% (1/3 snapshots)');
  });
});
