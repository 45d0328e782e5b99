/**
 * Merges the SARIF logs of several models into one log with one run, for CI jobs that check a
 * whole repository (the GitHub Action): code scanning wants one run per tool and category, so
 * the runs of `mltm report --format sarif` for each model are folded together.
 *
 * Rules are merged by id (the first definition wins; they come from the same rule packs) and
 * every `ruleIndex` is renumbered; artifacts are concatenated and every `artifactLocation.index`
 * anywhere in a result (locations, related locations, code flows) is renumbered; base URIs
 * (`originalUriBaseIds`) are merged by name. Works on plain JSON, so it does not depend on how
 * the per-model logs were built.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A SARIF log as parsed JSON, with the parts the merge reads named. */
export interface SarifLog {
  readonly $schema?: string;
  readonly version: string;
  readonly runs: readonly JsonObject[];
}

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const arrayOf = (value: Json | undefined): Json[] => (Array.isArray(value) ? value : []);

/**
 * Returns a copy of `value` in which every `artifactLocation.index` and every result's
 * `ruleIndex` is mapped through the given functions.
 */
function renumber(
  value: Json,
  artifactIndex: (index: number) => number,
  ruleIndex: (index: number) => number,
): Json {
  if (Array.isArray(value)) return value.map((v) => renumber(v, artifactIndex, ruleIndex));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === 'artifactLocation' && isObject(child)) {
      const location = renumber(child, artifactIndex, ruleIndex) as JsonObject;
      if (typeof child['index'] === 'number') location['index'] = artifactIndex(child['index']);
      out[key] = location;
    } else if (key === 'ruleIndex' && typeof child === 'number') {
      out[key] = ruleIndex(child);
    } else {
      out[key] = renumber(child, artifactIndex, ruleIndex);
    }
  }
  return out;
}

/**
 * Folds the runs of several SARIF logs into one log with a single run. The tool, invocation
 * and other run properties come from the first run; an empty list gives a log with no runs.
 */
export function mergeSarifLogs(logs: readonly SarifLog[]): SarifLog {
  const runs = logs.flatMap((log) => log.runs);
  const first = runs[0];
  if (first === undefined) return { version: '2.1.0', runs: [] };
  const rules: JsonObject[] = [];
  const ruleIds = new Map<string, number>();
  const artifacts: Json[] = [];
  const results: Json[] = [];
  const baseIds: JsonObject = {};
  for (const run of runs) {
    const tool = isObject(run['tool']) ? run['tool'] : {};
    const driver = isObject(tool['driver']) ? tool['driver'] : {};
    const localRules = arrayOf(driver['rules']);
    const ruleMap = localRules.map((rule) => {
      const id = isObject(rule) && typeof rule['id'] === 'string' ? rule['id'] : undefined;
      if (id === undefined) {
        rules.push(isObject(rule) ? rule : {});
        return rules.length - 1;
      }
      const known = ruleIds.get(id);
      if (known !== undefined) return known;
      rules.push(rule as JsonObject);
      ruleIds.set(id, rules.length - 1);
      return rules.length - 1;
    });
    const artifactOffset = artifacts.length;
    artifacts.push(...arrayOf(run['artifacts']));
    const mapArtifact = (index: number) => index + artifactOffset;
    const mapRule = (index: number) => ruleMap[index] ?? index;
    for (const result of arrayOf(run['results']))
      results.push(renumber(result, mapArtifact, mapRule));
    if (isObject(run['originalUriBaseIds']))
      for (const [name, uri] of Object.entries(run['originalUriBaseIds']))
        if (!(name in baseIds)) baseIds[name] = uri;
  }
  const firstTool = isObject(first['tool']) ? first['tool'] : {};
  const firstDriver = isObject(firstTool['driver']) ? firstTool['driver'] : {};
  const merged: JsonObject = {
    ...first,
    tool: { ...firstTool, driver: { ...firstDriver, rules } },
    results,
  };
  if (artifacts.length > 0) merged['artifacts'] = artifacts;
  else delete merged['artifacts'];
  if (Object.keys(baseIds).length > 0) merged['originalUriBaseIds'] = baseIds;
  const head = logs[0];
  return {
    ...(head?.$schema !== undefined && { $schema: head.$schema }),
    version: head?.version ?? '2.1.0',
    runs: [merged],
  };
}
