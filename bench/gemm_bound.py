"""make bench, section 2's bound: the matrix products of one Fashion-MNIST 784-100-10 epoch
(batch 200, 60,000 images) alone, at the shapes backprop's epoch computes them, one thread.

    python gemm_bound.py float64|float32

Per batch: the forward products X·W1 (200x784 by 784x100) and H·W2 (200x100 by 100x10), the
backward ones dW2 = Hᵀ·δ2, δH = δ2·W2ᵀ and dW1 = Xᵀ·δ1; after the epoch, the forward products
over all 60,000 images (the training loss and accuracy backprop records). NumPy's OpenBLAS,
limited to one thread. Prints the best of 5 epochs, in seconds.
"""
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits


def main(precision):
    dtype = np.float64 if precision == "float64" else np.float32
    rng = np.random.default_rng(0)
    x = rng.random((60000, 784)).astype(dtype)
    w1, w2 = rng.random((784, 100)).astype(dtype), rng.random((100, 10)).astype(dtype)
    d2 = rng.random((200, 10)).astype(dtype)
    h, d1 = np.empty((200, 100), dtype), np.empty((200, 100), dtype)
    o, g1, g2 = np.empty((200, 10), dtype), np.empty((784, 100), dtype), np.empty((100, 10), dtype)
    hx, ox = np.empty((60000, 100), dtype), np.empty((60000, 10), dtype)
    best = float("inf")
    with threadpool_limits(limits=1):
        for _ in range(5):
            start = time.perf_counter()
            for b in range(0, 60000, 200):
                xb = x[b:b + 200]
                np.matmul(xb, w1, out=h)
                np.matmul(h, w2, out=o)
                np.matmul(h.T, d2, out=g2)
                np.matmul(d2, w2.T, out=d1)
                np.matmul(xb.T, d1, out=g1)
            np.matmul(x, w1, out=hx)
            np.matmul(hx, w2, out=ox)
            best = min(best, time.perf_counter() - start)
    print(best)


if __name__ == "__main__":
    main(sys.argv[1])
