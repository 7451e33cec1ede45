/* native/sha256.c: adds sha256Hex and hmacSha256Hex to the addon's exports. */
#ifndef PREFLIGHT_SHA256_H
#define PREFLIGHT_SHA256_H
#include <node_api.h>
void register_sha256(napi_env env, napi_value exports);
#endif
