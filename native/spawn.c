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
 * The command is started, and its exit awaited (waitpid), by a thread of its own, which reports
 * both to JavaScript through a thread-safe function. So the event loop is free from the moment
 * spawn() returns: posix_spawn waits until the child has called execve (about 1.5 ms on the
 * machines preflight was measured on), and preflight prepares its audit record in that time
 * instead of after it; it forwards signals to the command and writes the record while the
 * command runs.
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
#define ADDON_VERSION 3 /* 2 added sha256.c, map-file.c, identity.c, exit.c; 3: spawn's events, readySpawner */

/* What spawn() reports, in this order: STARTED or FAILED, then (after STARTED) EXITED. */
enum { EVENT_STARTED = 0, EVENT_FAILED = 1, EVENT_EXITED = 2 };

typedef struct {
  int kind;
  int a; /* the pid; the errno; the exit code, or -1 when a signal ended it */
  int b; /* for EXITED, the number of the signal that ended it, else 0 */
} event_t;

/* On the JavaScript thread: onEvent(kind, a, b). The event is freed here. */
static void report_event(napi_env env, napi_value callback, void *context, void *data) {
  (void)context;
  event_t event = *(event_t *)data;
  free(data);
  if (env == NULL || callback == NULL) return; /* Node is shutting down */
  napi_value args[3], undefined;
  napi_create_int32(env, event.kind, &args[0]);
  napi_create_int32(env, event.a, &args[1]);
  napi_create_int32(env, event.b, &args[2]);
  napi_get_undefined(env, &undefined);
  napi_call_function(env, undefined, callback, 3, args, NULL);
}

static void post_event(napi_threadsafe_function events, int kind, int a, int b) {
  event_t *event = malloc(sizeof(event_t));
  if (event == NULL) return;
  *event = (event_t){kind, a, b};
  if (napi_call_threadsafe_function(events, event, napi_tsfn_blocking) != napi_ok) free(event);
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

/* Everything the starting thread needs; it owns (and frees) all of it. */
typedef struct {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  char *file;
  char **argv;
  char **envp;
  char *cwd;
  napi_threadsafe_function events;
} job_t;

static void free_job(job_t *job) {
  posix_spawn_file_actions_destroy(&job->actions);
  posix_spawnattr_destroy(&job->attributes);
  free(job->file), free_strings(job->argv), free_strings(job->envp), free(job->cwd);
  free(job);
}

/* What ps and /proc/PID/task/TID/comm call the threads that start and await commands. */
#define THREAD_NAME "preflight-spawn"

/* The thread: starts the command, reports that, awaits its exit and reports that. */
static void *start_and_await(void *arg) {
  pthread_setname_np(pthread_self(), THREAD_NAME);
  job_t *job = arg;
  napi_threadsafe_function events = job->events;
  pid_t pid = 0;
  launch_t how = {&job->actions, &job->attributes, job->argv, job->envp};
  int error = launch_searching(&how, job->file, &pid);
  free_job(job);
  if (error != 0) {
    post_event(events, EVENT_FAILED, error, 0);
  } else {
    post_event(events, EVENT_STARTED, pid, 0);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    post_event(events, EVENT_EXITED, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
               WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  }
  napi_release_threadsafe_function(events, napi_tsfn_release);
  return NULL;
}

/*
 * A thread started ahead of the command (readySpawner), parked until spawn() hands it a job.
 * A thread created when the command is due waits for a CPU: Linux places it on the creating
 * thread's CPU, where JavaScript keeps running, and on the machines preflight was measured on
 * it started 0.3-4 ms later; a parked thread wakes on the other CPU in tens of microseconds.
 */
static struct {
  pthread_mutex_t lock;
  pthread_cond_t handed;
  bool exists; /* started and not yet given a job */
  job_t *job;
} spare = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, NULL};

static void *spare_thread(void *arg) {
  (void)arg;
  pthread_setname_np(pthread_self(), THREAD_NAME);
  pthread_mutex_lock(&spare.lock);
  while (spare.job == NULL) pthread_cond_wait(&spare.handed, &spare.lock);
  job_t *job = spare.job;
  spare.job = NULL;
  pthread_mutex_unlock(&spare.lock);
  return start_and_await(job);
}

/* A detached thread with a small stack and every signal blocked (see spawn()). */
static int start_thread(void *(*main)(void *), void *arg) {
  pthread_t thread;
  pthread_attr_t attributes;
  sigset_t all, mask;
  sigfillset(&all);
  pthread_attr_init(&attributes);
  pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attributes, 64 * 1024);
  pthread_sigmask(SIG_SETMASK, &all, &mask);
  int error = pthread_create(&thread, &attributes, main, arg);
  pthread_sigmask(SIG_SETMASK, &mask, NULL);
  pthread_attr_destroy(&attributes);
  return error;
}

/* readySpawner(): starts the spare thread the next spawn() will use, if none is waiting. */
static napi_value ready_spawner(napi_env env, napi_callback_info info) {
  (void)info;
  pthread_mutex_lock(&spare.lock);
  if (!spare.exists && start_thread(spare_thread, NULL) == 0) spare.exists = true;
  pthread_mutex_unlock(&spare.lock);
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  return undefined;
}

/* Gives the job to the spare thread; false when there is none. */
static bool hand_to_spare(job_t *job) {
  pthread_mutex_lock(&spare.lock);
  bool handed = spare.exists && spare.job == NULL;
  if (handed) {
    spare.job = job;
    spare.exists = false;
    pthread_cond_signal(&spare.handed);
  }
  pthread_mutex_unlock(&spare.lock);
  return handed;
}

/*
 * spawn(file, argv, envPairs, cwd, detached, onEvent): starts the command on a thread of its
 * own and returns at once. onEvent(kind, a, b) is then called on the JavaScript thread with
 * STARTED (a: the pid) or FAILED (a: the errno, as uv_spawn's), and after STARTED with EXITED
 * (a: the exit code, or -1 and b: the signal that ended it). Throws a TypeError for wrong
 * arguments and an Error when no thread could be started; nothing is started then.
 */
static napi_value spawn(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value args[6];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  bool detached = false;
  napi_valuetype callback_type = napi_undefined;
  if (argc == 6) {
    napi_get_value_bool(env, args[4], &detached);
    napi_typeof(env, args[5], &callback_type);
  }
  job_t *job = calloc(1, sizeof(job_t));
  if (job == NULL) {
    napi_throw_error(env, NULL, "preflight's spawner is out of memory");
    return NULL;
  }
  posix_spawn_file_actions_init(&job->actions);
  posix_spawnattr_init(&job->attributes);
  job->file = argc == 6 ? utf8(env, args[0]) : NULL;
  job->argv = argc == 6 ? utf8_array(env, args[1]) : NULL;
  job->envp = argc == 6 ? utf8_array(env, args[2]) : NULL;
  job->cwd = argc == 6 ? utf8(env, args[3]) : NULL;
  if (job->file == NULL || job->argv == NULL || job->argv[0] == NULL || job->envp == NULL ||
      job->cwd == NULL || callback_type != napi_function) {
    free_job(job);
    napi_throw_type_error(env, NULL, "spawn(file, argv, envPairs, cwd, detached, onEvent)");
    return NULL;
  }

  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&job->attributes, &all);
  posix_spawnattr_setsigmask(&job->attributes, &none);
  posix_spawnattr_setflags(&job->attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
                                                 (detached ? POSIX_SPAWN_SETSID : 0));
  /* Here, not on the thread: stdio's blocking mode is changed before spawn() returns. */
  int error = posix_spawn_file_actions_addchdir_np(&job->actions, job->cwd);
  if (error == 0) error = inherit_stdio(&job->actions);
  napi_value name;
  napi_create_string_utf8(env, "preflight-spawn", NAPI_AUTO_LENGTH, &name);
  if (error != 0 ||
      napi_create_threadsafe_function(env, args[5], NULL, name, 0, 1, NULL, NULL, NULL,
                                      report_event, &job->events) != napi_ok) {
    free_job(job);
    napi_throw_error(env, NULL, "preflight's spawner could not prepare the command");
    return NULL;
  }
  napi_threadsafe_function events = job->events;
  /* Its thread blocks every signal, so that Node's signals are handled on Node's own threads
     and never interrupt the start or the wait (the child's mask is set above, not inherited). */
  if (!hand_to_spare(job) && start_thread(start_and_await, job) != 0) {
    napi_release_threadsafe_function(events, napi_tsfn_abort);
    free_job(job);
    napi_throw_error(env, NULL, "preflight's spawner could not start a thread for the command");
    return NULL;
  }
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  return undefined;
}

NAPI_MODULE_INIT() {
  napi_value function, version;
  napi_create_function(env, "spawn", NAPI_AUTO_LENGTH, spawn, NULL, &function);
  napi_set_named_property(env, exports, "spawn", function);
  napi_create_function(env, "readySpawner", NAPI_AUTO_LENGTH, ready_spawner, NULL, &function);
  napi_set_named_property(env, exports, "readySpawner", function);
  napi_create_int32(env, ADDON_VERSION, &version);
  napi_set_named_property(env, exports, "version", version);
  register_sha256(env, exports);
  register_map_file(env, exports);
  register_identity(env, exports);
  register_exit(env, exports);
  return exports;
}
