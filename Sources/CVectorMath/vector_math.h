// Never fuse a multiply and an add here (clang may, for C, when the build targets FMA):
// the engine's numbers must be the same whatever instructions the machine has.
#pragma STDC FP_CONTRACT OFF

// Square roots of eight lanes at once (sqrtps/sqrtpd on x86-64), for Adam's update.
//
// Swift's own square root goes through libc's sqrt on Linux, whose errno check (a
// compare and a branch to the library call for negative inputs) keeps the compiler from
// using the vector instruction: SIMD8's squareRoot() became eight scalar roots, each with
// its branch. __builtin_elementwise_sqrt is the IEEE square root, correctly rounded like the
// scalar one, so the numbers are the same.
// Clang imports ext_vector_type(8) as Swift's SIMD8.
typedef float backprop_float8 __attribute__((ext_vector_type(8)));
typedef double backprop_double8 __attribute__((ext_vector_type(8)));

static inline __attribute__((always_inline)) backprop_float8 backprop_sqrt_float8(backprop_float8 x) {
    return __builtin_elementwise_sqrt(x);
}

static inline __attribute__((always_inline)) backprop_double8 backprop_sqrt_double8(backprop_double8 x) {
    return __builtin_elementwise_sqrt(x);
}

// ReLU's backward step on eight lanes: dz = a > 0 ? da : 0, as a mask on da's bits (the
// comparison is false for NaN, as the scalar one is), with no branch. Swift's SIMD
// comparisons compile lane by lane, through memory, with a branch each.
typedef int backprop_int8 __attribute__((ext_vector_type(8)));
typedef long long backprop_long8 __attribute__((ext_vector_type(8)));

static inline __attribute__((always_inline)) backprop_float8 backprop_relu_backward_float8(backprop_float8 a, backprop_float8 da) {
    return (backprop_float8)((backprop_int8)da & (a > 0));
}

static inline __attribute__((always_inline)) backprop_double8 backprop_relu_backward_double8(backprop_double8 a, backprop_double8 da) {
    return (backprop_double8)((backprop_long8)da & (a > 0));
}
