/**
 * Facts about a rule that several lint checks need: whether it destroys something, what it
 * decides in each environment, and whether one rule's match covers another's.
 */
import type { ResolvedEnvironment } from "../../environment/resolve.js";
import { globMatch, isGlob } from "../../policy/glob.js";
import type { Decision, Environment, Policy, Rule } from "../../policy/types.js";
import { decisionOf } from "../../run/evaluate.js";

/** Words in a rule's match that mean it deletes, revokes or overwrites something. */
const DESTRUCTIVE =
  /(delet|destroy|drop|remov|^rm$|^rmi$|rmdir|terminat|revok|purg|truncat|kill|prune|wip(e|ing)|eras|uninstall|deregist|teardown|^deld$|^dp$|force|shred|mkfs|reset)/i;

/** The word in a rule's match that makes it destructive, or undefined. */
export function destructiveWord(rule: Rule): string | undefined {
  for (const pattern of [...rule.commands, ...rule.args]) {
    for (const word of expandBraces(pattern)) {
      for (const part of word.split(/[^A-Za-z]+/).filter(Boolean)) {
        if (DESTRUCTIVE.test(part)) return word;
      }
    }
  }
  return undefined;
}

/**
 * Tools with many subcommands, most of them harmless: a rule matching one with no `args`
 * guards every `git status` and `kubectl get` too, which trains people to confirm blindly.
 */
export const MULTI_PURPOSE_TOOLS = new Set([
  "aws",
  "az",
  "bosh",
  "cf",
  "docker",
  "fly",
  "flyctl",
  "gcloud",
  "gh",
  "git",
  "gsutil",
  "heroku",
  "helm",
  "kubectl",
  "oc",
  "podman",
  "pulumi",
  "terraform",
  "tofu",
  "vault",
]);

/** The environment an unidentified target resolves to (see resolveEnvironment). */
export const UNKNOWN_ENVIRONMENT: ResolvedEnvironment = {
  name: "unknown",
  known: false,
  protected: true,
  color: "magenta",
  source: "argument",
};

export function resolved(env: Environment): ResolvedEnvironment {
  return { name: env.name, known: true, protected: env.protected, color: env.color, source: "" };
}

/** What the rule decides in every environment of the policy, and for an unknown one. */
export function decisionsOf(rule: Rule, policy: Policy): { env: string; decision: Decision }[] {
  return [
    ...Object.values(policy.environments).map((env) => ({
      env: env.name,
      decision: decisionOf(rule, resolved(env)),
    })),
    { env: "(unknown)", decision: decisionOf(rule, UNKNOWN_ENVIRONMENT) },
  ];
}

/** True when the rule denies wherever it runs, so nothing it matches ever executes. */
export function deniesEverywhere(rule: Rule, policy: Policy): boolean {
  return decisionsOf(rule, policy).every((d) => d.decision === "deny");
}

/** The brace alternatives of a glob (`{a,b}-x` → a-x, b-x); other glob syntax stays. */
export function expandBraces(pattern: string): string[] {
  const open = findUnescaped(pattern, "{");
  if (open === -1) return [pattern];
  let depth = 0;
  const cuts: number[] = [];
  let close = -1;
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) {
      close = i;
      break;
    } else if (c === "," && depth === 1) cuts.push(i);
  }
  if (close === -1) return [pattern];
  const bounds = [open, ...cuts, close];
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const options = bounds.slice(0, -1).map((b, i) => pattern.slice(b + 1, bounds[i + 1]));
  return options.flatMap((option) => expandBraces(`${head}${option}${tail}`));
}

function findUnescaped(text: string, char: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === char) return i;
  }
  return -1;
}

/**
 * Whether every word the glob `narrow` matches is also matched by `wide`. Conservative: it
 * answers true only when it can prove it (same pattern, `*`, or every literal alternative of
 * `narrow` matched by `wide`), so a "shadowed" finding is never a guess.
 */
export function covers(wide: string, narrow: string): boolean {
  if (wide === narrow || wide === "*") return true;
  const words = expandBraces(narrow);
  if (words.some((w) => isGlob(w))) return false;
  return words.every((w) => globMatch(wide, w));
}

/** Whether `wide` matches every command `narrow` matches (programs and ordered args). */
export function matchCovers(wide: Rule, narrow: Rule): boolean {
  if (!narrow.commands.every((n) => wide.commands.some((w) => covers(w, n)))) return false;
  // wide's args must embed, in order, into narrow's: then wherever narrow's args are found,
  // wide's are found at a subset of the same places. Greedy embedding is enough.
  let at = 0;
  for (const pattern of wide.args) {
    while (at < narrow.args.length && !covers(pattern, narrow.args[at]!)) at++;
    if (at === narrow.args.length) return false;
    at++;
  }
  return true;
}
