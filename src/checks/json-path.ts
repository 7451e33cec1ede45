/**
 * A small JSON path: `data.items[0].id`, `data.items.0.id`, an optional leading `$.`, and
 * `["key with.dots"]` for keys that are not plain words. Enough to point at one value in a
 * health endpoint's answer or a command's JSON output; no wildcards or filters.
 */

export type PathStep = string | number;

/** The steps of a path; throws on a malformed one (the policy loader reports it). */
export function parseJsonPath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  let rest = path.trim().replace(/^\$\.?/, "");
  while (rest.length > 0) {
    const bracket = /^\[(?:(\d+)|"((?:[^"\\]|\\.)*)"|'([^']*)')\]\.?/.exec(rest);
    if (bracket) {
      if (bracket[1] !== undefined) steps.push(Number(bracket[1]));
      else steps.push(bracket[2] !== undefined ? JSON.parse(`"${bracket[2]}"`) : bracket[3]!);
      rest = rest.slice(bracket[0].length);
      continue;
    }
    const word = /^([^.[\]]+)\.?/.exec(rest);
    if (!word) throw new Error(`cannot read the JSON path '${path}' at '${rest}'`);
    const key = word[1]!;
    steps.push(/^\d+$/.test(key) ? Number(key) : key);
    rest = rest.slice(word[0].length);
  }
  return steps;
}

/** The value at a path; `found: false` when any step is missing. */
export function readJsonPath(root: unknown, path: string): { found: boolean; value?: unknown } {
  let current: unknown = root;
  for (const step of parseJsonPath(path)) {
    if (typeof step === "number" && Array.isArray(current) && step < current.length) {
      current = current[step];
    } else if (
      current !== null &&
      typeof current === "object" &&
      !Array.isArray(current) &&
      Object.hasOwn(current, String(step))
    ) {
      current = (current as Record<string, unknown>)[String(step)];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}
