/*
 * SHA-256 and HMAC-SHA-256 (FIPS 180-4, RFC 2104) for src/util/digest.ts, in the same addon
 * as the spawner (which a wrapped command loads anyway).
 *
 * Why: node:crypto costs ~6 ms to load, so preflight hashes what the everyday path hashes (an
 * audit record, ~1-2 kB) in plain JavaScript (src/util/sha256.ts). Run once per process, that
 * code stays in V8's interpreter: about 20 us a block, 0.5-0.6 ms for one audit record after
 * the command has ended, and 13-16 ms for the policy's 20 kB hash and 26 kB seal on the first
 * run after a policy changes. Here it is microseconds. The results must be the JavaScript
 * version's to the bit: src/util/digest.test.ts compares the three (this, sha256.ts,
 * node:crypto) on the same inputs.
 *
 * Strings are hashed as their UTF-8 bytes, a lone surrogate as U+FFFD, as Buffer.from(s) and
 * node:crypto do (napi_get_value_string_utf8 replaces them the same way).
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
};

typedef struct {
  uint32_t state[8];
  uint8_t block[64];
  size_t used;     /* bytes waiting in block */
  uint64_t total;  /* bytes hashed so far */
} sha256_t;

static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void compress(uint32_t state[8], const uint8_t *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++) {
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
           (uint32_t)p[4 * i + 3];
  }
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
  }
  state[0] += a, state[1] += b, state[2] += c, state[3] += d;
  state[4] += e, state[5] += f, state[6] += g, state[7] += h;
}

static void sha256_init(sha256_t *s) {
  static const uint32_t initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(s->state, initial, sizeof initial);
  s->used = 0;
  s->total = 0;
}

static void sha256_update(sha256_t *s, const uint8_t *data, size_t length) {
  s->total += length;
  if (s->used > 0) {
    size_t take = 64 - s->used < length ? 64 - s->used : length;
    memcpy(s->block + s->used, data, take);
    s->used += take, data += take, length -= take;
    if (s->used < 64) return;
    compress(s->state, s->block);
    s->used = 0;
  }
  for (; length >= 64; data += 64, length -= 64) compress(s->state, data);
  memcpy(s->block, data, length);
  s->used = length;
}

static void sha256_final(sha256_t *s, uint8_t out[32]) {
  uint64_t bits = s->total * 8;
  static const uint8_t pad[64] = {0x80};
  size_t padding = s->used < 56 ? 56 - s->used : 120 - s->used;
  sha256_update(s, pad, padding);
  uint8_t length[8];
  for (int i = 0; i < 8; i++) length[i] = (uint8_t)(bits >> (56 - 8 * i));
  sha256_update(s, length, 8);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (uint8_t)(s->state[i] >> 24), out[4 * i + 1] = (uint8_t)(s->state[i] >> 16);
    out[4 * i + 2] = (uint8_t)(s->state[i] >> 8), out[4 * i + 3] = (uint8_t)s->state[i];
  }
}

/* Feeds a JavaScript string (as UTF-8) or Uint8Array to the hash; false on anything else. */
static int update_with(napi_env env, sha256_t *s, napi_value value) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return 0;
  if (type == napi_string) {
    size_t length;
    if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return 0;
    char small[4096];
    char *bytes = length < sizeof small ? small : malloc(length + 1);
    if (bytes == NULL) return 0;
    int ok = napi_get_value_string_utf8(env, value, bytes, length + 1, &length) == napi_ok;
    if (ok) sha256_update(s, (const uint8_t *)bytes, length);
    if (bytes != small) free(bytes);
    return ok;
  }
  bool is_typed;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return 0;
  napi_typedarray_type array_type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, value, &array_type, &length, &data, NULL, NULL) != napi_ok ||
      array_type != napi_uint8_array) {
    return 0;
  }
  sha256_update(s, data, length);
  return 1;
}

static napi_value hex_of(napi_env env, const uint8_t digest[32]) {
  static const char digits[] = "0123456789abcdef";
  char hex[64];
  for (int i = 0; i < 32; i++) hex[2 * i] = digits[digest[i] >> 4], hex[2 * i + 1] = digits[digest[i] & 15];
  napi_value result;
  napi_create_string_latin1(env, hex, 64, &result);
  return result;
}

/* sha256Hex(parts: (string | Uint8Array)[]): the hex digest of the parts, one after another. */
static napi_value sha256_hex(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  uint32_t count;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_array_length(env, args[0], &count) != napi_ok) {
    napi_throw_type_error(env, NULL, "sha256Hex takes an array of strings and Uint8Arrays");
    return NULL;
  }
  sha256_t s;
  sha256_init(&s);
  for (uint32_t i = 0; i < count; i++) {
    napi_value part;
    if (napi_get_element(env, args[0], i, &part) != napi_ok || !update_with(env, &s, part)) {
      napi_throw_type_error(env, NULL, "sha256Hex takes an array of strings and Uint8Arrays");
      return NULL;
    }
  }
  uint8_t digest[32];
  sha256_final(&s, digest);
  return hex_of(env, digest);
}

/* hmacSha256Hex(key: Uint8Array, data: string | Uint8Array): RFC 2104 with SHA-256. */
static napi_value hmac_sha256_hex(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  bool is_typed = false;
  napi_typedarray_type key_type;
  size_t key_length = 0;
  void *key = NULL;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc < 2 ||
      napi_is_typedarray(env, args[0], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, args[0], &key_type, &key_length, &key, NULL, NULL) != napi_ok ||
      key_type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "hmacSha256Hex takes a Uint8Array key and the data");
    return NULL;
  }
  uint8_t block[64] = {0};
  sha256_t s;
  if (key_length > 64) {
    sha256_init(&s);
    sha256_update(&s, key, key_length);
    sha256_final(&s, block);
  } else if (key_length > 0) {
    memcpy(block, key, key_length);
  }
  uint8_t pad[64], inner[32], outer[32];
  for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x36;
  sha256_init(&s);
  sha256_update(&s, pad, 64);
  if (!update_with(env, &s, args[1])) {
    napi_throw_type_error(env, NULL, "hmacSha256Hex takes a Uint8Array key and the data");
    return NULL;
  }
  sha256_final(&s, inner);
  for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x5c;
  sha256_init(&s);
  sha256_update(&s, pad, 64);
  sha256_update(&s, inner, 32);
  sha256_final(&s, outer);
  return hex_of(env, outer);
}

void register_sha256(napi_env env, napi_value exports) {
  napi_value function;
  napi_create_function(env, "sha256Hex", NAPI_AUTO_LENGTH, sha256_hex, NULL, &function);
  napi_set_named_property(env, exports, "sha256Hex", function);
  napi_create_function(env, "hmacSha256Hex", NAPI_AUTO_LENGTH, hmac_sha256_hex, NULL, &function);
  napi_set_named_property(env, exports, "hmacSha256Hex", function);
}
