"""Reference values for Tests/BackpropCoreTests/RegularisersTests.swift: batch normalisation
and dropout against PyTorch (float64), run with the bench environment's Python
(.build/bench-venv/bin/python; PyTorch 2.15).

Dropout's masks are given to both sides: this script draws them as backprop does, from the
run's dropout stream (xoshiro256** seeded by SplitMix64 from seed ^ 6·0xD1B54A32D192ED03;
u = top 53 bits · 2^-53 per output, layer by layer, row by row, unit by unit; kept where
u >= p, scaled by 1/(1 - p)), and applies them as F.dropout applies its own. Mini-batches
are shuffled as backprop shuffles them (its shuffling stream, Fisher-Yates with Lemire's
bounded integers), so both sides see the same rows in the same batches.

The network is Linear -> BatchNorm1d -> activation -> dropout per layer where the case asks,
in PyTorch's own modules (nn.BatchNorm1d: momentum 0.1, eps 1e-5, unbiased running
variance); the training loss of an epoch is the row-weighted mean over its batches in
model.train(), measured before each update; the validation loss is in model.eval().
Printed per case: parameters in backprop's layout (W as inputs x units, b, then gamma, beta),
the running statistics (per layer mean then var), and the train and validation losses per
epoch (epoch 0: the training set in eval mode before any update).
"""
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
M64 = (1 << 64) - 1

def splitmix(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)

class Xoshiro:
    def __init__(self, seed, stream):
        s = seed ^ ((stream * 0xD1B54A32D192ED03) & M64)
        self.s = []
        for _ in range(4):
            s, v = splitmix(s)
            self.s.append(v)
    def next(self):
        s = self.s
        rotl = lambda x, k: ((x << k) | (x >> (64 - k))) & M64
        result = (rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result
    def unit(self):
        return (self.next() >> 11) * 2.0 ** -53
    def index(self, bound):
        product = self.next() * bound
        low = product & M64
        if low < bound:
            threshold = ((1 << 64) - bound) % bound
            while low < threshold:
                product = self.next() * bound
                low = product & M64
        return product >> 64
    def shuffle(self, order):
        for i in range(len(order) - 1, 0, -1):
            j = self.index(i + 1)
            order[i], order[j] = order[j], order[i]

# 12 training rows of 4 features, 3 classes; 6 validation rows.
X = torch.tensor([[0.2, -1.1, 0.5, 1.3], [1.4, 0.3, -0.7, 0.1], [-0.6, 0.8, 1.2, -0.4], [0.9, -0.2, 0.3, 0.7],
                  [-1.3, -0.5, 0.6, 0.2], [0.4, 1.6, -1.0, -0.8], [1.1, -0.9, -0.3, 0.5], [-0.2, 0.1, 0.9, 1.0],
                  [0.7, 0.6, -1.2, -0.1], [-0.9, 1.2, 0.4, -1.1], [0.3, -0.4, -0.6, 0.9], [-0.5, -1.3, 1.1, 0.3]])
labels = [0, 1, 2, 0, 2, 1, 0, 2, 1, 2, 0, 1]
XV = torch.tensor([[0.5, -0.8, 0.2, 1.0], [1.2, 0.4, -0.5, -0.2], [-0.7, 0.9, 1.0, -0.3],
                   [0.1, 0.2, -0.9, 0.6], [-1.0, -0.6, 0.8, 0.4], [0.6, 1.1, -0.8, -0.9]])
vlabels = [0, 1, 2, 0, 2, 1]
Y, YV = F.one_hot(torch.tensor(labels), 3).double(), F.one_hot(torch.tensor(vlabels), 3).double()
W1 = [[0.3, -0.5, 0.8, 0.1, -0.2], [0.6, 0.2, -0.4, 0.7, 0.5], [-0.3, 0.9, 0.1, -0.6, 0.4], [0.2, -0.1, 0.5, 0.3, -0.8]]
B1 = [0.05, -0.1, 0.2, 0.0, 0.1]
W2 = [[0.4, -0.7, 0.2, 0.5], [-0.3, 0.6, 0.8, -0.2], [0.7, 0.1, -0.5, 0.3], [-0.6, 0.4, 0.2, 0.9], [0.1, -0.8, 0.6, -0.4]]
B2 = [0.0, 0.1, -0.05, 0.2]
W3 = [[0.5, -0.4, 0.2], [-0.2, 0.6, -0.7], [0.8, 0.3, -0.1], [-0.5, 0.2, 0.4]]
B3 = [0.1, -0.1, 0.0]
ACT = {"relu": torch.relu, "tanh": torch.tanh}

def run(layers, batch, optimizer, epochs, seed):
    """layers: (activation or None for softmax, batch_norm, dropout) per layer."""
    linears = []
    for w, b in ((W1, B1), (W2, B2), (W3, B3)):
        lin = torch.nn.Linear(len(w), len(w[0]))
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(w).T); lin.bias.copy_(torch.tensor(b))
        linears.append(lin)
    norms = [torch.nn.BatchNorm1d(len(w[0]), momentum=0.1, eps=1e-5) if bn else None
             for (w, _), (_, bn, _) in zip(((W1, B1), (W2, B2), (W3, B3)), layers)]
    params = []
    for lin, bn in zip(linears, norms):
        params += [lin.weight, lin.bias] + ([bn.weight, bn.bias] if bn is not None else [])
    opt = optimizer(params)
    masks = Xoshiro(seed, 6)
    shuffling = Xoshiro(seed, 2)
    def forward(x, train):
        a = x
        for lin, bn, (act, _, p) in zip(linears, norms, layers):
            if bn is not None: bn.train(train)
            z = lin(a)
            y = bn(z) if bn is not None else z
            a = ACT[act](y) if act else torch.softmax(y, dim=1)
            if train and p > 0:
                m = torch.tensor([[1 / (1 - p) if masks.unit() >= p else 0.0 for _ in range(a.shape[1])] for _ in range(a.shape[0])])
                a = a * m
        return a
    def ce(out, y):
        return -(y * torch.log(out.clamp(2.0 ** -52, 1 - 2.0 ** -52))).sum() / out.shape[0]
    n = X.shape[0]
    with torch.no_grad():
        train_losses = [float(ce(forward(X, False), Y))]
        val_losses = [float(ce(forward(XV, False), YV))]
    order = list(range(n))
    full = batch is None or batch >= n
    for _ in range(epochs):
        if not full: shuffling.shuffle(order)
        total, start, size = 0.0, 0, n if full else batch
        while start < n:
            rows = order[start:start + size]
            opt.zero_grad()
            out = forward(X[rows], True)
            loss = ce(out, Y[rows])
            total += loss.item() * len(rows) / n
            loss.backward()
            opt.step()
            start += size
        train_losses.append(total)
        with torch.no_grad():
            val_losses.append(float(ce(forward(XV, False), YV)))
    flat, stats = [], []
    for lin, bn in zip(linears, norms):
        flat += sum(lin.weight.detach().T.tolist(), []) + lin.bias.detach().tolist()
        if bn is not None:
            flat += bn.weight.detach().tolist() + bn.bias.detach().tolist()
            stats += bn.running_mean.tolist() + bn.running_var.tolist()
    return flat, stats, train_losses, val_losses

print("torch", torch.__version__)
# The first mask of seed 7's dropout stream, 5 rows of 5 units at p = 0.3 (the test checks backprop draws it).
m = Xoshiro(7, 6)
print("mask", [[round(1 / 0.7, 17) if m.unit() >= 0.3 else 0.0 for _ in range(5)] for _ in range(5)])
cases = {
    # BN and dropout in the hidden layers, mini-batches of 5 (5, 5, 2), SGD with momentum.
    "minibatch": ([("relu", True, 0.3), ("tanh", True, 0.2), (None, False, 0.0)], 5,
                  lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), 3, 7),
    # BN on every layer (the output's too), full batch, Adam.
    "fullbatch": ([("tanh", True, 0.0), ("relu", True, 0.0), (None, True, 0.0)], None,
                  lambda p: torch.optim.Adam(p, lr=0.01), 4, 3),
    # Dropout alone, full batch, plain SGD.
    "dropout": ([("relu", False, 0.5), ("tanh", False, 0.25), (None, False, 0.0)], None,
                lambda p: torch.optim.SGD(p, lr=0.2), 3, 11),
}
for name, (layers, batch, opt, epochs, seed) in cases.items():
    flat, stats, tl, vl = run(layers, batch, opt, epochs, seed)
    print(name)
    print("  parameters", repr(flat))
    print("  statistics", repr(stats))
    print("  train", repr(tl))
    print("  validation", repr(vl))
