/** State probe kinds by name; adding one means adding its module here and its schema. */
import { loadAwsModules } from "../bundles/load-aws.js";
import type { AwsSecurityGroupsStateSpec, StateSpec } from "../policy/types.js";
import { runProbe } from "./run-probe.js";
import type { StateKind } from "./types.js";

/** The security-group kind, whose code (and the SDK behind it) loads on first use. */
const awsSecurityGroups: StateKind<AwsSecurityGroupsStateSpec> = {
  kind: "aws-ec2-security-groups",
  snapshot: async (...args) => (await loadAwsModules()).awsSecurityGroupsKind.snapshot(...args),
  predict: async (...args) => (await loadAwsModules()).awsSecurityGroupsKind.predict!(...args),
  restore: async (...args) => (await loadAwsModules()).awsSecurityGroupsKind.restore!(...args),
  undoCommands: async (...args) =>
    (await loadAwsModules()).awsSecurityGroupsKind.undoCommands!(...args),
};

const kinds: { [K in StateSpec["kind"]]: StateKind<Extract<StateSpec, { kind: K }>> } = {
  run: runProbe,
  "aws-ec2-security-groups": awsSecurityGroups,
};

export function stateKind(spec: StateSpec): StateKind {
  return kinds[spec.kind] as StateKind;
}
