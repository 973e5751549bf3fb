/**
 * Identifiers the real tools hand out (UPIDs, restic ids, GUIDs), made from a
 * seeded generator so a lab built twice from the same seed is the same.
 */

export class Rng {
  private a: number;

  constructor(seed: number) {
    this.a = seed >>> 0;
  }

  /** Uniform in [0, 1) (mulberry32). */
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  hex(bytes: number): string {
    let s = '';
    for (let i = 0; i < bytes; i++) s += this.int(0, 255).toString(16).padStart(2, '0');
    return s;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A copy in a random order. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

const hex8 = (n: number) => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

/** `UPID:$node:$pid:$pstart:$starttime:$type:$id:$user:` (PVE). */
export function pveUpid(t: { node: string; pid: number; pstart: number; starttime: number; type: string; id: string; user: string }): string {
  return `UPID:${t.node}:${hex8(t.pid)}:${hex8(t.pstart)}:${hex8(t.starttime)}:${t.type}:${t.id}:${t.user}:`;
}

/** `UPID:node:PID:PSTART:TASKID:STARTTIME:worker_type:worker_id:authid:` (PBS, worker id escaped). */
export function pbsUpid(t: {
  node: string;
  pid: number;
  pstart: number;
  taskId: number;
  starttime: number;
  workerType: string;
  workerId?: string;
  user: string;
}): string {
  return `UPID:${t.node}:${hex8(t.pid)}:${hex8(t.pstart)}:${hex8(t.taskId)}:${hex8(t.starttime)}:${t.workerType}:${systemdEscape(t.workerId ?? '')}:${t.user}:`;
}

/** systemd unit-name escaping as PBS applies it to worker ids (`:` -> `\x3a`, `/` -> `-`). */
export function systemdEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '/') out += '-';
    else if (/[A-Za-z0-9_.]/.test(ch)) out += ch;
    else out += [...Buffer.from(ch, 'utf8')].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
  }
  return out;
}
