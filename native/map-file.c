/*
 * mapBytes(path): a file's bytes as an ArrayBuffer over a read-only mapping of it, for the
 * V8 code cache src/boot/load-bundle.ts hands to vm.Script.
 *
 * Why: reading the 150-300 kB cache with readFileSync costs 0.6-1.5 ms on the machines
 * measured (docs/performance.md), most of it not the copy: Node's first Buffer read in a
 * process runs code it had not run yet, and every fresh page of the Buffer it fills is a page
 * fault that costs ~20 us in these VMs. A file mapping is faulted in from the page cache 16
 * pages at a time, and there is no copy. V8 reads the data once, while it compiles.
 *
 * Undefined when the file cannot be opened or mapped (the caller then reads it as before);
 * a copy when this Node does not allow external buffers. Only files preflight writes by
 * rename (the build's cache, its own) are mapped: one truncated under a mapping would fault.
 */
#define NAPI_VERSION 8
#include <fcntl.h>
#include <node_api.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "map-file.h"

static void unmap(napi_env env, void *data, void *hint) {
  (void)env;
  munmap(data, (size_t)(uintptr_t)hint);
}

static napi_value map_bytes(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1], result;
  napi_get_undefined(env, &result);
  char path[4096];
  size_t length;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_string_utf8(env, args[0], path, sizeof path, &length) != napi_ok ||
      length >= sizeof path - 1) {
    return result;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return result;
  struct stat status;
  if (fstat(fd, &status) != 0 || !S_ISREG(status.st_mode) || status.st_size <= 0) {
    close(fd);
    return result;
  }
  size_t size = (size_t)status.st_size;
  void *bytes = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (bytes == MAP_FAILED) return result;
  if (napi_create_external_arraybuffer(env, bytes, size, unmap, (void *)(uintptr_t)size,
                                       &result) == napi_ok) {
    return result;
  }
  /* External buffers not allowed here (a V8 sandbox): a copy. */
  void *copy;
  if (napi_create_buffer_copy(env, size, bytes, &copy, &result) != napi_ok) {
    napi_get_undefined(env, &result);
  }
  munmap(bytes, size);
  return result;
}

void register_map_file(napi_env env, napi_value exports) {
  napi_value function;
  napi_create_function(env, "mapBytes", NAPI_AUTO_LENGTH, map_bytes, NULL, &function);
  napi_set_named_property(env, exports, "mapBytes", function);
}
