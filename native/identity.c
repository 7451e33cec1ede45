/*
 * identity(): [the effective user's account name or null, the host name], as Node's
 * os.userInfo().username and os.hostname() give them (libuv: getpwuid_r(geteuid()) and
 * gethostname()), for the audit record and the log's lock (src/util/identity.ts).
 *
 * Why: an unguarded run names its user and host in the record it writes while the command
 * runs; loading node:os for that, and its first userInfo(), cost 0.6-0.9 ms on the machines
 * measured, more than a command as short as `true` takes (docs/performance.md).
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <pwd.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "identity.h"

static napi_value identity(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, user, host;
  napi_create_array_with_length(env, 2, &result);
  napi_get_null(env, &user);
  long suggested = sysconf(_SC_GETPW_R_SIZE_MAX);
  size_t size = suggested > 0 ? (size_t)suggested : 16384;
  for (int attempt = 0; attempt < 4; attempt++, size *= 4) {
    char *buffer = malloc(size);
    if (buffer == NULL) break;
    struct passwd entry, *found = NULL;
    int error = getpwuid_r(geteuid(), &entry, buffer, size, &found);
    if (error == 0 && found != NULL && found->pw_name != NULL) {
      napi_create_string_utf8(env, found->pw_name, NAPI_AUTO_LENGTH, &user);
    }
    free(buffer);
    if (error != ERANGE) break;
  }
  char name[256 + 1];
  if (gethostname(name, sizeof name - 1) == 0) {
    name[sizeof name - 1] = '\0';
    napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &host);
  } else {
    napi_get_null(env, &host);
  }
  napi_set_element(env, result, 0, user);
  napi_set_element(env, result, 1, host);
  return result;
}

void register_identity(napi_env env, napi_value exports) {
  napi_value function;
  napi_create_function(env, "identity", NAPI_AUTO_LENGTH, identity, NULL, &function);
  napi_set_named_property(env, exports, "identity", function);
}
