/**
 * Schema layer of validation: runs ajv with a JSON Schema and turns its errors into located,
 * human problems — one per place, with "did you mean" for mistyped keys and enum values.
 * Shared by the model, the register and rule packs (each passes its own schema and wording).
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { problem, type Problem, type SourceRange } from '../problems';
import AJV_OPTIONS from './ajvOptions.json';
import { PRECOMPILED_VALIDATORS } from './precompiledValidators';
import { pointerSegment } from '../parse/pointer';
import type { SourceMap } from '../parse/source';
import { DATE_EXAMPLE, isCalendarDate } from '../util/date';
import { quoteInline } from '../util/inert';
import { didYouMean } from '../util/suggest';

type Schema = Record<string, unknown>;

const compiled = new WeakMap<Schema, ValidateFunction>();

/**
 * Compiles a schema at run time, with the formats the schemas use: `date` is a real calendar date,
 * by the one validator the CLI options use too. (The precompiled validators cover the schemas
 * without custom formats; see scripts/lib/precompiledValidators.mjs.)
 */
function compileAtRunTime(schema: object): ValidateFunction {
  const ajv = new Ajv({ ...AJV_OPTIONS });
  ajv.addFormat('date', isCalendarDate);
  return ajv.compile(schema);
}

/**
 * The validator of a schema: precompiled in the bundles (by `$id`, see precompiledValidators.ts),
 * else compiled once per process (compilation is the slow part of ajv). Both use AJV_OPTIONS.
 */
export function validatorFor(schema: Schema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    const id = typeof schema['$id'] === 'string' ? schema['$id'] : undefined;
    validate =
      (id !== undefined ? PRECOMPILED_VALIDATORS?.[id] : undefined) ?? compileAtRunTime(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** How problems for one file kind are worded and coded. */
export interface SchemaWording {
  /** Names the thing at a JSON pointer, e.g. "component `scorer`". */
  describe(pointer: string): string;
  /** Names the vocabulary a value at a pointer comes from, e.g. "control kind". */
  enumNoun(pointer: string): string;
  /** Code for an enum miss at a pointer (unknown component kind, control, ...). */
  enumCode(pointer: string): 'MLTM104' | 'MLTM105' | 'MLTM106';
}

function segments(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(pointer: string): string {
  const index = pointer.lastIndexOf('/');
  return index <= 0 ? '' : pointer.slice(0, index);
}

function rangeAt(
  sourceMap: SourceMap,
  pointer: string,
  which: 'key' | 'value' = 'value',
): SourceRange {
  let current = pointer;
  for (;;) {
    const entry = sourceMap.get(current);
    if (entry) return which === 'key' ? (entry.key ?? entry.value) : entry.value;
    if (current === '') return { start: 0, end: 0 };
    current = parentOf(current);
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the text "${value.length > 40 ? value.slice(0, 37) + '...' : value}"`;
  return `${typeof value === 'number' ? 'the number' : 'the value'} ${String(value)}`;
}

function expectedType(type: string | string[]): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'text',
    boolean: 'true or false',
    integer: 'a whole number',
    number: 'a number',
    null: 'nothing',
  };
  const list = Array.isArray(type) ? type : [type];
  return list.map((t) => names[t] ?? t).join(' or ');
}

function valueAt(root: unknown, pointer: string): unknown {
  let current = root;
  for (const segment of segments(pointer)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Object.prototype.hasOwnProperty.call(current, segment)
      ? (current as Record<string, unknown>)[segment]
      : undefined;
  }
  return current;
}

/**
 * Validates `value` and returns one problem per failing place, ordered by position. An `anyOf`
 * of "known enum value, or custom `x-` name" reports as one unknown-value problem.
 */
export function checkAgainstSchema(
  value: unknown,
  schema: Schema,
  sourceMap: SourceMap,
  wording: SchemaWording,
): Problem[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    const list = byPath.get(error.instancePath) ?? [];
    list.push(error);
    byPath.set(error.instancePath, list);
  }
  const problems: Problem[] = [];
  for (const [path, list] of byPath) {
    const enumError = list.find((e) => e.keyword === 'enum');
    const reported = new Set<string>();
    for (const error of list) {
      const what = wording.describe(path);
      switch (error.keyword) {
        case 'required': {
          const missing = String((error.params as { missingProperty: string }).missingProperty);
          problems.push(
            problem(
              'MLTM101',
              `${capitalise(what)} is missing \`${missing}\`.`,
              rangeAt(sourceMap, path, 'key'),
            ),
          );
          break;
        }
        case 'additionalProperties': {
          const extra = String((error.params as { additionalProperty: string }).additionalProperty);
          if (extra === '<<') {
            // YAML 1.1 merge keys are a common habit; say why the merged fields seem to vanish.
            problems.push(
              problem(
                'MLTM102',
                `\`<<\` (a YAML merge key) is not supported: mltm reads YAML 1.2, where \`<<\` is an ordinary key, so the fields it would merge into ${what} are not applied. Write them out, or anchor whole values (e.g. \`controls: *platform-controls\`).`,
                rangeAt(sourceMap, `${path}/<<`, 'key'),
              ),
            );
            break;
          }
          const allowed = Object.keys(propertiesAt(schema, path));
          const suggestion = didYouMean(extra, allowed);
          const keyRange = rangeAt(sourceMap, `${path}/${pointerSegment(extra)}`, 'key');
          problems.push(
            problem(
              'MLTM102',
              `Unknown property \`${extra}\` on ${what}${suggestion ? `; did you mean \`${suggestion}\`?` : `. Allowed: ${allowed.join(', ')} (or your own \`x-\` keys).`}`,
              keyRange,
              suggestion
                ? {
                    fix: {
                      range: keyRange,
                      replacement: suggestion,
                      title: `Change to \`${suggestion}\``,
                    },
                  }
                : {},
            ),
          );
          break;
        }
        case 'type': {
          const actual = valueAt(value, path);
          problems.push(
            problem(
              'MLTM103',
              `${capitalise(what)} must be ${expectedType((error.params as { type: string | string[] }).type)}, not ${typeName(actual)}.`,
              rangeAt(sourceMap, path),
            ),
          );
          break;
        }
        case 'enum':
        case 'anyOf': {
          if (reported.has('enum')) break;
          reported.add('enum');
          const allowed = (
            (enumError?.params as { allowedValues?: unknown[] } | undefined)?.allowedValues ?? []
          ).map(String);
          const actual = valueAt(value, path);
          if (typeof actual !== 'string') {
            problems.push(
              problem(
                'MLTM103',
                `${capitalise(what)} must be text, not ${typeName(actual)}.`,
                rangeAt(sourceMap, path),
              ),
            );
            break;
          }
          const suggestion = didYouMean(actual, allowed);
          const range = rangeAt(sourceMap, path);
          const custom =
            error.keyword === 'anyOf' || list.some((e) => e.keyword === 'pattern')
              ? ' Custom names start with `x-`.'
              : '';
          problems.push(
            problem(
              wording.enumCode(path),
              `Unknown ${wording.enumNoun(path)} \`${actual}\` for ${wording.describe(path.split('/').slice(0, 3).join('/'))}${suggestion ? `; did you mean \`${suggestion}\`?` : '.'}${suggestion ? '' : ` Known values: ${allowed.join(', ')}.`}${custom}`,
              range,
              suggestion
                ? { fix: { range, replacement: suggestion, title: `Change to \`${suggestion}\`` } }
                : {},
            ),
          );
          break;
        }
        case 'pattern': {
          // A key that is not a valid id (`propertyNames`) is reported with the key below.
          if (error.propertyName !== undefined) break;
          if (enumError || list.some((e) => e.keyword === 'anyOf')) break;
          const actual = valueAt(value, path);
          problems.push(
            problem(
              'MLTM107',
              `${capitalise(what)} \`${String(actual)}\` is not a valid id: use letters, digits, \`-\`, \`_\` and \`.\`, starting with a letter or digit.`,
              rangeAt(sourceMap, path),
            ),
          );
          break;
        }
        case 'format': {
          const actual = valueAt(value, path);
          problems.push(
            problem(
              'MLTM109',
              `${capitalise(what)} must be a date like ${DATE_EXAMPLE} (YYYY-MM-DD, a real calendar day), not ${quoteInline(String(actual))}.`,
              rangeAt(sourceMap, path),
            ),
          );
          break;
        }
        case 'propertyNames': {
          // Reported with the offending key by the nested `pattern` error below.
          break;
        }
        case 'uniqueItems': {
          const { i, j } = error.params as { i: number; j: number };
          const duplicate = valueAt(value, `${path}/${i}`);
          problems.push(
            problem(
              'MLTM108',
              `\`${String(duplicate)}\` is listed twice in ${what}.`,
              rangeAt(sourceMap, `${path}/${Math.max(i, j)}`),
              {
                related: [
                  {
                    message: 'First listed here',
                    range: rangeAt(sourceMap, `${path}/${Math.min(i, j)}`),
                  },
                ],
              },
            ),
          );
          break;
        }
        case 'const': {
          const allowedValue = (error.params as { allowedValue: unknown }).allowedValue;
          problems.push(
            problem(
              'MLTM109',
              `${capitalise(what)} must be ${JSON.stringify(allowedValue)}.`,
              rangeAt(sourceMap, path),
            ),
          );
          break;
        }
        default:
          problems.push(
            problem(
              'MLTM109',
              `${capitalise(what)} ${error.message ?? 'is invalid'}.`,
              rangeAt(sourceMap, path),
            ),
          );
      }
    }
    // propertyNames failures: ajv reports the pattern miss with the key in `propertyName`.
    for (const error of list.filter(
      (e) => e.keyword === 'pattern' && e.propertyName !== undefined,
    )) {
      const key = String(error.propertyName);
      problems.push(
        problem(
          'MLTM107',
          `\`${key}\` is not a valid id: use letters, digits, \`-\`, \`_\` and \`.\`, starting with a letter or digit.`,
          // Escaped (`~0`, `~1`): an id holding `/` or `~` is reported at its own key.
          rangeAt(sourceMap, `${path}/${pointerSegment(key)}`, 'key'),
        ),
      );
    }
  }
  return dedupe(problems);
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.code}:${p.range.start}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The `properties` allowed at a pointer, found by walking the schema alongside the value. */
function propertiesAt(schema: Schema, pointer: string): Record<string, unknown> {
  let node: Schema | undefined = schema;
  const resolve = (s: Schema | undefined): Schema | undefined => {
    const ref = s?.['$ref'];
    if (typeof ref === 'string' && ref.startsWith('#/')) {
      let target: unknown = schema;
      for (const part of ref.slice(2).split('/'))
        target = (target as Record<string, unknown> | undefined)?.[part];
      return target as Schema | undefined;
    }
    return s;
  };
  node = resolve(node);
  for (const segment of segments(pointer)) {
    if (!node) break;
    const properties = node['properties'] as Record<string, Schema> | undefined;
    if (properties && Object.prototype.hasOwnProperty.call(properties, segment))
      node = resolve(properties[segment]);
    else if (node['items'] && /^\d+$/.test(segment)) node = resolve(node['items'] as Schema);
    else if (node['additionalProperties'] && typeof node['additionalProperties'] === 'object')
      node = resolve(node['additionalProperties'] as Schema);
    else node = undefined;
  }
  return (node?.['properties'] as Record<string, unknown> | undefined) ?? {};
}
