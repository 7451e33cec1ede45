import { accountName } from "../util/identity.js";

/** Who runs preflight, for the audit record: the account name, else $USER / $LOGNAME. */
export function currentUser(env: Record<string, string | undefined>): string {
  return accountName() ?? env.USER ?? env.LOGNAME ?? "unknown";
}
