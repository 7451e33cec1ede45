/*
 * preflight's spawner: starts the wrapped command with posix_spawn instead of fork.
 *
 * Why: Node (libuv) starts a child with fork(), which copies the page tables of the whole
 * Node process and makes the child tear that copy down again in execve(). On the machines
 * preflight was measured on that is 4-6 ms per command, a quarter of everything an unguarded
 * `preflight run -- CMD` costs over `node -e 0`. glibc's posix_spawn uses
 * clone(CLONE_VM|CLONE_VFORK): no copy, about 1 ms. See docs/performance.md.
 *
 * It does what libuv's uv_spawn does for a command with inherited stdio (src/io/spawn-inherited.ts
 * keeps the two interchangeable, and its tests run both):
 *   - the program is looked up in the PATH of the environment given, as execvp does (an
 *     empty entry is the working folder; EACCES is remembered and the search goes on; a file
 *     the kernel cannot execute, ENOEXEC, is run by /bin/sh);
 *   - in the child: the working folder is changed, every signal is set back to its default
 *     and none is blocked, and with `detached` it gets a session of its own (setsid);
 *   - stdin, stdout and stderr are inherited (Node marks them close-on-exec; the child gets
 *     them without) and put back in blocking mode, as libuv's child does; every other
 *     descriptor Node holds is close-on-exec;
 *   - failures to start are returned as a negative errno, as uv_spawn returns them.
 *
 * The exit is awaited by a thread of its own (waitpid) and reported to JavaScript through a
 * thread-safe function, so the event loop stays free: preflight forwards signals to the
 * command and writes its audit record while the command runs.
 *
 * Linux only (posix_spawn_file_actions_addchdir_np, glibc 2.29+, and POSIX_SPAWN_SETSID).
 * The build (scripts/build.mjs) compiles it where a C compiler and Node's headers exist;
 * anywhere else preflight starts commands through Node as before.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "exit.h"
#include "identity.h"
#include "map-file.h"
#include "sha256.h"
#include <unistd.h>

#if !defined(__linux__) || !defined(__GLIBC__) || !__GLIBC_PREREQ(2, 29)
#error "the native spawner needs Linux with glibc 2.29 or later"
#endif

/* Bumped whenever any export's arguments or results change; src/util/native-addon.ts checks it. */
#define ADDON_VERSION 2 /* the addon's: 2 added sha256.c, map-file.c, identity.c, exit.c */

typedef struct {
  pid_t pid;
  napi_threadsafe_function on_exit;
  int status;
} waiter_t;

static void *await_exit(void *arg) {
  waiter_t *waiter = arg;
  napi_threadsafe_function on_exit = waiter->on_exit;
  int status = 0;
  while (waitpid(waiter->pid, &status, 0) < 0 && errno == EINTR) {
  }
  waiter->status = status;
  /* On success report_exit owns (and frees) the waiter; not touched here after the call. */
  if (napi_call_threadsafe_function(on_exit, waiter, napi_tsfn_blocking) != napi_ok) free(waiter);
  napi_release_threadsafe_function(on_exit, napi_tsfn_release);
  return NULL;
}

/* On the JavaScript thread: onExit(code, signal), code -1 when a signal ended it. */
static void report_exit(napi_env env, napi_value callback, void *context, void *data) {
  (void)context;
  waiter_t *waiter = data;
  int status = waiter->status;
  free(waiter);
  if (env == NULL || callback == NULL) return; /* Node is shutting down */
  napi_value args[2], undefined;
  napi_create_int32(env, WIFEXITED(status) ? WEXITSTATUS(status) : -1, &args[0]);
  napi_create_int32(env, WIFSIGNALED(status) ? WTERMSIG(status) : 0, &args[1]);
  napi_get_undefined(env, &undefined);
  napi_call_function(env, undefined, callback, 2, args, NULL);
}

static char *utf8(napi_env env, napi_value value) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return NULL;
  char *text = malloc(length + 1);
  if (text != NULL) napi_get_value_string_utf8(env, value, text, length + 1, &length);
  return text;
}

static void free_strings(char **strings) {
  if (strings == NULL) return;
  for (char **s = strings; *s != NULL; s++) free(*s);
  free(strings);
}

/* A JavaScript array of strings as a NULL-terminated array; NULL if any is not a string. */
static char **utf8_array(napi_env env, napi_value array) {
  uint32_t count = 0;
  if (napi_get_array_length(env, array, &count) != napi_ok) return NULL;
  char **strings = calloc(count + 1, sizeof(char *));
  if (strings == NULL) return NULL;
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    napi_get_element(env, array, i, &element);
    strings[i] = utf8(env, element);
    if (strings[i] == NULL) {
      free_strings(strings);
      return NULL;
    }
  }
  return strings;
}

static const char *path_of(char **envp) {
  for (char **entry = envp; *entry != NULL; entry++) {
    if (strncmp(*entry, "PATH=", 5) == 0) return *entry + 5;
  }
  return "/usr/bin:/bin"; /* libuv's and glibc's default when the environment has none */
}

typedef struct {
  posix_spawn_file_actions_t *actions;
  posix_spawnattr_t *attributes;
  char **argv;
  char **envp;
} launch_t;

/* One attempt at one file; an ENOEXEC file is handed to /bin/sh as execvp does. */
static int launch(const launch_t *how, const char *file, pid_t *pid) {
  int error = posix_spawn(pid, file, how->actions, how->attributes, how->argv, how->envp);
  if (error != ENOEXEC) return error;
  size_t count = 0;
  while (how->argv[count] != NULL) count++;
  char **script = calloc(count + 2, sizeof(char *));
  if (script == NULL) return ENOMEM;
  script[0] = "/bin/sh";
  script[1] = (char *)file;
  for (size_t i = 1; i < count; i++) script[i + 1] = how->argv[i];
  error = posix_spawn(pid, "/bin/sh", how->actions, how->attributes, script, how->envp);
  free(script);
  return error;
}

/* execvp's search: the first candidate that starts, else EACCES if one was refused so. */
/* (The lookup uses the PATH given for the command, as libuv does, not preflight's own.) */
static int launch_searching(const launch_t *how, const char *name, pid_t *pid) {
  if (name[0] == '\0') return ENOENT;
  if (strchr(name, '/') != NULL) return launch(how, name, pid);
  const char *path = path_of(how->envp);
  size_t name_length = strlen(name);
  char *candidate = malloc(strlen(path) + name_length + 2);
  if (candidate == NULL) return ENOMEM;
  int refused = 0, error = ENOENT;
  for (const char *start = path;; ) {
    const char *end = strchr(start, ':');
    size_t length = end != NULL ? (size_t)(end - start) : strlen(start);
    memcpy(candidate, start, length);
    if (length > 0) candidate[length++] = '/';
    memcpy(candidate + length, name, name_length + 1);
    /* A missing file fails execve the same way; asking first spares a vfork per entry. */
    error = access(candidate, F_OK) == 0 ? launch(how, candidate, pid) : errno;
    if (error == 0) break;
    if (error == EACCES) refused = 1;
    else if (error != ENOENT && error != ENOTDIR && error != ESTALE && error != ENODEV &&
             error != ETIMEDOUT)
      break;
    if (end == NULL) {
      if (refused) error = EACCES;
      break;
    }
    start = end + 1;
  }
  free(candidate);
  return error;
}

/*
 * stdin, stdout and stderr as the child's: Node marks them close-on-exec at start-up, and a
 * dup2 of a descriptor onto itself clears that in the child only (glibc 2.29+). One that is
 * closed stays closed. Blocking mode is cleared here, in the parent, because the child shares
 * the open file description (and libuv's child clears it just the same).
 */
static int inherit_stdio(posix_spawn_file_actions_t *actions) {
  for (int fd = 0; fd <= 2; fd++) {
    int flags = fcntl(fd, F_GETFL);
    if (flags == -1) continue;
    if (flags & O_NONBLOCK) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    int error = posix_spawn_file_actions_adddup2(actions, fd, fd);
    if (error != 0) return error;
  }
  return 0;
}

/*
 * spawn(file, argv, envPairs, cwd, detached, onExit): the pid, or a negative errno when the
 * command could not start (onExit is then never called).
 */
static napi_value spawn(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value args[6], result;
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  bool detached = false;
  napi_valuetype callback_type = napi_undefined;
  if (argc == 6) {
    napi_get_value_bool(env, args[4], &detached);
    napi_typeof(env, args[5], &callback_type);
  }
  char *file = argc == 6 ? utf8(env, args[0]) : NULL;
  char **argv = argc == 6 ? utf8_array(env, args[1]) : NULL;
  char **envp = argc == 6 ? utf8_array(env, args[2]) : NULL;
  char *cwd = argc == 6 ? utf8(env, args[3]) : NULL;
  if (file == NULL || argv == NULL || argv[0] == NULL || envp == NULL || cwd == NULL ||
      callback_type != napi_function) {
    free(file), free_strings(argv), free_strings(envp), free(cwd);
    napi_throw_type_error(env, NULL, "spawn(file, argv, envPairs, cwd, detached, onExit)");
    return NULL;
  }

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
                                            (detached ? POSIX_SPAWN_SETSID : 0));
  int error = posix_spawn_file_actions_addchdir_np(&actions, cwd);
  pid_t pid = 0;
  if (error == 0) error = inherit_stdio(&actions);
  if (error == 0) {
    launch_t how = {&actions, &attributes, argv, envp};
    error = launch_searching(&how, file, &pid);
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  free(file), free_strings(argv), free_strings(envp), free(cwd);
  if (error != 0) {
    napi_create_int32(env, -error, &result);
    return result;
  }

  waiter_t *waiter = calloc(1, sizeof(waiter_t));
  napi_value name;
  napi_create_string_utf8(env, "preflight-await-exit", NAPI_AUTO_LENGTH, &name);
  pthread_t thread;
  pthread_attr_t thread_attributes;
  pthread_attr_init(&thread_attributes);
  pthread_attr_setdetachstate(&thread_attributes, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&thread_attributes, 64 * 1024);
  if (waiter == NULL ||
      napi_create_threadsafe_function(env, args[5], NULL, name, 0, 1, NULL, NULL, NULL,
                                      report_exit, &waiter->on_exit) != napi_ok) {
    free(waiter);
    waiter = NULL;
  } else {
    waiter->pid = pid;
    if (pthread_create(&thread, &thread_attributes, await_exit, waiter) != 0) {
      napi_release_threadsafe_function(waiter->on_exit, napi_tsfn_abort);
      free(waiter);
      waiter = NULL;
    }
  }
  pthread_attr_destroy(&thread_attributes);
  if (waiter == NULL) {
    /* The command started but its exit could not be awaited: stop it rather than lose it. */
    kill(detached ? -pid : pid, SIGKILL);
    waitpid(pid, NULL, 0);
    napi_throw_error(env, NULL, "preflight's spawner could not start a thread to await the command");
    return NULL;
  }
  napi_create_int32(env, pid, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value function, version;
  napi_create_function(env, "spawn", NAPI_AUTO_LENGTH, spawn, NULL, &function);
  napi_set_named_property(env, exports, "spawn", function);
  napi_create_int32(env, ADDON_VERSION, &version);
  napi_set_named_property(env, exports, "version", version);
  register_sha256(env, exports);
  register_map_file(env, exports);
  register_identity(env, exports);
  register_exit(env, exports);
  return exports;
}
