import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GLOBAL_BINDINGS } from '../../screens/keys/global-bindings.js';
import { keybindingsMarkdown, REGENERATE } from '../../screens/keys/keybindings-doc.js';
import { SCREENS } from '../../screens/registry.js';

describe('docs/keybindings.md', () => {
  it(`matches the binding tables (stale? run: ${REGENERATE})`, () => {
    const onDisk = readFileSync(new URL('../../docs/keybindings.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(keybindingsMarkdown());
  });

  it('lists every binding of every screen, and marks the ones that change a host', () => {
    const doc = keybindingsMarkdown();
    for (const b of [...GLOBAL_BINDINGS, ...Object.values(SCREENS).flatMap((s) => s.bindings)]) {
      const line = doc.split('\n').find((l) => l.includes(`\`${b.command}\``) && l.includes(b.description));
      expect(line, b.command).toBeDefined();
      expect(line!.includes('changes a host'), b.command).toBe(b.dangerous ?? false);
    }
  });

  it('no key means two things on one screen or among the global keys', () => {
    const tables = [GLOBAL_BINDINGS, ...Object.values(SCREENS).map((s) => s.bindings)];
    for (const bindings of tables) {
      const seen = new Map<string, string>();
      for (const b of bindings) {
        for (const k of b.keys) {
          expect(seen.get(k), `${k} is bound to ${seen.get(k)} and ${b.command}`).toBeUndefined();
          seen.set(k, b.command);
        }
      }
    }
  });
});
