/**
 * The footer's keys: one hint per key, saying what it does now. A disabled
 * binding (Esc "cancel" once the job has ended) gives way to an enabled one
 * of the same key (Esc "back"); a key with none enabled keeps its hint
 * (pressing it says why not), unless it belongs to another step of a wizard
 * (`hintWhile`). A global binding the screen handles its own way while
 * binding that key itself (Enter "open" in a wizard, whose Enter is "next")
 * does not speak for that key: the screen's binding does.
 */
import type { KeyHint } from '../../components/Footer.js';
import { offered, type Binding, type CommandId, type Handler, type KeyContext } from './binding.js';
import { showKey } from './key-name.js';

export interface HintSource {
  readonly bindings: readonly Binding[];
  readonly handlers?: Partial<Record<CommandId, Handler>>;
}

export function footerHints(screen: HintSource, globals: readonly Binding[], ctx: KeyContext, readOnly: boolean): KeyHint[] {
  const screenKeys = new Set(screen.bindings.map((b) => b.keys[0]!));
  const ownWay = new Set(Object.keys(screen.handlers ?? {}));
  const speaking = globals.filter((b) => !(ownWay.has(b.command) && screenKeys.has(b.keys[0]!)));
  const withHints = offered([...screen.bindings, ...speaking], readOnly).filter((b) => b.hint && (b.hintWhile?.(ctx) ?? true));
  const hintFor = new Map<string, Binding>();
  for (const b of withHints) {
    const key = b.keys[0]!;
    const held = hintFor.get(key);
    if (!held || (held.disabledReason?.(ctx) && !b.disabledReason?.(ctx))) hintFor.set(key, b);
  }
  return [...hintFor.values()].map((b) => ({ key: showKey(b.keys[0]!), label: b.hint! }));
}
