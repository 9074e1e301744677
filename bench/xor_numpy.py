"""Seed 000's NumPy script (shared/seeds/000_a2b4e020b266439b.txt), timed: prints microseconds per epoch."""
import time
import numpy as np

def sigmoid(x): return 1 / (1 + np.exp(-x))
def sigmoid_derivative(x): return x * (1 - x)

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
y = np.array([[0], [1], [1], [0]])
np.random.seed(42)
w1 = np.random.rand(2, 2); w2 = np.random.rand(2, 1); b1 = np.random.rand(1, 2); b2 = np.random.rand(1, 1)
lr = 0.1
epochs = 10000
start = time.perf_counter()
for epoch in range(epochs):
    h = sigmoid(np.dot(X, w1) + b1)
    out = sigmoid(np.dot(h, w2) + b2)
    d_out = (y - out) * sigmoid_derivative(out)
    d_h = d_out.dot(w2.T) * sigmoid_derivative(h)
    w2 += h.T.dot(d_out) * lr
    b2 += np.sum(d_out, axis=0, keepdims=True) * lr
    w1 += X.T.dot(d_h) * lr
    b1 += np.sum(d_h, axis=0) * lr
print(f"{(time.perf_counter() - start) / epochs * 1e6:.2f}")
