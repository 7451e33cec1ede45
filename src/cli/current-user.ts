import { os } from "../util/os.js";

/** Who runs preflight, for the audit record: the account name, else $USER / $LOGNAME. */
export function currentUser(env: Record<string, string | undefined>): string {
  try {
    return os().userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? "unknown";
  }
}
