/** A drill rotation covers every guest of a tier before it drills one twice. */
import { describe, expect, it } from 'vitest';
import { afterDrill, drillableGuests, EMPTY_ROTATION, nextInRotation } from '../../../src/domain/restore/rotation.js';

describe('drill rotation', () => {
  const tier = drillableGuests(['host/pve1', 'vm/100', 'ct/102', 'dataset/tank/data', 'vm/101']);

  it('drills only guests, in the tier’s order', () => {
    expect(tier).toEqual(['vm/100', 'ct/102', 'vm/101']);
  });

  it('goes through every guest once, then starts again with the one drilled longest ago', () => {
    let s = EMPTY_ROTATION;
    const seen: string[] = [];
    for (let t = 1; t <= 4; t++) {
      const next = nextInRotation(tier, s)!;
      seen.push(next);
      s = afterDrill(s, next, t);
    }
    expect(seen).toEqual(['vm/100', 'ct/102', 'vm/101', 'vm/100']);
  });

  it('a guest new to the tier (never drilled) comes first', () => {
    const s = afterDrill(afterDrill(EMPTY_ROTATION, 'vm/100', 10), 'ct/102', 20);
    expect(nextInRotation(tier, s)).toBe('vm/101');
    expect(nextInRotation([], s)).toBeUndefined();
  });
});
