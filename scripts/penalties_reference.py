"""Reference values for Tests/ExperimentRunnerTests/PenaltiesTests.swift: the L1 penalty and
gradient-norm clipping against PyTorch (float64), run with the bench environment's Python
(.build/bench-venv/bin/python; PyTorch 2.15).

XOR's four rows, a 2-3-1 network (tanh, then sigmoid) from fixed parameters, mean squared
error, full batch, SGD with lr 0.5 and momentum 0.9, for 6 steps. The loss is backprop's:
the data loss plus weight_decay λ/(2n)·Σ‖W‖² (scikit-learn's alpha, weights only) plus
l1·Σ|W| (weights only); then torch.nn.utils.clip_grad_norm_(max_norm), then the step.
Printed: each case's parameters after the steps, in backprop's layout (weights as
inputs × units), and the first step's gradient norm before clipping.
"""
import torch

torch.set_default_dtype(torch.float64)
X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
W1 = [[0.5, -0.3, 0.8], [0.2, 0.7, -0.6]]
B1 = [0.1, -0.2, 0.05]
W2 = [[0.4], [-0.9], [0.3]]
B2 = [0.0]
print("torch", torch.__version__)

def run(weight_decay, l1, clip, steps=6):
    w1 = torch.tensor(W1, requires_grad=True); b1 = torch.tensor(B1, requires_grad=True)
    w2 = torch.tensor(W2, requires_grad=True); b2 = torch.tensor(B2, requires_grad=True)
    params = [w1, b1, w2, b2]
    opt = torch.optim.SGD(params, lr=0.5, momentum=0.9)
    n = X.shape[0]
    norms = []
    for _ in range(steps):
        opt.zero_grad()
        out = torch.sigmoid(torch.tanh(X @ w1 + b1) @ w2 + b2)
        loss = ((out - Y) ** 2).mean()
        loss = loss + weight_decay / (2 * n) * (w1.pow(2).sum() + w2.pow(2).sum())
        loss = loss + l1 * (w1.abs().sum() + w2.abs().sum())
        loss.backward()
        if clip is not None:
            norms.append(float(torch.nn.utils.clip_grad_norm_(params, clip)))
        opt.step()
    return [p.detach().tolist() for p in params], norms

for name, wd, l1, clip in (("l1", 0.0, 0.01, None), ("clip", 0.0, 0.0, 0.05), ("all", 0.1, 0.01, 0.05)):
    params, norms = run(wd, l1, clip)
    print(name, repr(params), repr(norms[:1]))
