/**
 * Reads the AWS CLI's shared config file (`~/.aws/config`, or AWS_CONFIG_FILE) the way
 * botocore does, for two things only: the profile's `region`, and the account the profile
 * points at (`role_arn`'s account, or `sso_account_id`) for when STS cannot be asked.
 *
 * `~/.aws/credentials` holds secrets and is never read here. Pure apart from the reader port.
 */
import { join } from "node:path";

/** Profiles by name: `[default]` is "default", `[profile prod]` is "prod"; keys lower-cased. */
export type AwsProfiles = Map<string, Map<string, string>>;

/** Parses the INI text as botocore's config parser does; other sections (sso-session, services) are skipped. */
export function parseAwsConfig(text: string): AwsProfiles {
  const profiles: AwsProfiles = new Map();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    // An indented line continues the previous key (a nested `s3 =` block): not a setting of its own.
    if (/^\s/.test(raw) && !line.startsWith("[")) continue;
    const section = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (section) {
      const name = profileName(section[1]!);
      if (name === undefined) current = undefined;
      else {
        current = profiles.get(name) ?? new Map();
        profiles.set(name, current);
      }
      continue;
    }
    const setting = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (setting && current) current.set(setting[1]!.toLowerCase(), setting[2]!.trim());
  }
  return profiles;
}

function profileName(section: string): string | undefined {
  if (section === "default") return "default";
  const named = /^profile\s+(.+)$/.exec(section);
  return named ? named[1]!.trim() : undefined;
}

/** Where a profile says its account is, when STS could not be asked. */
export interface ProfileAccount {
  account: string;
  key: "role_arn" | "sso_account_id";
  profile: string;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\//;

/**
 * The account the profile's role or SSO assignment is in. A `source_profile` only supplies the
 * credentials that assume the role, so the account is the role's own: no chain is followed.
 */
export function profileAccount(profiles: AwsProfiles, profile: string): ProfileAccount | undefined {
  const settings = profiles.get(profile);
  const role = ROLE_ARN.exec(settings?.get("role_arn") ?? "");
  if (role) return { account: role[1]!, key: "role_arn", profile };
  const sso = settings?.get("sso_account_id");
  if (sso && /^\d{12}$/.test(sso)) return { account: sso, key: "sso_account_id", profile };
  return undefined;
}

/** The profile's own `region` (botocore does not take it from a source_profile). */
export function profileRegion(profiles: AwsProfiles, profile: string): string | undefined {
  return profiles.get(profile)?.get("region") || undefined;
}

/** The config file the CLI reads: AWS_CONFIG_FILE, else ~/.aws/config. */
export function awsConfigPath(configFile: string | undefined, home: string): string {
  return configFile ?? join(home, ".aws", "config");
}

/** The path as a person would write it: `~/.aws/config` under the home folder. */
export function displayConfigPath(path: string, home: string): string {
  return home && path.startsWith(`${home}/`) ? `~/${path.slice(home.length + 1)}` : path;
}
