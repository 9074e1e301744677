"""The reference implementations of make bench's Fashion-MNIST 784-100-10 benchmark, one thread.

    python fashion_mnist_reference.py sklearn|torch32|torch64 EPOCHS

Trains a 784-100-10 ReLU/softmax network with Adam (lr 1e-3), batch 200, on all 60,000
training images scaled to [0, 1], and prints the mean seconds per epoch. Data loading is not
timed. scikit-learn: MLPClassifier (float64), alpha=1e-4 as backprop's weight_decay.
PyTorch: a plain training loop over shuffled mini-batches, torch.set_num_threads(1).
"""
import gzip
import sys
import time

import numpy as np

DIR = "/usr/share/datasets/fashion-mnist"


def load():
    with gzip.open(f"{DIR}/train-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(f"{DIR}/train-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    return x / 255.0, y


def sklearn(epochs):
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits
    x, y = load()
    warnings.simplefilter("ignore", ConvergenceWarning)
    model = MLPClassifier(hidden_layer_sizes=(100,), activation="relu", solver="adam", alpha=1e-4,
                          batch_size=200, learning_rate_init=1e-3, max_iter=epochs, tol=0,
                          n_iter_no_change=epochs + 1, shuffle=True, random_state=0)
    with threadpool_limits(limits=1):
        start = time.perf_counter()
        model.fit(x, y)
        return (time.perf_counter() - start) / model.n_iter_


def torch_loop(epochs, dtype_name):
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(0)
    dtype = torch.float32 if dtype_name == "float32" else torch.float64
    x, y = load()
    x = torch.tensor(x, dtype=dtype)
    y = torch.tensor(y)
    model = torch.nn.Sequential(torch.nn.Linear(784, 100), torch.nn.ReLU(), torch.nn.Linear(100, 10)).to(dtype)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    def epoch():
        order = torch.randperm(len(x))
        for start in range(0, len(x), 200):
            idx = order[start:start + 200]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()

    epoch()  # warm-up: allocator and kernel selection
    start = time.perf_counter()
    for _ in range(epochs):
        epoch()
    return (time.perf_counter() - start) / epochs


if __name__ == "__main__":
    which, epochs = sys.argv[1], int(sys.argv[2])
    if which == "sklearn":
        print(f"{sklearn(epochs):.4f}")
    else:
        print(f"{torch_loop(epochs, 'float32' if which == 'torch32' else 'float64'):.4f}")
