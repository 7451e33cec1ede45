/*
 * exitNow(code): _exit(code), for src/io/exit-promptly.ts once an unguarded run or a hook's
 * answer is done, its audit record written and its output flushed.
 *
 * Why: process.exit still tears Node down before the process ends (it drains and joins the
 * V8 platform's worker threads, runs static destructors): 2-3 ms on the machines measured,
 * paid after everything preflight does is over (docs/performance.md). Nothing is lost by
 * skipping it: preflight's writes are write(2)s the kernel already has, and the caller emits
 * "exit" first (boot writes its bytecode there) and does not come here while Node still
 * holds output, or when a coverage or profile file is to be written at exit.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <unistd.h>

#include "exit.h"

static napi_value exit_now(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  int32_t code = 0;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) == napi_ok && argc >= 1) {
    napi_get_value_int32(env, args[0], &code);
  }
  _exit(code & 0xff);
}

void register_exit(napi_env env, napi_value exports) {
  napi_value function;
  napi_create_function(env, "exitNow", NAPI_AUTO_LENGTH, exit_now, NULL, &function);
  napi_set_named_property(env, exports, "exitNow", function);
}
