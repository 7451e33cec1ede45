import { userInfo } from "node:os";

/** Who runs preflight, for the audit record: the account name, else $USER / $LOGNAME. */
export function currentUser(env: Record<string, string | undefined>): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? "unknown";
  }
}
