// The calling thread's floating-point control: whether subnormal numbers are flushed to zero.
//
// x86-64: MXCSR's FTZ (bit 15: subnormal results become 0) and DAZ (bit 6: subnormal inputs
// are read as 0), what torch.set_flush_denormal(True) sets. AArch64: FPCR's FZ (bit 24), both
// at once. Elsewhere nothing changes and the functions say so (flushing reads as off).
#include <stdint.h>
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

static inline __attribute__((always_inline)) uint64_t backprop_fp_control(void) {
#if defined(__x86_64__)
    return _mm_getcsr();
#elif defined(__aarch64__)
    uint64_t fpcr;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
    return fpcr;
#else
    return 0;
#endif
}

static inline __attribute__((always_inline)) void backprop_set_fp_control(uint64_t control) {
#if defined(__x86_64__)
    _mm_setcsr((unsigned int)control);
#elif defined(__aarch64__)
    __asm__ __volatile__("msr fpcr, %0" : : "r"(control));
#else
    (void)control;
#endif
}

// The bits that flush subnormals; 0 where this file does not know the machine.
static inline __attribute__((always_inline)) uint64_t backprop_fp_flush_bits(void) {
#if defined(__x86_64__)
    return (1u << 15) | (1u << 6);
#elif defined(__aarch64__)
    return 1ull << 24;
#else
    return 0;
#endif
}
