/** Reading the project's documents in tests: their code blocks, found by what they say. */
import { readFileSync } from 'node:fs';

export const readDoc = (path: 'README.md' | 'docs/inventory.md'): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

export interface CodeBlock {
  /** Line of the opening fence, 1-based. */
  readonly line: number;
  readonly text: string;
}

/** Every fenced block of one language. */
export function codeBlocks(md: string, lang: string): CodeBlock[] {
  const out: CodeBlock[] = [];
  const re = new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, 'gm');
  for (let m = re.exec(md); m; m = re.exec(md)) out.push({ line: md.slice(0, m.index).split('\n').length, text: m[1]! });
  return out;
}

/** The first block of `lang` after the heading `heading` (a whole line, `## ...` included). */
export function blockAfter(md: string, heading: string, lang: string): string {
  const at = md.split('\n').findIndex((l) => l === heading);
  if (at < 0) throw new Error(`no heading ${JSON.stringify(heading)}`);
  const block = codeBlocks(md, lang).find((b) => b.line > at + 1);
  if (!block) throw new Error(`no ${lang} block after ${JSON.stringify(heading)}`);
  return block.text;
}

/** The README's sh block that writes the `.strata-synced` mark after a sync. */
export function readmeMarkScript(): string {
  const found = codeBlocks(readDoc('README.md'), 'sh').filter((b) => b.text.includes('.strata-synced'));
  if (found.length !== 1) throw new Error(`expected one sh block about .strata-synced in README.md, found ${found.length}`);
  return found[0]!.text;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The README's placeholders SRC and REMOTE, filled in (each must be there). */
export function fillMarkScript(script: string, src: string, remote: string): string {
  if (!/\bSRC\b/.test(script) || !/\bREMOTE\//.test(script)) throw new Error(`the mark script no longer names SRC and REMOTE/: ${script}`);
  return script.replace(/\bSRC\b/g, quote(src)).replace(/\bREMOTE\b/g, quote(remote));
}
