/* PBKDF2-HMAC-SHA256 iterations of 16 derivations at once in AVX-512 vectors, for progress/pbkdf2.py.
 *
 * The loop of pbkdf2_shani.c (U_2 .. U_c of the first 32-byte block, each step
 * SHA-256(opad-state, SHA-256(ipad-state, U_{j-1})), the key block and U_1 from Python), with
 * each of the 16 32-bit lanes of a vector holding a word of another derivation: one vector
 * instruction does a step of SHA-256 for 16 derivations, rotations are single instructions, and
 * Ch, Maj and the three-way XORs are one ternary-logic instruction each. Where the processor has
 * AVX-512 this does the same work in less time than the SHA extensions (bench/progress.py).
 *
 * The same bytes as any PBKDF2-HMAC-SHA256: progress/pbkdf2.py checks a known answer before it
 * uses this library, and tests/test_progress_pbkdf2.py compares it with OpenSSL's.
 */
#include <stdint.h>
#include <stddef.h>
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f")))
#define LANES 16

#include "sha256_constants.h"

/* ternary-logic tables: f(A, B, C) at bit A<<2 | B<<1 | C */
#define XOR3 0x96
#define CHOOSE 0xCA /* A ? B : C */
#define MAJORITY 0xE8

#define ROR(x, n) _mm512_ror_epi32((x), (n))
#define BIG_SIGMA0(a) _mm512_ternarylogic_epi32(ROR(a, 2), ROR(a, 13), ROR(a, 22), XOR3)
#define BIG_SIGMA1(e) _mm512_ternarylogic_epi32(ROR(e, 6), ROR(e, 11), ROR(e, 25), XOR3)
#define SMALL_SIGMA0(w) _mm512_ternarylogic_epi32(ROR(w, 7), ROR(w, 18), _mm512_srli_epi32(w, 3), XOR3)
#define SMALL_SIGMA1(w) _mm512_ternarylogic_epi32(ROR(w, 17), ROR(w, 19), _mm512_srli_epi32(w, 10), XOR3)
#define ADD(x, y) _mm512_add_epi32((x), (y))

/* One compression of 16 message words w (overwritten: the schedule runs in place) into h. */
TARGET static inline __attribute__((always_inline)) void compress(__m512i h[8], __m512i w[16]) {
    __m512i a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
#pragma GCC unroll 64
    for (int t = 0; t < 64; t++) {
        if (t >= 16)
            w[t & 15] = ADD(ADD(SMALL_SIGMA1(w[(t - 2) & 15]), w[(t - 7) & 15]),
                            ADD(SMALL_SIGMA0(w[(t - 15) & 15]), w[t & 15]));
        __m512i t1 = ADD(ADD(hh, BIG_SIGMA1(e)),
                         ADD(_mm512_ternarylogic_epi32(e, f, g, CHOOSE), ADD(_mm512_set1_epi32((int)K[t]), w[t & 15])));
        __m512i t2 = ADD(BIG_SIGMA0(a), _mm512_ternarylogic_epi32(a, b, c, MAJORITY));
        hh = g; g = f; f = e; e = ADD(d, t1);
        d = c; c = b; b = a; a = ADD(t1, t2);
    }
    h[0] = ADD(h[0], a); h[1] = ADD(h[1], b); h[2] = ADD(h[2], c); h[3] = ADD(h[3], d);
    h[4] = ADD(h[4], e); h[5] = ADD(h[5], f); h[6] = ADD(h[6], g); h[7] = ADD(h[7], hh);
}

static inline uint32_t load_be(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void store_be(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* word i of each of 16 byte strings (lane l: bytes + stride * l), XORed with x */
TARGET static inline __m512i gather_words(const uint8_t *bytes, size_t stride, int i, int k, uint32_t x) {
    uint32_t v[LANES];
    for (int l = 0; l < LANES; l++)  /* lanes past k repeat the last derivation; dropped at the end */
        v[l] = load_be(bytes + stride * (size_t)(l < k ? l : k - 1) + 4 * i) ^ x;
    return _mm512_loadu_si512(v);
}

/* SHA-256's state after one 64-byte block: the key block XORed with ipad or opad, per lane */
TARGET static void after_key_block(__m512i h[8], const uint8_t *keys, int k, uint32_t pad) {
    __m512i w[16];
    for (int i = 0; i < 16; i++) w[i] = gather_words(keys, 64, i, k, pad);
    for (int i = 0; i < 8; i++) h[i] = _mm512_set1_epi32((int)IV[i]);
    compress(h, w);
}

TARGET static void run16(int k, const uint8_t *keys, const uint8_t *u1, uint32_t iterations, uint8_t *out) {
    __m512i inner[8], outer[8], u[8], t[8];
    after_key_block(inner, keys, k, 0x36363636u);
    after_key_block(outer, keys, k, 0x5c5c5c5cu);
    for (int i = 0; i < 8; i++) u[i] = t[i] = gather_words(u1, 32, i, k, 0);
    const __m512i zero = _mm512_setzero_si512(), one_bit = _mm512_set1_epi32((int)0x80000000),
                  length = _mm512_set1_epi32(768); /* a 32-byte message after a 64-byte block: 768 bits */
    for (uint32_t j = 1; j < iterations; j++) {
        __m512i w[16], s[8];
        for (int i = 0; i < 8; i++) { w[i] = u[i]; s[i] = inner[i]; }
        w[8] = one_bit; w[9] = w[10] = w[11] = w[12] = w[13] = w[14] = zero; w[15] = length;
        compress(s, w);
        for (int i = 0; i < 8; i++) { w[i] = s[i]; u[i] = outer[i]; }
        w[8] = one_bit; w[9] = w[10] = w[11] = w[12] = w[13] = w[14] = zero; w[15] = length;
        compress(u, w);
        for (int i = 0; i < 8; i++) t[i] = _mm512_xor_si512(t[i], u[i]);
    }
    for (int i = 0; i < 8; i++) {
        uint32_t v[LANES];
        _mm512_storeu_si512(v, t[i]);
        for (int l = 0; l < k; l++) store_be(out + 32 * l + 4 * i, v[l]);
    }
}

int pbkdf2_avx512_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

/* n derivations with the same iteration count, 16 at a time; the arguments as pbkdf2_shani's.
 * Returns 0, or -1 when the processor (or its system) does not run AVX-512. */
TARGET int pbkdf2_avx512(size_t n, const uint8_t *keys, const uint8_t *u1, uint32_t iterations, uint8_t *out) {
    if (!pbkdf2_avx512_supported()) return -1;
    for (size_t first = 0; first < n; first += LANES) {
        int k = (n - first < LANES) ? (int)(n - first) : LANES;
        run16(k, keys + 64 * first, u1 + 32 * first, iterations, out + 32 * first);
    }
    return 0;
}
