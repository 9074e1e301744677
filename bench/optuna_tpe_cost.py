"""make bench only: Optuna's TPESampler's own time per proposal at N finished trials, on the
history bench/TPECost/main.swift builds (same space, same formula). Only sample_relative is
timed: the proposal itself, not the study's bookkeeping. Prints "N milliseconds-per-proposal"."""
import math, sys, time
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

optuna.logging.set_verbosity(optuna.logging.WARNING)
space = {"lr": FloatDistribution(1e-4, 1.0, log=True), "units": IntDistribution(2, 256, log=True),
         "momentum": FloatDistribution(0.0, 0.99), "activation": CategoricalDistribution(["relu", "tanh", "sigmoid"])}

def trial(i):
    def u(k):
        x = math.sin((i * 4 + k) * 12.9898) * 43758.5453
        return x - math.floor(x)
    lr = math.exp(math.log(1e-4) + u(0) * (math.log(1.0) - math.log(1e-4)))
    units = 2 + int(u(1) * 255)
    m = 0.99 * u(2)
    a = int(u(3) * 3)
    loss = (math.log10(lr) + 2) ** 2 + 0.3 * abs(math.log2(units) - 5) + (m - 0.9) ** 2 + [0.0, 0.2, 0.5][a]
    return optuna.trial.create_trial(params={"lr": lr, "units": units, "momentum": m, "activation": ["relu", "tanh", "sigmoid"][a]},
                                     distributions=space, value=loss)

for n in map(int, sys.argv[1:]):
    sampler = optuna.samplers.TPESampler(seed=0, n_startup_trials=10, multivariate=True)
    study = optuna.create_study(sampler=sampler)
    study.add_trials([trial(i) for i in range(n)])
    repeats = max(5, 2000 // max(n, 1))
    total = 0.0
    for _ in range(repeats):
        t = study.ask()
        frozen = study._storage.get_trial(t._trial_id)
        start = time.perf_counter()
        sampler.sample_relative(study, frozen, space)
        total += time.perf_counter() - start
        study.tell(t, state=optuna.trial.TrialState.FAIL)  # not a finished trial: the history stays N
    print(n, total / repeats * 1000)
