import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { markers, newNonce, parseWorkerScript, workerHello } from '../../src/transport/shell-script.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-hello-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('worker hello', () => {
  const nonce = newNonce();
  const m = markers(nonce);

  it('says only READY where setsid exists', () => {
    const r = spawnSync('/bin/sh', [], { input: workerHello(nonce), encoding: 'utf8' });
    expect(r.stdout).toBe(`${m.ready}\n`);
  });

  it('says NOSETSID before READY where setsid is missing', () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync('/bin/sh', join(bin, 'sh'));
    const r = spawnSync('/bin/sh', [], { input: workerHello(nonce), encoding: 'utf8', env: { PATH: bin } });
    expect(r.stdout).toBe(`${m.noSetsid}\n${m.ready}\n`);
  });

  it('is read back as a hello, in its current and its earlier form', () => {
    const text = workerHello(nonce);
    expect(parseWorkerScript(text)).toEqual({ kind: 'hello', nonce, consumed: text.length });
    const earlier = `if command -v setsid >/dev/null 2>&1; then __SS='setsid -w'; else __SS=; fi; printf '%s\\n' ${m.ready}\n`;
    expect(parseWorkerScript(earlier)).toEqual({ kind: 'hello', nonce, consumed: earlier.length });
  });
});
