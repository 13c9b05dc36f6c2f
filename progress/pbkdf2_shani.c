/* PBKDF2-HMAC-SHA256 iterations with the x86 SHA extensions, for progress/pbkdf2.py.
 *
 * Only the loop that costs anything is here: U_2 .. U_c of the first 32-byte block, where each
 * step is HMAC(P, U_{j-1}) = SHA-256(opad-state, SHA-256(ipad-state, U_{j-1})). The HMAC key
 * block and U_1 come from Python (hashlib/hmac), so this file holds no padding or key logic but
 * the fixed one-block messages of that loop: a 32-byte U after a 64-byte key block is 96 bytes,
 * so its block is U, 0x80, zeros, and the bit length 768.
 *
 * OpenSSL's PBKDF2 runs the same compressions through its HMAC and EVP layers on every
 * iteration (~2x the raw SHA-256 work on this project's machines); here each iteration is two
 * calls of one compression function on words, and `lanes` independent derivations run side by
 * side so that the long dependency chain of one SHA-256 does not leave the SHA unit idle.
 *
 * The same bytes as any PBKDF2-HMAC-SHA256: progress/pbkdf2.py checks a known answer before it
 * uses this library, and tests/test_progress_pbkdf2.py compares it with OpenSSL's.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <cpuid.h>
#include <immintrin.h>

#define TARGET __attribute__((target("sha,sse4.1,ssse3")))
#define MAX_LANES 4

#include "sha256_constants.h"

/* The state as the SHA instructions keep it: s0 = lanes (F, E, B, A), s1 = (H, G, D, C). */
typedef struct { __m128i s0, s1; } state_t;

TARGET static inline state_t from_words(const uint32_t h[8]) {
    __m128i abcd = _mm_loadu_si128((const __m128i *)h), efgh = _mm_loadu_si128((const __m128i *)(h + 4));
    __m128i badc = _mm_shuffle_epi32(abcd, 0xB1), hgfe = _mm_shuffle_epi32(efgh, 0x1B);
    state_t s = {_mm_alignr_epi8(badc, hgfe, 8), _mm_blend_epi16(hgfe, badc, 0xF0)};
    return s;
}

/* The digest's words A..H as two vectors (A lowest), ready to be the next message's first half. */
TARGET static inline void to_words(state_t s, __m128i *abcd, __m128i *efgh) {
    __m128i abef = _mm_shuffle_epi32(s.s0, 0x1B), ghcd = _mm_shuffle_epi32(s.s1, 0xB1);
    *abcd = _mm_blend_epi16(abef, ghcd, 0xF0);
    *efgh = _mm_alignr_epi8(ghcd, abef, 8);
}

/* One compression of the 16 message words m[0..3] (four words a vector, first word lowest). */
TARGET static inline state_t compress(state_t in, __m128i m0, __m128i m1, __m128i m2, __m128i m3) {
    __m128i a = in.s0, b = in.s1, msg, w[4] = {m0, m1, m2, m3};
    for (int i = 0; i < 16; i++) {
        if (i >= 4) {
            __m128i x = _mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]);
            x = _mm_add_epi32(x, _mm_alignr_epi8(w[(i + 3) & 3], w[(i + 2) & 3], 4));
            w[i & 3] = _mm_sha256msg2_epu32(x, w[(i + 3) & 3]);
        }
        msg = _mm_add_epi32(w[i & 3], _mm_loadu_si128((const __m128i *)(K + 4 * i)));
        b = _mm_sha256rnds2_epu32(b, a, msg);
        a = _mm_sha256rnds2_epu32(a, b, _mm_shuffle_epi32(msg, 0x0E));
    }
    state_t out = {_mm_add_epi32(a, in.s0), _mm_add_epi32(b, in.s1)};
    return out;
}

static inline uint32_t load_be(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void store_be(uint8_t *p, uint32_t v) {
    p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

/* SHA-256's state after one 64-byte block (the HMAC key XOR ipad or opad). */
TARGET static state_t after_block(const uint8_t block[64]) {
    uint32_t w[16];
    for (int i = 0; i < 16; i++) w[i] = load_be(block + 4 * i);
    return compress(from_words(IV), _mm_loadu_si128((const __m128i *)w), _mm_loadu_si128((const __m128i *)(w + 4)),
                    _mm_loadu_si128((const __m128i *)(w + 8)), _mm_loadu_si128((const __m128i *)(w + 12)));
}

/* 1 when this processor has the SHA extensions (and the SSE levels used beside them). */
int pbkdf2_shani_supported(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1)) return 0;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b >> 29) & 1;
}

/* `k` derivations (k <= L) side by side; L is a constant where this is inlined, so the compiler
 * can unroll the lanes and interleave their independent instruction chains. */
TARGET static inline __attribute__((always_inline)) void run_lanes(const int L, int k, const uint8_t *keys,
                                                                   const uint8_t *u1, uint32_t iterations,
                                                                   uint8_t *out) {
    const __m128i pad0 = _mm_set_epi32(0, 0, 0, (int)0x80000000), pad1 = _mm_set_epi32(768, 0, 0, 0);
    state_t inner[MAX_LANES], outer[MAX_LANES];
    __m128i u_lo[MAX_LANES], u_hi[MAX_LANES], t_lo[MAX_LANES], t_hi[MAX_LANES];
    for (int l = 0; l < L; l++) {  /* lanes past k repeat the last derivation; their result is dropped */
        int src = l < k ? l : k - 1;
        uint8_t block[64];
        for (int i = 0; i < 64; i++) block[i] = keys[64 * src + i] ^ 0x36;
        inner[l] = after_block(block);
        for (int i = 0; i < 64; i++) block[i] = keys[64 * src + i] ^ 0x5c;
        outer[l] = after_block(block);
        uint32_t w[8];
        for (int i = 0; i < 8; i++) w[i] = load_be(u1 + 32 * src + 4 * i);
        u_lo[l] = t_lo[l] = _mm_loadu_si128((const __m128i *)w);
        u_hi[l] = t_hi[l] = _mm_loadu_si128((const __m128i *)(w + 4));
    }
    for (uint32_t j = 1; j < iterations; j++) {
        for (int l = 0; l < L; l++) {
            state_t s = compress(inner[l], u_lo[l], u_hi[l], pad0, pad1);
            to_words(s, &u_lo[l], &u_hi[l]);
            s = compress(outer[l], u_lo[l], u_hi[l], pad0, pad1);
            to_words(s, &u_lo[l], &u_hi[l]);
            t_lo[l] = _mm_xor_si128(t_lo[l], u_lo[l]);
            t_hi[l] = _mm_xor_si128(t_hi[l], u_hi[l]);
        }
    }
    for (int l = 0; l < k; l++) {
        uint32_t w[8];
        _mm_storeu_si128((__m128i *)w, t_lo[l]);
        _mm_storeu_si128((__m128i *)(w + 4), t_hi[l]);
        for (int i = 0; i < 8; i++) store_be(out + 32 * l + 4 * i, w[i]);
    }
}

/* n derivations with the same iteration count, `lanes` (1, 2, 3 or 4) at a time.
 * keys: n HMAC key blocks of 64 bytes (the key, zero-padded; hashed first when over 64 bytes);
 * u1: n first blocks U_1 = HMAC(P, S || INT(1)), 32 bytes each; out: n results of 32 bytes.
 * Returns 0, or -1 when the processor lacks the SHA extensions or lanes is out of range. */
TARGET int pbkdf2_shani(size_t n, const uint8_t *keys, const uint8_t *u1, uint32_t iterations, uint8_t *out,
                        int lanes) {
    if (!pbkdf2_shani_supported() || lanes < 1 || lanes > 4) return -1;
    for (size_t first = 0; first < n; first += (size_t)lanes) {
        int k = (n - first < (size_t)lanes) ? (int)(n - first) : lanes;
        const uint8_t *kb = keys + 64 * first, *ub = u1 + 32 * first;
        uint8_t *ob = out + 32 * first;
        switch (lanes) {
            case 1: run_lanes(1, k, kb, ub, iterations, ob); break;
            case 2: run_lanes(2, k, kb, ub, iterations, ob); break;
            case 3: run_lanes(3, k, kb, ub, iterations, ob); break;
            default: run_lanes(4, k, kb, ub, iterations, ob); break;
        }
    }
    return 0;
}
