/**
 * Who is acting, and from where: the OS user and host on a terminal; in CI, the provider and
 * the actor its own variables name (GITHUB_ACTOR, GITLAB_USER_LOGIN, …), recorded as such. A
 * name given on preflight's command line is never an identity: anyone can type any name.
 */
export interface Identity {
  /** What locks and records show: `actor@provider` in CI, else `user@host`. */
  label: string;
  user: string;
  host: string;
  ci?: { provider: string; actor: string };
}

const CI_ACTORS: readonly { provider: string; detect: string; actor: readonly string[] }[] = [
  {
    provider: "github",
    detect: "GITHUB_ACTIONS",
    actor: ["GITHUB_TRIGGERING_ACTOR", "GITHUB_ACTOR"],
  },
  { provider: "gitlab", detect: "GITLAB_CI", actor: ["GITLAB_USER_LOGIN", "GITLAB_USER_EMAIL"] },
  { provider: "buildkite", detect: "BUILDKITE", actor: ["BUILDKITE_BUILD_CREATOR_EMAIL"] },
  { provider: "circleci", detect: "CIRCLECI", actor: ["CIRCLE_USERNAME"] },
  { provider: "jenkins", detect: "JENKINS_URL", actor: ["BUILD_USER_ID"] },
];

/** The identity of this process, from the OS user and host and the CI variables. */
export function identityOf(
  env: Record<string, string | undefined>,
  user: string,
  host: string,
): Identity {
  if (env.CI) {
    for (const ci of CI_ACTORS) {
      const actor = ci.actor.map((name) => env[name]).find((value) => value);
      // GITHUB_ACTOR without GITHUB_ACTIONS still names GitHub: some runners set only that.
      if (actor && (env[ci.detect] || ci.provider === "github")) {
        return {
          label: `${actor}@${ci.provider}`,
          user,
          host,
          ci: { provider: ci.provider, actor },
        };
      }
    }
  }
  return { label: `${user}@${host}`, user, host };
}
