/*
 * mapBytes(path): a file's bytes as an ArrayBuffer over a read-only mapping of it, for the
 * V8 code cache src/boot/load-bundle.ts hands to vm.Script.
 * mapText(path): an ASCII file's text as an external string over such a mapping, for the
 * fast bundle's source, which vm.Script is given beside its code cache.
 *
 * Why: reading the 150-300 kB cache with readFileSync costs 0.6-1.5 ms on the machines
 * measured (docs/performance.md), most of it not the copy: Node's first Buffer read in a
 * process runs code it had not run yet, and every fresh page of the Buffer it fills is a page
 * fault that costs ~20 us in these VMs. A file mapping is faulted in from the page cache 16
 * pages at a time, and there is no copy. V8 reads the data once, while it compiles. The same
 * holds for the bundle's 120 kB of source, which V8 keeps as a string: read as UTF-8, Node
 * decodes it into a fresh string of V8's (0.5 ms); as an external string V8 uses the
 * mapping's pages themselves, and with the code cache it reads hardly any of them.
 *
 * Undefined when the file cannot be opened or mapped (the caller then reads it as before);
 * mapBytes gives a copy when this Node does not allow external buffers, mapText undefined for
 * a file that is not all ASCII (Latin-1 would misread UTF-8) or a Node without external
 * strings (node_api_create_external_string_latin1, looked up when first needed, so that the
 * addon loads on any Node). Only files that are replaced by rename, never changed in place,
 * are mapped (the build's bundles and caches, preflight's own caches): a file truncated under
 * a mapping faults (SIGBUS) when a page past its new end is read.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <dlfcn.h>
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

/*
 * The file named by the call's one argument, mapped read-only, and its size; NULL when there
 * is no argument, no regular file with bytes, or no mapping. The caller unmaps it.
 */
static void *map_argument(napi_env env, napi_callback_info info, size_t *size) {
  size_t argc = 1;
  napi_value args[1];
  char path[4096];
  size_t length;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_string_utf8(env, args[0], path, sizeof path, &length) != napi_ok ||
      length >= sizeof path - 1) {
    return NULL;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  struct stat status;
  if (fstat(fd, &status) != 0 || !S_ISREG(status.st_mode) || status.st_size <= 0) {
    close(fd);
    return NULL;
  }
  *size = (size_t)status.st_size;
  void *bytes = mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  return bytes == MAP_FAILED ? NULL : bytes;
}

static napi_value map_bytes(napi_env env, napi_callback_info info) {
  napi_value result;
  napi_get_undefined(env, &result);
  size_t size;
  void *bytes = map_argument(env, info, &size);
  if (bytes == NULL) return result;
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

/* node_api_create_external_string_latin1, an experimental N-API in Node 20 (20.4 and later). */
typedef napi_status (*create_external_latin1_t)(napi_env env, char *text, size_t length,
                                                void (*finalize)(napi_env, void *, void *),
                                                void *hint, napi_value *result, bool *copied);

static create_external_latin1_t external_latin1(void) {
  static create_external_latin1_t found;
  static bool looked;
  if (!looked) {
    found = (create_external_latin1_t)dlsym(RTLD_DEFAULT, "node_api_create_external_string_latin1");
    looked = true;
  }
  return found;
}

static bool all_ascii(const char *text, size_t size) {
  for (size_t i = 0; i < size; i++) {
    if ((unsigned char)text[i] >= 0x80) return false;
  }
  return true;
}

static napi_value map_text(napi_env env, napi_callback_info info) {
  napi_value result;
  napi_get_undefined(env, &result);
  create_external_latin1_t create = external_latin1();
  size_t size;
  char *text = create == NULL ? NULL : map_argument(env, info, &size);
  if (text == NULL) return result;
  /* Copied (V8 made a string of its own instead): the finalizer has unmapped it already. */
  bool copied = false;
  if (!all_ascii(text, size) ||
      create(env, text, size, unmap, (void *)(uintptr_t)size, &result, &copied) != napi_ok) {
    munmap(text, size);
    napi_get_undefined(env, &result);
  }
  return result;
}

void register_map_file(napi_env env, napi_value exports) {
  napi_value function;
  napi_create_function(env, "mapText", NAPI_AUTO_LENGTH, map_text, NULL, &function);
  napi_set_named_property(env, exports, "mapText", function);
  napi_create_function(env, "mapBytes", NAPI_AUTO_LENGTH, map_bytes, NULL, &function);
  napi_set_named_property(env, exports, "mapBytes", function);
}
