/* native/identity.c: adds identity to the addon's exports. */
#ifndef PREFLIGHT_IDENTITY_H
#define PREFLIGHT_IDENTITY_H
#include <node_api.h>
void register_identity(napi_env env, napi_value exports);
#endif
