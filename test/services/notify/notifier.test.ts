/**
 * The notifier across runs, against a webhook receiver on loopback: the state
 * file survives a restart (a new notifier reading it), a send that fails is
 * retried a bounded number of times, kept and sent first next time, and no
 * secret reaches the state file.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotifyTargetFile } from '../../../src/domain/inventory-file.js';
import { Notifier } from '../../../src/services/notify/notifier.js';
import { notifyStatePath } from '../../../src/services/notify/state-file.js';
import { LocalRunner } from '../../../src/transport/index.js';
import { startReceiver, type Receiver } from '../../helpers/outputs/receiver.js';
import { layer, report } from '../../helpers/outputs/reports.js';

const T0 = Date.parse('2026-01-31T02:00:00Z') / 1000;
const SECRET = 'Bearer hook-secret-7f3a9c';
const bad = report({ layers: [layer('repo', { health: 'crit', reasons: ['newest point 40 h old'] })] });
const good = report({ layers: [layer('repo')] });

let receiver: Receiver;
let dir: string;
beforeEach(async () => {
  receiver = await startReceiver();
  dir = mkdtempSync(join(tmpdir(), 'strata-notify-'));
});
afterEach(() => receiver.close());

function notifier(targets?: NotifyTargetFile[], maxPending?: number) {
  const env = { STRATA_STATE_DIR: dir, HOOK_AUTH: SECRET };
  const configPath = join(dir, 'strata.json');
  return new Notifier({
    inventory: {
      layers: [],
      notifications: {
        remindEverySeconds: 86_400,
        targets: targets ?? [{ kind: 'webhook', name: 'hook', url: `${receiver.url}/hook`, secretHeaders: { Authorization: { env: 'HOOK_AUTH' } } }],
      },
    },
    configPath,
    statePath: notifyStatePath(configPath, env),
    env,
    send: { fetch, timeoutMs: 5000, now: () => new Date(T0 * 1000), runner: new LocalRunner('local'), lookupEnv: (n) => (env as Record<string, string>)[n] },
    retryDelaysMs: [10, 10],
    ...(maxPending !== undefined ? { maxPending } : {}),
  });
}

describe('the notifier across runs', () => {
  it('sends a change once, nothing on the next run of a new notifier, and the recovery later', async () => {
    const first = await notifier().afterReading(bad, T0);
    expect(first.outcomes).toEqual([{ target: 'hook', what: 'CRIT: repository repo (h1)', ok: true, attempts: 1 }]);
    expect(receiver.received).toHaveLength(1);
    // A restart: a new notifier reads what the first told from the state directory.
    const second = await notifier().afterReading(bad, T0 + 600);
    expect(second.messages).toEqual([]);
    expect(receiver.received).toHaveLength(1);
    const third = await notifier().afterReading(good, T0 + 1200);
    expect(third.messages.map((m) => m.event)).toEqual(['recovery']);
    expect(receiver.received.map((r) => JSON.parse(r.body).event)).toEqual(['problem', 'recovery']);
  });

  it('retries a failing send a bounded number of times, keeps it, and sends it first on the next run', async () => {
    receiver.failAll(503);
    const first = await notifier().afterReading(bad, T0);
    expect(first.outcomes).toEqual([
      { target: 'hook', what: 'CRIT: repository repo (h1)', ok: false, attempts: 3, error: expect.stringContaining('answered HTTP 503') },
    ]);
    expect(receiver.received).toHaveLength(3);
    expect(first.pending).toEqual({ hook: 1 });

    receiver.failAll(null);
    const second = await notifier().afterReading(good, T0 + 600);
    expect(second.outcomes.map((o) => [o.what, o.ok])).toEqual([
      ['CRIT: repository repo (h1)', true],
      ['Recovered: repository repo (h1)', true],
    ]);
    expect(second.pending).toEqual({ hook: 0 });
    expect(receiver.received.slice(3).map((r) => JSON.parse(r.body).title)).toEqual(['CRIT: repository repo (h1)', 'Recovered: repository repo (h1)']);
  });

  it('lets go of the oldest beyond the queue bound and says so in the next message sent', async () => {
    receiver.failAll(500);
    const n = notifier(undefined, 1);
    await n.afterReading(bad, T0);
    await n.afterReading(good, T0 + 60);
    receiver.failAll(null);
    const r = await n.afterReading(good, T0 + 120);
    expect(r.outcomes.map((o) => o.what)).toEqual(['Recovered: repository repo (h1)']);
    expect(JSON.parse(receiver.received.at(-1)!.body).text).toContain('(1 earlier message(s) to hook could not be sent and were let go.)');
  });

  it('two notifiers on one state file (the panel and a timer) tell a change once between them', async () => {
    const [a, b] = await Promise.all([notifier().afterReading(bad, T0), notifier().afterReading(bad, T0 + 1)]);
    expect([...a.messages, ...b.messages].map((m) => m.title)).toEqual(['CRIT: repository repo (h1)']);
    expect(receiver.received).toHaveLength(1);
    expect(readdirSync(dir).filter((f) => f.endsWith('.lock'))).toEqual([]);
  });

  it('a state file that is not JSON is said, and every current problem is told as new', async () => {
    const env = { STRATA_STATE_DIR: dir };
    writeFileSync(notifyStatePath(join(dir, 'strata.json'), env), '{"version": 1, "told": tru');
    const r = await notifier().afterReading(bad, T0);
    expect(r.problems).toEqual([expect.stringMatching(/is not one Strata wrote for this inventory: every current problem is told as new$/)]);
    expect(r.messages.map((m) => m.event)).toEqual(['problem']);
    // The run wrote a good state: the next one reads it.
    expect((await notifier().afterReading(bad, T0 + 60)).problems).toEqual([]);
  });

  it('a lock left by a process that is gone is taken over', async () => {
    const env = { STRATA_STATE_DIR: dir };
    writeFileSync(`${notifyStatePath(join(dir, 'strata.json'), env)}.lock`, '999999999');
    const r = await notifier().afterReading(bad, T0);
    expect(r.outcomes.map((o) => o.ok)).toEqual([true]);
  });

  it('writes the state atomically, private, with no secret in it, and sends the secret only in its header', async () => {
    await notifier().afterReading(bad, T0);
    expect(receiver.received[0]!.headers.authorization).toBe(SECRET);
    const files = readdirSync(dir);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const state = files.find((f) => f.startsWith('notify-'))!;
    expect(readFileSync(join(dir, state), 'utf8')).not.toContain('hook-secret');
  });

  it('a secret that cannot be read fails the send, names the reference, and keeps the message', async () => {
    const r = await notifier([{ kind: 'gotify', name: 'phone', url: receiver.url, token: { env: 'NO_SUCH_VAR' } }]).afterReading(bad, T0);
    expect(r.outcomes).toEqual([{ target: 'phone', what: '1 message(s)', ok: false, attempts: 0, error: "token: secret variable NO_SUCH_VAR is not set in Strata's environment" }]);
    expect(r.pending).toEqual({ phone: 1 });
    expect(receiver.received).toEqual([]);
  });
});
