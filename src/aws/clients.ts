/**
 * The AWS port: SDK clients for a target (account, region, endpoint, credentials), created on
 * first use. The SDK (several megabytes, ~0.3 s to load) comes in with the AWS bundle
 * (dist/aws.cjs) only when a rule needs AWS, so a command no rule matches never pays for it. One set of clients per run: the
 * before- and after-snapshots reuse connections and remember source-group names.
 */
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { STSClient } from "@aws-sdk/client-sts";

/**
 * The SDK, loaded on first use. In the built CLI this import is rewritten to
 * `require("./aws.cjs")` (scripts/build.mjs), whose bundle exports the SDK's parts too.
 */
const loadSdk = () => import("./sdk.js");

import type { AwsTarget } from "./target.js";

export interface AwsClients {
  ec2(target: AwsTarget): Promise<EC2Client>;
  sts(target: AwsTarget): Promise<STSClient>;
  /** The account the target's credentials belong to (STS GetCallerIdentity). */
  accountOf(target: AwsTarget): Promise<string>;
  /** Names of security groups seen in this run, by id (source groups are named in grants). */
  groupNames: Map<string, string>;
}

export interface AwsClientOptions {
  /** Called once per API operation, e.g. "DescribeSecurityGroupsCommand"; for counting. */
  onCall?: (operation: string) => void;
  /** How long the account lookup may take (default 20 s). */
  stsTimeoutMs?: number;
}

/** The clients one run uses; nothing is loaded until a method is called. */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const ec2Clients = new Map<string, Promise<EC2Client>>();
  const stsClients = new Map<string, Promise<STSClient>>();
  const accounts = new Map<string, Promise<string>>();
  const clients: AwsClients = {
    ec2(target) {
      let client = ec2Clients.get(target.id);
      if (!client) {
        client = (async () => {
          const { EC2Client } = await loadSdk();
          return counted(new EC2Client(await clientConfig(target, "ec2")), options);
        })();
        ec2Clients.set(target.id, client);
      }
      return client;
    },
    sts(target) {
      let client = stsClients.get(target.id);
      if (!client) {
        client = (async () => {
          const { STSClient } = await loadSdk();
          return counted(new STSClient(await clientConfig(target, "sts")), options);
        })();
        stsClients.set(target.id, client);
      }
      return client;
    },
    accountOf(target) {
      let account = accounts.get(target.id);
      if (!account) {
        account = (async () => {
          const { GetCallerIdentityCommand } = await loadSdk();
          // An endpoint that accepts the connection and never answers must not hang the run.
          const answer = await (await clients.sts(target)).send(new GetCallerIdentityCommand({}), {
            abortSignal: AbortSignal.timeout(options.stsTimeoutMs ?? STS_TIMEOUT_MS),
          });
          if (!answer.Account) throw new Error("STS GetCallerIdentity returned no account");
          return answer.Account;
        })();
        accounts.set(target.id, account);
      }
      return account;
    },
    groupNames: new Map(),
  };
  return clients;
}

const STS_TIMEOUT_MS = 20_000;

/** A logger that says nothing: the SDK must not print into the wrapped command's output. */
const quiet = { debug() {}, info() {}, warn() {}, error() {}, trace() {} };

async function clientConfig(target: AwsTarget, service: "ec2" | "sts") {
  (await loadSdk()).silenceNodeVersionWarning();
  const endpoint = target.endpoints[service];
  return {
    ...(target.region && { region: target.region }),
    ...(endpoint && { endpoint }),
    ...(target.profile && { profile: target.profile }),
    credentials: target.credentials ?? (await profileCredentials(target)),
    logger: quiet,
    maxAttempts: 3,
  };
}

async function profileCredentials(target: AwsTarget) {
  const { defaultProvider } = await loadSdk();
  return defaultProvider({
    ...(target.profile && { profile: target.profile }),
    ...(target.credentialsFile && { filepath: target.credentialsFile }),
    ...(target.configFile && { configFilepath: target.configFile }),
    logger: quiet,
  });
}

type Next = (args: unknown) => Promise<unknown>;
interface CountableStack {
  add(
    middleware: (next: Next, context: { commandName?: string }) => Next,
    options: { step: "initialize"; name: string },
  ): void;
}

function counted<C extends EC2Client | STSClient>(client: C, options: AwsClientOptions): C {
  const onCall = options.onCall;
  if (onCall) {
    (client.middlewareStack as unknown as CountableStack).add(
      (next, context) => (args) => {
        onCall(String(context.commandName ?? "unknown"));
        return next(args);
      },
      { step: "initialize", name: "preflightCallCounter" },
    );
  }
  return client;
}
