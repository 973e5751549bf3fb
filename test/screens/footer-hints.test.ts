import { describe, expect, it } from 'vitest';
import type { Binding, KeyContext } from '../../screens/keys/binding.js';
import { footerHints } from '../../screens/keys/footer-hints.js';

const ctx = {} as KeyContext;
const off = () => 'not now';
const b = (key: string, command: Binding['command'], hint: string, extra: Partial<Binding> = {}): Binding => ({ keys: [key], command, description: hint, group: 'Navigation', hint, ...extra });
const globalOpen = b('enter', 'nav.open', 'open');
const globalBack = b('esc', 'nav.back', 'back');

describe('the footer hints', () => {
  it('a wizard that handles Enter its own way shows its own Enter even while it waits, not the global "open"', () => {
    const screen = { bindings: [b('enter', 'restore.next', 'next', { disabledReason: off })], handlers: { 'nav.open': () => undefined } };
    expect(footerHints(screen, [globalOpen, globalBack], ctx, false)).toEqual([
      { key: 'Enter', label: 'next' },
      { key: 'Esc', label: 'back' },
    ]);
  });

  it('a disabled screen binding gives way to an enabled global one of the same key the screen does not take over (Esc cancel after the job, then back)', () => {
    const screen = { bindings: [b('esc', 'job.cancel', 'cancel', { disabledReason: off })] };
    expect(footerHints(screen, [globalBack], ctx, false)).toEqual([{ key: 'Esc', label: 'back' }]);
  });

  it('a key of another wizard step is not offered; a key that waits for the right row is', () => {
    const screen = { bindings: [b('/', 'browse.filter', 'filter', { disabledReason: off, hintWhile: () => false }), b('x', 'action.run', 'run', { disabledReason: off })] };
    expect(footerHints(screen, [], ctx, false)).toEqual([{ key: 'x', label: 'run' }]);
  });

  it('read-only mode offers no key that changes a host', () => {
    const screen = { bindings: [b('x', 'action.run', 'run', { dangerous: true }), b('v', 'action.verify', 'verify')] };
    expect(footerHints(screen, [], ctx, true)).toEqual([{ key: 'v', label: 'verify' }]);
  });
});
