/**
 * `kubectl` and `helm`: the context (`--context`, else the merged kubeconfig's
 * current-context), its cluster's `server` (`--cluster` and `--server` override as kubectl
 * applies them) and the namespace (`-n`, else the context's, else `default`).
 */
import { flagValues } from "../../command/flags.js";
import { loadKubeconfig } from "./kubeconfig.js";
import { lastOf } from "./paths.js";
import { asString, ConfigProblem, keepingAlias, shown } from "./problem.js";
import type { ResolverInput, TargetReading, TargetTool } from "./types.js";

interface KubeFlags {
  tool: TargetTool;
  context: string[];
  /** helm reads HELM_KUBECONTEXT and HELM_NAMESPACE when the flags are absent. */
  contextVar?: string;
  namespaceVar?: string;
}

const KUBECTL: KubeFlags = { tool: "kubectl", context: ["--context"] };
const HELM: KubeFlags = {
  tool: "helm",
  context: ["--kube-context"],
  contextVar: "HELM_KUBECONTEXT",
  namespaceVar: "HELM_NAMESPACE",
};

export const readKubectl = (input: ResolverInput) => readKube(input, KUBECTL);
export const readHelm = (input: ResolverInput) => readKube(input, HELM);

function readKube(input: ResolverInput, flags: KubeFlags): TargetReading {
  // A context the command names is its name for the target, even when no kubeconfig says more.
  const named = lastOf(flagValues(input.argv, flags.context));
  return keepingAlias(
    named
      ? { value: named, source: `${flags.tool} context from argument ${flags.context[0]}` }
      : undefined,
    () => readContext(input, flags),
  );
}

function readContext(input: ResolverInput, flags: KubeFlags): TargetReading {
  const { argv, vars } = input;
  const config = loadKubeconfig(input, lastOf(flagValues(argv, ["--kubeconfig"])));
  const reading: TargetReading = { tool: flags.tool, truth: {}, where: "", files: config.files };
  if (config.files.length === 0) {
    throw new ConfigProblem(
      `no kubeconfig: ${vars.KUBECONFIG ? `none of the files in KUBECONFIG (${vars.KUBECONFIG}) exists` : `${shown(`${input.home}/.kube/config`, input.home)} does not exist`}`,
    );
  }

  const flagContext = lastOf(flagValues(argv, flags.context));
  const varContext = flags.contextVar ? vars[flags.contextVar] || undefined : undefined;
  const contextName = flagContext ?? varContext ?? config.currentContext?.name;
  const contextSource =
    flagContext !== undefined
      ? `argument ${flags.context[0]}`
      : varContext !== undefined
        ? `variable ${flags.contextVar}`
        : `current-context in ${shown(config.currentContext?.file ?? "", input.home)}`;

  const clusterFlag = lastOf(flagValues(argv, ["--cluster"]));
  const serverFlag =
    flags.tool === "kubectl" ? lastOf(flagValues(argv, ["--server", "-s"])) : undefined;
  let clusterName = clusterFlag;
  let contextNamespace: string | undefined;
  if (contextName !== undefined) {
    const context = config.contexts.get(contextName);
    if (!context) {
      throw new ConfigProblem(
        `context '${contextName}' (${contextSource}) is not in ${config.files.map((f) => shown(f, input.home)).join(", ")}`,
      );
    }
    clusterName ??= asString(context.fields.cluster, `context ${contextName}: cluster`);
    contextNamespace = asString(context.fields.namespace, `context ${contextName}: namespace`);
    reading.alias = { value: contextName, source: `${flags.tool} context from ${contextSource}` };
  } else if (serverFlag === undefined && clusterFlag === undefined) {
    throw new ConfigProblem(
      `no context: ${config.files.map((f) => shown(f, input.home)).join(", ")} set${config.files.length === 1 ? "s" : ""} no current-context and the command names none`,
    );
  }

  let server = serverFlag;
  if (server === undefined) {
    if (clusterName === undefined) {
      throw new ConfigProblem(`context '${contextName}' names no cluster`);
    }
    const cluster = config.clusters.get(clusterName);
    if (!cluster) throw new ConfigProblem(`cluster '${clusterName}' is not in the kubeconfig`);
    server = asString(cluster.fields.server, `cluster ${clusterName}: server`);
    if (server === undefined) throw new ConfigProblem(`cluster '${clusterName}' has no server`);
  }

  const namespaceVar = flags.namespaceVar ? vars[flags.namespaceVar] || undefined : undefined;
  const namespace =
    lastOf(flagValues(argv, ["-n", "--namespace"])) ??
    namespaceVar ??
    contextNamespace ??
    "default";
  reading.truth = { server };
  const named = [
    contextName !== undefined && `context ${contextName}`,
    clusterName !== undefined && `cluster ${clusterName}`,
  ].filter(Boolean);
  reading.where = `${server}${named.length ? ` (${named.join(", ")})` : ""}, namespace ${namespace}`;
  return reading;
}
