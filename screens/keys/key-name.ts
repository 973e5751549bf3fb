/**
 * Ink's (input, key) pair as one name: `j`, `G`, `down`, `enter`, `esc`,
 * `tab`, `shift+tab`, `ctrl+c`, `pgdn`, `space`, `backspace`. Bindings are
 * written in these names, and the help and docs show them.
 */
import type { Key } from 'ink';

export function keyName(input: string, key: Key): string | null {
  if (key.ctrl && input) return `ctrl+${input.toLowerCase()}`;
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pgup';
  if (key.pageDown) return 'pgdn';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'esc';
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (input === ' ') return 'space';
  if (input.length >= 1) return input;
  return null;
}

/**
 * One character of a chunk that arrived as a whole (keys typed faster than a
 * frame, or sent by a program): control characters are named as Ink would.
 */
export function charKeyName(ch: string): string | null {
  switch (ch) {
    case '\r':
    case '\n':
      return 'enter';
    case '\t':
      return 'tab';
    case '\x7f':
    case '\b':
      return 'backspace';
    case '\x1b':
      return 'esc';
    case ' ':
      return 'space';
  }
  const code = ch.codePointAt(0) ?? 0;
  if (code >= 1 && code <= 26) return `ctrl+${String.fromCharCode(code + 96)}`;
  if (code < 32) return null;
  return ch;
}

const SHOWN: Record<string, string> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  enter: 'Enter',
  esc: 'Esc',
  tab: 'Tab',
  'shift+tab': 'Shift-Tab',
  'ctrl+c': 'Ctrl-C',
  pgup: 'PgUp',
  pgdn: 'PgDn',
  home: 'Home',
  end: 'End',
  space: 'Space',
  backspace: 'Backspace',
};

/** How a key name reads in the help and the docs. */
export const showKey = (name: string): string => SHOWN[name] ?? (name.startsWith('ctrl+') ? `Ctrl-${name.slice(5).toUpperCase()}` : name);
