/* native/exit.c: adds exitNow to the addon's exports. */
#ifndef PREFLIGHT_EXIT_H
#define PREFLIGHT_EXIT_H
#include <node_api.h>
void register_exit(napi_env env, napi_value exports);
#endif
