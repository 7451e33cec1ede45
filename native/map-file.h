/* native/map-file.c: adds mapBytes to the addon's exports. */
#ifndef PREFLIGHT_MAP_FILE_H
#define PREFLIGHT_MAP_FILE_H
#include <node_api.h>
void register_map_file(napi_env env, napi_value exports);
#endif
