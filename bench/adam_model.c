// make bench, section 2: a model of BackpropCore's Adam step (Sources/BackpropCore/Adam.swift),
// to say what bounds it. The same operations per parameter in the same order (m by lerp,
// v·β2 + (1-β2)·g·g, p + step·m / (√v / √(1-β2^t) + ε)), over the Fashion-MNIST network's 79,510
// parameters, 300 steps (an epoch at batch 200), built as backprop is (no fused multiply-adds
// unless written, the same vector width). Prints the best of 5 epochs, in seconds.
//
//     adam-model float64|float32 MODE EVICT
//
// MODE:
//   base    the step as backprop takes it
//   nodiv   without its two divisions and its square root (not Adam: what the rest costs)
//   half    the moments stored in half the run's width (float32 for float64, bfloat16 for float32)
//   fma     the division by √(1-β2^t) done from its reciprocal, taken once a step, with two
//           corrections by fused multiply-add (Markstein: the first brings the product within one
//           ulp, the second rounds it correctly). Exactly the quotient wherever the residual is
//           exact, which holds for every square root Adam can meet (checked for every float32
//           from 2^-75 to 2^64 against six divisors, and a billion random float64); not for
//           subnormal dividends, nor where the product overflows first.
//
//     adam-model check
//
// That check (about 30 s on this machine kind; not run by make bench): the fma quotient against the divider's
// for every float32 dividend from 2^-75 to 2^64 (the square roots of float32's positive numbers)
// by six divisors √(1-0.999^t), and for a billion random float64 dividends from 2^-537 to 2^512
// by random divisors in (2^-30, 1). Prints the mismatches; exits 1 if there is one.
// EVICT: 1 passes 2 MB of other data through the cache between steps, as an epoch's products
// do; 0 does not.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COUNT 79510
#define STEPS 300

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

// The moments in half the width: bfloat16 (round to nearest even) for float32, float32 for float64.
static inline float bf16_up(uint16_t h) { uint32_t u = (uint32_t)h << 16; float f; memcpy(&f, &u, 4); return f; }
static inline uint16_t bf16_down(float f) { uint32_t u; memcpy(&u, &f, 4); u += 0x7fff + ((u >> 16) & 1); return u >> 16; }
static inline double f32_up(float h) { return h; }
static inline float f32_down(double d) { return (float)d; }

// s / root from y = 1/root (rounded), by two corrections: q + (s - q·root)·y, twice. An infinite
// first product stays infinite (the corrections would make it NaN), as the divider's would.
static inline double quotient64(double s, double root, double y) {
    double q0 = s * y, q1 = fma(fma(-q0, root, s), y, q0), q2 = fma(fma(-q1, root, s), y, q1);
    return q0 == INFINITY ? q0 : q2;
}
static inline float quotient32(float s, float root, float y) {
    float q0 = s * y, q1 = fmaf(fmaf(-q0, root, s), y, q0), q2 = fmaf(fmaf(-q1, root, s), y, q1);
    return q0 == INFINITY ? q0 : q2;
}

#define MODEL(NAME, T, H, UP, DOWN, SQRT, QUOTIENT)                                                            \
static double NAME(const char *mode, int evict) {                                                          \
    T *restrict p = aligned_alloc(64, COUNT * sizeof(T) + 64), *restrict g = aligned_alloc(64, COUNT * sizeof(T) + 64); \
    T *restrict m = aligned_alloc(64, COUNT * sizeof(T) + 64), *restrict v = aligned_alloc(64, COUNT * sizeof(T) + 64); \
    H *restrict mh = aligned_alloc(64, COUNT * sizeof(H) + 64), *restrict vh = aligned_alloc(64, COUNT * sizeof(H) + 64); \
    size_t other = evict ? (size_t)2 << 20 : 64;                                                           \
    volatile unsigned char *o = aligned_alloc(64, other);                                                 \
    for (size_t i = 0; i < other; i++) o[i] = 1;                                                           \
    for (int i = 0; i < COUNT; i++) { p[i] = (T)(i % 97) / 970; g[i] = (T)(i % 89) / 89000 - (T)0.0005; m[i] = v[i] = 0; mh[i] = vh[i] = DOWN(0); } \
    const T w = (T)0.1, b2 = (T)0.999, c2 = (T)0.001, eps = (T)1e-8;                                       \
    double best = 1e30;                                                                                    \
    for (int epoch = 0; epoch < 5; epoch++) {                                                              \
        double took = 0;                                                                                   \
        for (int t = 1; t <= STEPS; t++) {                                                                 \
            for (size_t i = 0; i < other; i += 64) o[i] += 1;                                              \
            for (int i = 0; i < COUNT; i++) g[i] = g[i] * (T)0.999 + (T)1e-6;  /* a new gradient */        \
            double start = now();                                                                          \
            const T step = (T)(-(1e-3 / (1 - pow(0.9, t)))), root = (T)sqrt(1 - pow(0.999, t)), y = 1 / root; \
            if (!strcmp(mode, "base"))                                                                     \
                for (int i = 0; i < COUNT; i++) {                                                          \
                    T gi = g[i], mi = m[i] + w * (gi - m[i]), vi = v[i] * b2 + c2 * gi * gi;               \
                    m[i] = mi; v[i] = vi; p[i] = p[i] + step * mi / (SQRT(vi) / root + eps);               \
                }                                                                                          \
            else if (!strcmp(mode, "nodiv"))                                                               \
                for (int i = 0; i < COUNT; i++) {                                                          \
                    T gi = g[i], mi = m[i] + w * (gi - m[i]), vi = v[i] * b2 + c2 * gi * gi;               \
                    m[i] = mi; v[i] = vi; p[i] = p[i] + step * mi * (vi * root + eps);                     \
                }                                                                                          \
            else if (!strcmp(mode, "half"))                                                                \
                for (int i = 0; i < COUNT; i++) {                                                          \
                    T gi = g[i], m0 = UP(mh[i]), mi = m0 + w * (gi - m0), vi = UP(vh[i]) * b2 + c2 * gi * gi; \
                    mh[i] = DOWN(mi); vh[i] = DOWN(vi); p[i] = p[i] + step * mi / (SQRT(vi) / root + eps); \
                }                                                                                          \
            else                                                                                           \
                for (int i = 0; i < COUNT; i++) {                                                          \
                    T gi = g[i], mi = m[i] + w * (gi - m[i]), vi = v[i] * b2 + c2 * gi * gi;               \
                    m[i] = mi; v[i] = vi;                                                                  \
                    p[i] = p[i] + step * mi / (QUOTIENT(SQRT(vi), root, y) + eps);                         \
                }                                                                                          \
            took += now() - start;                                                                         \
        }                                                                                                  \
        if (took < best) best = took;                                                                      \
    }                                                                                                      \
    T sum = 0;                                                                                             \
    for (int i = 0; i < COUNT; i++) sum += p[i];                                                           \
    if (!isfinite(sum)) fprintf(stderr, "adam-model: the parameters are not finite\n");                    \
    free(p); free(g); free(m); free(v); free(mh); free(vh); free((void *)o);                               \
    return best;                                                                                           \
}

MODEL(model64, double, float, f32_up, f32_down, sqrt, quotient64)
MODEL(model32, float, uint16_t, bf16_up, bf16_down, sqrtf, quotient32)

static int check(void) {
    long mismatches = 0, tried = 0;
    const int steps[] = {1, 2, 10, 100, 1000, 10000};
    for (int k = 0; k < 6; k++) {
        float root = (float)sqrt(1 - pow(0.999, steps[k])), y = 1 / root;
        uint32_t first, last;
        float low = 0x1p-75f, high = 0x1p64f;
        memcpy(&first, &low, 4);
        memcpy(&last, &high, 4);
        for (uint32_t u = first; u <= last; u++) {
            float s, q;
            memcpy(&s, &u, 4);
            q = quotient32(s, root, y);
            float d = s / root;
            tried++;
            if (memcmp(&q, &d, 4)) { if (mismatches++ < 5) printf("float32 %a / %a: %a, the divider %a\n", s, root, q, d); }
        }
    }
    uint64_t state = 88172645463325252ull;  // xorshift64
    double root = 0.75, y = 1 / root;
    for (long i = 0; i < 1000000000L; i++) {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17;
        if (i % 1000 == 0) root = ldexp(0.5 + (double)(state >> 11) * 0x1p-54, -(int)(state % 30)), y = 1 / root;
        double s = ldexp(1 + (double)(state >> 12) * 0x1p-52, (int)(state % 1049) - 537), q = quotient64(s, root, y), d = s / root;
        tried++;
        if (memcmp(&q, &d, 8)) { if (mismatches++ < 5) printf("float64 %a / %a: %a, the divider %a\n", s, root, q, d); }
    }
    printf("%ld mismatches in %ld quotients\n", mismatches, tried);
    return mismatches ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && !strcmp(argv[1], "check")) return check();
    int known = argc == 4 && (!strcmp(argv[2], "base") || !strcmp(argv[2], "nodiv") || !strcmp(argv[2], "half") || !strcmp(argv[2], "fma"))
                && (!strcmp(argv[3], "0") || !strcmp(argv[3], "1"));
    if (known && !strcmp(argv[1], "float64")) printf("%.6f\n", model64(argv[2], argv[3][0] == '1'));
    else if (known && !strcmp(argv[1], "float32")) printf("%.6f\n", model32(argv[2], argv[3][0] == '1'));
    else { fprintf(stderr, "usage: adam-model float64|float32 base|nodiv|half|fma 0|1, or adam-model check\n"); return 2; }
    return 0;
}
