/**
 * Validators compiled ahead of time, by schema `$id`. Here (tests, `tsx`) there are none and
 * `validatorFor` compiles each schema once at run time; in the bundles, scripts/build.mjs
 * replaces this module with ajv standalone code of schemas/*.json
 * (scripts/lib/precompiledValidators.mjs), so a process validates without compiling a schema.
 */
import type { ValidateFunction } from 'ajv';

export const PRECOMPILED_VALIDATORS: Readonly<Record<string, ValidateFunction>> | undefined =
  undefined;
