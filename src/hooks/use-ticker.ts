/**
 * The clock for ages on screen ("read 12s ago"): re-renders every `everyMs`
 * so ages move on without new data, and reads the clock at each render
 * (whole seconds, so memoised rows are rebuilt at most once a second).
 */
import { useEffect, useState } from 'react';

export function useTicker(nowMs: () => number, everyMs: number): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), everyMs);
    t.unref?.();
    return () => clearInterval(t);
  }, [everyMs]);
  return Math.floor(nowMs() / 1000) * 1000;
}
