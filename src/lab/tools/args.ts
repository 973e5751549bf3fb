/**
 * Command-line parsing for the simulated programs. Each program declares its
 * options; an unknown option or a missing value is reported with the option's
 * name so the program can fail with its own words.
 */

/** `value`: takes the next word; `flag`: none; `bool`: PVE style, `--force` or `--force 1|0`. */
export type OptionKind = 'value' | 'flag' | 'bool';

export interface OptionSpec {
  readonly long: Readonly<Record<string, OptionKind>>;
  /** `-r` -> `repo`, etc. */
  readonly short?: Readonly<Record<string, string>>;
  /** Accept `-name` as `--name` (Perl's Getopt::Long does). */
  readonly singleDashLong?: boolean;
}

export interface ParsedArgs {
  /** Every value of every option given, by long name (flags get `['1']`). */
  readonly values: Readonly<Record<string, string[]>>;
  readonly positionals: readonly string[];
}

export type ArgError = { readonly error: 'unknown-option' | 'missing-value'; readonly option: string };

export function parseArgs(args: readonly string[], spec: OptionSpec): ParsedArgs | ArgError {
  const values: Record<string, string[]> = {};
  const positionals: string[] = [];
  const add = (k: string, v: string) => (values[k] ??= []).push(v);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    let long: string | undefined;
    let inline: string | undefined;
    if (a.startsWith('--') && a.length > 2) {
      long = a.slice(2);
    } else if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      const body = a.slice(1);
      if (spec.singleDashLong && spec.long[body.split('=')[0]!] !== undefined) long = body;
      else {
        // A cluster of short options: -Hp, -rREPO, -r REPO
        for (let j = 0; j < body.length; j++) {
          const name = spec.short?.[body[j]!];
          if (!name) return { error: 'unknown-option', option: `-${body[j]}` };
          const kind = spec.long[name];
          if (kind === 'value') {
            const rest = body.slice(j + 1);
            if (rest) add(name, rest);
            else if (i + 1 < args.length) add(name, args[++i]!);
            else return { error: 'missing-value', option: `-${body[j]}` };
            break;
          }
          add(name, '1');
        }
        continue;
      }
    }
    if (long === undefined) {
      positionals.push(a);
      continue;
    }
    const eq = long.indexOf('=');
    if (eq >= 0) {
      inline = long.slice(eq + 1);
      long = long.slice(0, eq);
    }
    const kind = spec.long[long];
    if (kind === undefined) return { error: 'unknown-option', option: long };
    if (kind === 'flag') add(long, inline ?? '1');
    else if (kind === 'bool') {
      if (inline !== undefined) add(long, inline);
      else if (/^(0|1|true|false|yes|no)$/.test(args[i + 1] ?? '')) add(long, args[++i]!);
      else add(long, '1');
    } else if (inline !== undefined) add(long, inline);
    else if (i + 1 < args.length) add(long, args[++i]!);
    else return { error: 'missing-value', option: long };
  }
  return { values, positionals };
}

export const isArgError = (p: ParsedArgs | ArgError): p is ArgError => 'error' in p;

export function last(p: ParsedArgs, name: string): string | undefined {
  const v = p.values[name];
  return v ? v[v.length - 1] : undefined;
}

export function has(p: ParsedArgs, name: string): boolean {
  const v = last(p, name);
  return v !== undefined && !/^(0|false|no)$/.test(v);
}
