/* Viterbi over a batch of sentences of one length, for redaction/tagger.py.
 *
 * Built by `make setup` into _viterbi.so and called through ctypes; where it is not built the
 * tagger runs its numpy version, which gives the same paths (tests/test_redaction_engine.py).
 * The same float additions in the same order as numpy's float32 ones, and no fast-math: for each
 * position and tag the best previous tag is the first of the highest sums, as numpy's argmax. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* emissions: n x width x tags, row-major; transitions: tags x tags, [from][to]; paths: n x width.
 * Returns 0, or -1 when tags > 255 or memory runs out. */
int viterbi_batch(int n, int width, int tags, const float *emissions, const float *transitions, int64_t *paths)
{
    if (tags < 1 || tags > 255 || width < 1)
        return -1;
    float *score = malloc(sizeof(float) * tags);
    float *best = malloc(sizeof(float) * tags);
    uint8_t *back = malloc((size_t)width * tags);
    if (!score || !best || !back) {
        free(score); free(best); free(back);
        return -1;
    }
    for (int row = 0; row < n; row++) {
        const float *em = emissions + (size_t)row * width * tags;
        memcpy(score, em, sizeof(float) * tags);
        for (int t = 1; t < width; t++) {
            uint8_t *bp = back + (size_t)t * tags;
            /* from = 0 first, then every later one that is strictly higher: the first of the highest */
            for (int to = 0; to < tags; to++) {
                best[to] = score[0] + transitions[to];
                bp[to] = 0;
            }
            for (int from = 1; from < tags; from++) {
                const float s = score[from];
                const float *tr = transitions + (size_t)from * tags;
                for (int to = 0; to < tags; to++) {
                    const float v = s + tr[to];
                    const int higher = v > best[to];
                    best[to] = higher ? v : best[to];
                    bp[to] = higher ? (uint8_t)from : bp[to];
                }
            }
            const float *e = em + (size_t)t * tags;
            for (int to = 0; to < tags; to++)
                score[to] = best[to] + e[to];
        }
        int state = 0;
        for (int k = 1; k < tags; k++)
            if (score[k] > score[state])
                state = k;
        int64_t *path = paths + (size_t)row * width;
        path[width - 1] = state;
        for (int t = width - 1; t > 0; t--) {
            state = back[(size_t)t * tags + state];
            path[t - 1] = state;
        }
    }
    free(score); free(best); free(back);
    return 0;
}
