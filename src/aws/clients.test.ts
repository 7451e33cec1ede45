/**
 * The AWS port against a real socket: an endpoint that accepts the connection and never
 * answers (a hung proxy, a stopped emulator) must end the account lookup, not hang the run.
 */
import { createServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAwsClients } from "./clients.js";
import { describeAwsError } from "./errors.js";
import { awsTargetOf } from "./target.js";

describe("the account lookup", () => {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    port = typeof address === "object" && address ? address.port : 0;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("gives up on an endpoint that never answers, and says so", async () => {
    const target = awsTargetOf(
      ["aws", "ec2", "describe-security-groups", "--endpoint-url", `http://127.0.0.1:${port}`],
      {
        AWS_ACCESS_KEY_ID: "testing",
        AWS_SECRET_ACCESS_KEY: "testing",
        AWS_DEFAULT_REGION: "us-east-1",
      },
    );
    const clients = createAwsClients({ stsTimeoutMs: 300 });
    const started = Date.now();
    const error = await clients.accountOf(target).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sockets.length).toBeGreaterThan(0);
    expect(describeAwsError(error, target)).toMatch(/^AWS did not answer in time/);
  }, 20_000);
});
