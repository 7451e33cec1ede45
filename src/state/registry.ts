/** State probe kinds by name; adding one means adding its module here and its schema. */
import type { StateSpec } from "../policy/types.js";
import { awsSecurityGroupsKind } from "./aws-security-groups/kind.js";
import { runProbe } from "./run-probe.js";
import type { StateKind } from "./types.js";

const kinds: { [K in StateSpec["kind"]]: StateKind<Extract<StateSpec, { kind: K }>> } = {
  run: runProbe,
  "aws-ec2-security-groups": awsSecurityGroupsKind,
};

export function stateKind(spec: StateSpec): StateKind {
  return kinds[spec.kind] as StateKind;
}
