"""Reference values for Tests/ExperimentRunnerTests/TPETests.swift, from Optuna's own Parzen
estimator (optuna.samplers._tpe.parzen_estimator._ParzenEstimator, Optuna 5.1.0, NumPy 2.4).

A fixed history of 40 trials over a 4-dimensional space (a log-uniform real, a log-scaled
integer, a uniform real, a choice of three), split as TPESampler splits it (gamma(n) =
min(ceil(0.1 n), 25), the best by loss, both groups in trial order); printed: the history,
the log densities of both estimators at 6 points (15 trials: every observation weighs 1;
40: the older ones of g ramp down), and which of those points TPE would choose
(argmax of log l - log g). Run: python3 scripts/tpe_reference.py
"""
import math
import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_gamma, default_weights

space = {
    "lr": FloatDistribution(1e-4, 1.0, log=True),
    "units": IntDistribution(2, 256, log=True),
    "momentum": FloatDistribution(0.0, 0.99),
    "activation": CategoricalDistribution(["relu", "tanh", "sigmoid"]),
}
rng = np.random.RandomState(7)
n = 40
history = []
for i in range(n):
    lr = float(np.exp(rng.uniform(math.log(1e-4), math.log(1.0))))
    # Distinct integers: NumPy's argsort orders equal values in no defined way, and the bandwidth
    # of equal observations depends on that order (backprop keeps trial order for ties).
    units = 2 + (i * 37) % 255
    m = float(rng.uniform(0, 0.99))
    a = int(rng.randint(3))
    loss = (math.log10(lr) + 2) ** 2 + 0.3 * abs(math.log2(units) - 5) + (m - 0.9) ** 2 + [0.0, 0.2, 0.5][a]
    history.append((lr, units, m, a, loss))

def split(trials, k):
    order = sorted(range(len(trials)), key=lambda i: trials[i][4])
    below = sorted(order[:k])
    above = sorted(order[k:])
    return [trials[i] for i in below], [trials[i] for i in above]

params = _ParzenEstimatorParameters(prior_weight=1.0, consider_magic_clip=True, consider_endpoints=False,
                                    weights=default_weights, multivariate=True)
def estimator(trials):
    obs = {"lr": np.array([t[0] for t in trials]), "units": np.array([float(t[1]) for t in trials]),
           "momentum": np.array([t[2] for t in trials]), "activation": np.array([float(t[3]) for t in trials])}
    return _ParzenEstimator(obs, space, params)

points = {"lr": np.array([0.01, 0.0003, 0.5, 0.012, 1e-4, 0.05]), "units": np.array([32.0, 2.0, 256.0, 30.0, 7.0, 100.0]),
          "momentum": np.array([0.9, 0.0, 0.5, 0.88, 0.99, 0.7]), "activation": np.array([0.0, 2.0, 1.0, 0.0, 1.0, 2.0])}
print("optuna", optuna.__version__, "numpy", np.__version__)
print("history", [[repr(v) for v in t] for t in history])
for size in (15, 40):
    below, above = split(history[:size], default_gamma(size))
    l, g = estimator(below), estimator(above)
    lb, la = l.log_pdf(points), g.log_pdf(points)
    print(size, "below", [repr(float(v)) for v in lb])
    print(size, "above", [repr(float(v)) for v in la])
    print(size, "chosen", int(np.argmax(lb - la)))
