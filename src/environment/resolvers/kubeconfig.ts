/**
 * Kubeconfig loading and merging as client-go's clientcmd does it (kubectl, helm, k9s):
 *   1. `--kubeconfig FILE`: only that file, which must exist;
 *   2. else `$KUBECONFIG`: a `:`-separated list; empty entries and files that do not exist are
 *      skipped; the files are merged, and the first file to set a value or a map key wins
 *      (the first `current-context`, the first cluster/context/user of a name, whole);
 *   3. else `~/.kube/config`.
 * A file that exists but cannot be parsed is an error, as it is for kubectl.
 */

import { toolPath } from "./paths.js";
import { asRecord, asString, ConfigProblem, parseYamlFile, readText, shown } from "./problem.js";
import type { ResolverInput } from "./types.js";

export interface NamedEntry {
  fields: Record<string, unknown>;
  file: string;
}

export interface MergedKubeconfig {
  files: string[];
  currentContext?: { name: string; file: string };
  clusters: Map<string, NamedEntry>;
  contexts: Map<string, NamedEntry>;
}

/** Which files kubectl would load, in precedence order, and whether they must exist. */
export function kubeconfigFiles(
  input: ResolverInput,
  explicit: string | undefined,
): { paths: string[]; mustExist: boolean } {
  if (explicit !== undefined && explicit !== "") {
    return { paths: [toolPath(explicit, input.cwd, input.home)], mustExist: true };
  }
  const list = input.vars.KUBECONFIG;
  if (list !== undefined && list !== "") {
    const paths = list
      .split(":")
      .filter((p) => p !== "")
      .map((p) => toolPath(p, input.cwd, input.home));
    return { paths: [...new Set(paths)], mustExist: false };
  }
  return { paths: [`${input.home}/.kube/config`], mustExist: false };
}

export function loadKubeconfig(
  input: ResolverInput,
  explicit: string | undefined,
): MergedKubeconfig {
  const { paths, mustExist } = kubeconfigFiles(input, explicit);
  const merged: MergedKubeconfig = { files: [], clusters: new Map(), contexts: new Map() };
  for (const path of paths) {
    const text = readText(input.files, path, input.home);
    if (text === undefined) {
      if (mustExist)
        throw new ConfigProblem(`${shown(path, input.home)}: no such file (--kubeconfig)`);
      continue;
    }
    merged.files.push(path);
    const name = shown(path, input.home);
    const doc = asRecord(parseYamlFile(text, path, input.home), name);
    const current = asString(doc["current-context"], `${name}: current-context`);
    if (current !== undefined && merged.currentContext === undefined) {
      merged.currentContext = { name: current, file: path };
    }
    mergeNamed(merged.clusters, doc.clusters, "cluster", name, path);
    mergeNamed(merged.contexts, doc.contexts, "context", name, path);
  }
  return merged;
}

/** `clusters: [{ name, cluster: {...} }]`: the first file to define a name keeps it, whole. */
function mergeNamed(
  into: Map<string, NamedEntry>,
  list: unknown,
  field: string,
  name: string,
  path: string,
): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) throw new ConfigProblem(`${name}: ${field}s is not a list`);
  // Messages are made only for an entry that is wrong: the loop builds no text.
  let i = 0;
  let key: string | undefined;
  const entryName = () => `${name}: ${field}s[${i}]`;
  const nameName = () => `${entryName()}.name`;
  const fieldsName = () => `${name}: ${field} ${key}`;
  for (; i < list.length; i++) {
    const entry = asRecord(list[i], entryName);
    key = asString(entry.name, nameName);
    if (key === undefined) throw new ConfigProblem(`${entryName()} has no name`);
    if (!into.has(key)) into.set(key, { fields: asRecord(entry[field], fieldsName), file: path });
  }
}
