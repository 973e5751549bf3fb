/**
 * docs/inventory.md against the real schema and loader, so the reference
 * cannot fall behind the code: every field of every object of the zod schema
 * has a row in that object's table (and no row names a field the schema
 * lacks), every example value is valid for its field, the defaults written
 * down are the ones the loader fills in, and every JSON block is an
 * inventory the loader accepts.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseDuration } from '../../src/domain/duration.js';
import type { SecretRef } from '../../src/domain/inventory-file.js';
import { inventorySchema } from '../../src/domain/inventory-schema.js';
import { parseInventoryText, validateInventory } from '../../src/domain/inventory.js';
import { codeBlocks, readDoc } from '../helpers/docs.js';

const DOC = readDoc('docs/inventory.md');

/** One object of the file: where it is, and its fields with the schema of each. */
interface SchemaSection {
  readonly path: string;
  readonly fields: ReadonlyMap<string, z.ZodType>;
  readonly required: ReadonlySet<string>;
}

const unwrap = (s: z.ZodType): z.ZodType => (s instanceof z.ZodOptional ? unwrap(s.unwrap() as z.ZodType) : s);
const childPath = (parent: string, key: string) => (parent === '(file)' ? key : `${parent}.${key}`);

function objectSection(path: string, shape: Record<string, z.ZodType>, keys: readonly string[]): SchemaSection {
  return {
    path,
    fields: new Map(keys.map((k) => [k, shape[k]!])),
    required: new Set(keys.filter((k) => !(shape[k] instanceof z.ZodOptional))),
  };
}

/** Walks the schema: objects, lists of objects, and the layer union (fields of every kind, then each kind's own). */
function sectionsOf(schema: z.ZodType, path: string, out: SchemaSection[] = []): SchemaSection[] {
  let s = unwrap(schema);
  let at = path;
  if (s instanceof z.ZodArray) {
    s = unwrap(s.element as z.ZodType);
    at = `${path}[]`;
  }
  if (s instanceof z.ZodObject) {
    const shape = s.shape as Record<string, z.ZodType>;
    out.push(objectSection(at, shape, Object.keys(shape)));
    for (const [key, field] of Object.entries(shape)) sectionsOf(field, childPath(at, key), out);
  } else if (s instanceof z.ZodDiscriminatedUnion) {
    const options = (s.options as z.ZodType[]).map((o) => o as z.ZodObject);
    const shapes = options.map((o) => o.shape as Record<string, z.ZodType>);
    const common = Object.keys(shapes[0]!).filter((k) => shapes.every((sh) => k in sh));
    out.push(objectSection(at, shapes[0]!, common));
    for (const shape of shapes) {
      const kind = (shape.kind as z.ZodLiteral).value as string;
      const own = `${path}[kind=${kind}]`;
      const keys = Object.keys(shape).filter((k) => !common.includes(k));
      out.push(objectSection(own, shape, keys));
      for (const key of keys) sectionsOf(shape[key]!, childPath(own, key), out);
    }
  }
  return out;
}

const SCHEMA_SECTIONS = sectionsOf(inventorySchema, '(file)');

/** Every form of a secret reference, from its type: a form added to SecretRef fails to compile here until listed. */
type SecretForm = SecretRef extends infer R ? (R extends unknown ? keyof R : never) : never;
const SECRET_FORMS = { file: true, command: true, env: true } satisfies Record<SecretForm, true>;

interface DocRow {
  readonly field: string;
  readonly cells: Readonly<Record<string, string>>;
  readonly line: number;
}

/** The tables of the reference: each `<!-- fields: PATH -->` marker and the table right after it. */
function docTables(md: string): Map<string, DocRow[]> {
  const lines = md.split('\n');
  const tables = new Map<string, DocRow[]>();
  lines.forEach((line, i) => {
    const marker = /^<!-- fields: (.+?) -->$/.exec(line.trim());
    if (!marker) return;
    const path = marker[1]!;
    if (tables.has(path)) throw new Error(`docs/inventory.md:${i + 1}: a second table for ${path}`);
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() === '') j++;
    const split = (l: string) => l.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
    const header = split(lines[j] ?? '');
    if (header[0] !== 'field') throw new Error(`docs/inventory.md:${i + 1}: the marker of ${path} is not followed by a table of fields`);
    const rows: DocRow[] = [];
    for (let k = j + 2; k < lines.length && lines[k]!.trim().startsWith('|'); k++) {
      const cells = split(lines[k]!);
      const field = /^`([^`]+)`$/.exec(cells[0] ?? '')?.[1];
      if (field === undefined) throw new Error(`docs/inventory.md:${k + 1}: the first cell does not name a field in backticks: ${cells[0]}`);
      rows.push({ field, cells: Object.fromEntries(header.map((h, n) => [h, cells[n] ?? ''])), line: k + 1 });
    }
    tables.set(path, rows);
  });
  return tables;
}

const TABLES = docTables(DOC);

/** A cell holding exactly one JSON value in backticks, or undefined for an empty cell. */
function jsonCell(cell: string, where: string): { value: unknown } | undefined {
  if (cell === '') return undefined;
  const m = /^`([^`]+)`$/.exec(cell);
  if (!m) throw new Error(`${where}: not one JSON value in backticks: ${cell}`);
  try {
    return { value: JSON.parse(m[1]!) as unknown };
  } catch (e) {
    throw new Error(`${where}: ${m[1]} is not JSON: ${(e as Error).message}`);
  }
}

describe('docs/inventory.md', () => {
  it('has a table for every object of the schema, and only for those', () => {
    expect(SCHEMA_SECTIONS.map((s) => s.path)).toContain('layers[kind=zfs-replication].source');
    const documented = [...TABLES.keys()].filter((p) => p !== 'secret');
    expect(SCHEMA_SECTIONS.map((s) => s.path).filter((p) => !TABLES.has(p))).toEqual([]);
    expect(documented.filter((p) => !SCHEMA_SECTIONS.some((s) => s.path === p))).toEqual([]);
  });

  it('names every field of every object in that object\'s table, and no field the schema lacks', () => {
    const missing: string[] = [];
    const unknown: string[] = [];
    for (const section of SCHEMA_SECTIONS) {
      const rows = TABLES.get(section.path) ?? [];
      for (const field of section.fields.keys()) if (!rows.some((r) => r.field === field)) missing.push(`${section.path}: ${field}`);
      for (const r of rows) if (!section.fields.has(r.field)) unknown.push(`docs/inventory.md:${r.line}: ${section.path} has no field ${r.field}`);
    }
    expect(missing).toEqual([]);
    expect(unknown).toEqual([]);
    // Every kind has its section, the way a reader looks for it.
    for (const kind of SCHEMA_SECTIONS.flatMap((s) => /^layers\[kind=([^\]]+)\]$/.exec(s.path)?.[1] ?? [])) {
      expect(DOC).toContain(`\n### ${kind}\n`);
    }
  });

  it('says for each field whether it is required, and only of the fields that are', () => {
    const wrong: string[] = [];
    for (const section of SCHEMA_SECTIONS) {
      for (const r of TABLES.get(section.path) ?? []) {
        const saysRequired = r.cells.default === 'required';
        if (saysRequired !== section.required.has(r.field)) wrong.push(`docs/inventory.md:${r.line}: ${section.path}.${r.field}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('gives examples that the schema accepts for their field', () => {
    const bad: string[] = [];
    let checked = 0;
    for (const section of SCHEMA_SECTIONS) {
      for (const r of TABLES.get(section.path) ?? []) {
        const where = `docs/inventory.md:${r.line}`;
        const example = jsonCell(r.cells.example ?? '', where);
        const schema = section.fields.get(r.field);
        if (example === undefined || schema === undefined) continue;
        checked++;
        const parsed = schema.safeParse(example.value);
        if (!parsed.success) bad.push(`${where}: ${section.path}.${r.field} = ${JSON.stringify(example.value)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      }
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });

  it('documents every form of a secret reference with an example the schema accepts', () => {
    const rows = TABLES.get('secret') ?? [];
    expect(rows.map((r) => r.field).sort()).toEqual(Object.keys(SECRET_FORMS).sort());
    const secret = SCHEMA_SECTIONS.find((s) => s.path === 'layers[kind=restic]')!.fields.get('secret')!;
    for (const r of rows) {
      const example = jsonCell(r.cells.example ?? '', `docs/inventory.md:${r.line}`);
      expect(example?.value, `docs/inventory.md:${r.line}`).toEqual({ [r.field]: expect.any(String) });
      expect(secret.safeParse(example!.value).success, `docs/inventory.md:${r.line}`).toBe(true);
    }
  });

  it('writes down the defaults the loader fills in for the top level, defaultTier and thresholds', () => {
    const loaded = validateInventory({ version: 1, hosts: [], layers: [] });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const normalized: Record<string, Record<string, unknown>> = {
      '(file)': loaded.inventory as unknown as Record<string, unknown>,
      defaultTier: loaded.inventory.defaultTier as unknown as Record<string, unknown>,
      thresholds: loaded.inventory.thresholds as unknown as Record<string, unknown>,
    };
    const wrong: string[] = [];
    for (const [path, values] of Object.entries(normalized)) {
      const section = SCHEMA_SECTIONS.find((s) => s.path === path)!;
      for (const r of TABLES.get(path) ?? []) {
        if (section.required.has(r.field)) continue;
        const actual = r.field in values ? values[r.field] : values[`${r.field}Seconds`];
        if (typeof actual === 'object' && actual !== null) continue;
        if (actual === null) {
          if (r.cells.default !== 'none') wrong.push(`docs/inventory.md:${r.line}: ${path}.${r.field} has no default, the table says ${r.cells.default}`);
          continue;
        }
        const written = jsonCell(r.cells.default ?? '', `docs/inventory.md:${r.line}`)?.value;
        const duration = typeof written === 'string' ? parseDuration(written) : undefined;
        const asLoaded = duration?.ok ? duration.value : written;
        if (asLoaded !== actual) {
          wrong.push(`docs/inventory.md:${r.line}: ${path}.${r.field} defaults to ${JSON.stringify(actual)}, the table says ${r.cells.default}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('shows only JSON examples the real loader accepts, the worked example among them', () => {
    const blocks = codeBlocks(DOC, 'json');
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const problems = blocks.flatMap((b) => {
      const r = parseInventoryText(b.text);
      return r.ok ? [] : r.problems.map((p) => `docs/inventory.md:${b.line}: ${p.path}: ${p.message}`);
    });
    expect(problems).toEqual([]);
    // Between them, the examples show every kind of layer.
    const kinds = new Set(blocks.flatMap((b) => (JSON.parse(b.text) as { layers: { kind: string }[] }).layers.map((l) => l.kind)));
    const all = SCHEMA_SECTIONS.flatMap((s) => /^layers\[kind=([^\]]+)\]$/.exec(s.path)?.[1] ?? []);
    expect([...kinds].sort()).toEqual(all.sort());
  });
});
