/** AWS SDK errors in words a person can act on, naming where preflight looked (never the keys). */
import type { AwsTarget } from "./target.js";

/** One line: what went wrong and where, e.g. "UnauthorizedOperation: … (profile prod, region eu-west-1)". */
export function describeAwsError(error: unknown, target: AwsTarget): string {
  const e = error as { name?: string; message?: string; Code?: string };
  const name = e.name ?? "Error";
  const message = (e.message ?? String(error)).split("\n")[0]!.trim();
  const where = `(${target.description})`;
  // Not "credentials: …": the secret scrubber would read that as a credential and mask it.
  if (name === "CredentialsProviderError") return `no usable AWS credentials (${message}) ${where}`;
  if (/region is missing/i.test(message)) {
    return `no AWS region: give the command --region, or set AWS_DEFAULT_REGION or the profile's region ${where}`;
  }
  if (name === "TimeoutError" || name === "AbortError") {
    return `AWS did not answer in time ${where}`;
  }
  if (name === "TypeError" && /fetch|ECONNREFUSED|connect/i.test(message)) {
    return `cannot reach AWS: ${message} ${where}`;
  }
  const code = e.Code && e.Code !== name ? ` ${e.Code}` : "";
  return `${name}${code}: ${message} ${where}`;
}
