/** Re-renders every `everyMs` so ages on screen ("read 12 s ago") move on without new data. */
import { useEffect, useState } from 'react';

export function useTicker(nowMs: () => number, everyMs: number): number {
  const [now, setNow] = useState(nowMs);
  useEffect(() => {
    const t = setInterval(() => setNow(nowMs()), everyMs);
    t.unref?.();
    return () => clearInterval(t);
  }, [nowMs, everyMs]);
  return now;
}
