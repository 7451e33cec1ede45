/**
 * What a target resolver returns: where a command will really go, read from the tool's own
 * configuration (kubeconfig, ~/.flyrc, cf's config.json, ~/.bosh/config, terraform's data
 * folder, libpq's service files), without running the tool and without the network.
 *
 * Type-only and tiny, so the guarded-command path can import it without loading a resolver.
 */

/** The tools a rule may name in `environment: { target: TOOL }`. */
export const TARGET_TOOLS = [
  "kubectl",
  "helm",
  "fly",
  "cf",
  "bosh",
  "terraform",
  "postgres",
] as const;
export type TargetTool = (typeof TARGET_TOOLS)[number];

/** The `environments.NAME.match` keys that name what a command really talks to. */
export const TRUTH_KEYS = ["url", "server", "host", "workspace", "backend"] as const;
export type TruthKey = (typeof TRUTH_KEYS)[number];

export interface TargetReading {
  tool: TargetTool;
  /**
   * The name the operator or the configuration used for the target (a kube context, a fly
   * target, a bosh alias, a libpq service), and where it came from. Names can lie; the truth
   * below is what the command will talk to.
   */
  alias?: { value: string; source: string };
  /** What the command will talk to, by match key: `{ server: "https://k8s-prod…" }`. */
  truth: Partial<Record<TruthKey, string>>;
  /** One line for the banner and the plan: "cluster https://… (context prod-eu), namespace payments". */
  where: string;
  /** The configuration files read, in the order the tool reads them. */
  files: string[];
  /** Why the configuration could not be read (file and line); the environment is then unknown. */
  problem?: string;
}

/** A file reader that reads each file once per run. */
export interface ConfigFiles {
  /** The file's text; undefined when it does not exist. Throws when it exists but cannot be read. */
  read(path: string): string | undefined;
}

/** What a resolver may look at: the command, its variables, and files through a port. */
export interface ResolverInput {
  argv: readonly string[];
  vars: Record<string, string | undefined>;
  cwd: string;
  /** The home folder the tool would use ($HOME as the command runs). */
  home: string;
  files: ConfigFiles;
}

/** Asks the resolver of `tool` where a command goes; undefined when not (yet) read. */
export type ReadTarget = (
  tool: TargetTool,
  argv: readonly string[],
  vars: Record<string, string | undefined>,
) => TargetReading | undefined;
