"""Reference values for Tests/ExperimentRunnerTests/MOTPETests.swift, from Optuna's own code
(Optuna 5.1.0, NumPy 2.4): multi-objective TPE's split of finished trials into good and bad
(optuna.samplers._tpe.sampler._split_complete_trials_multi_objective), its hypervolume
(optuna._hypervolume.compute_hypervolume) and the log densities of the good trials' Parzen
estimator (each good trial weighted 1, as TPESampler._build_parzen_estimator does).

The histories: 30 trials with 2 objectives (the first minimised, the second maximised, so the
split sees it negated) and 40 trials with 3 objectives, over a log-uniform real and a uniform
real; the losses are rounded to 1 decimal so that ranks hold ties. The first (3 good of 30)
takes its front of 2 and one of the 3 of rank 1 by the 2-D hypervolume tie-break; the second
(4 good of 40) takes 4 of its front of 6 by the general one. Run: python3 scripts/motpe_reference.py
"""
import math
import numpy as np
import optuna
from optuna.distributions import FloatDistribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import _split_complete_trials_multi_objective, default_gamma_multiobjective, default_weights
from optuna.study import StudyDirection
from optuna._hypervolume import compute_hypervolume

optuna.logging.set_verbosity(optuna.logging.WARNING)
space = {"lr": FloatDistribution(1e-3, 1.0, log=True), "m": FloatDistribution(0.0, 1.0)}
print("optuna", optuna.__version__, "numpy", np.__version__)

def history(n, k, seed):
    rng = np.random.RandomState(seed)
    out = []
    for i in range(n):
        lr = float(np.exp(rng.uniform(math.log(1e-3), 0.0)))
        m = float(rng.uniform(0, 1))
        values = [round(float(v), 1) for v in rng.uniform(0, 3, size=k)]
        out.append((lr, m, values))
    return out

params = _ParzenEstimatorParameters(prior_weight=1.0, consider_magic_clip=True, consider_endpoints=False,
                                    weights=default_weights, multivariate=True)
points = {"lr": np.array([0.01, 0.3, 0.002]), "m": np.array([0.5, 0.9, 0.1])}

for n, k, seed, directions in ((30, 2, 1, ["minimize", "maximize"]), (40, 3, 5, ["minimize", "minimize", "minimize"])):
    trials = history(n, k, seed)
    study = optuna.create_study(directions=directions)
    frozen = []
    for number, (lr, m, values) in enumerate(trials):
        t = optuna.trial.create_trial(params={"lr": lr, "m": m}, distributions=space, values=values)
        t.number = number
        frozen.append(t)
    n_below = default_gamma_multiobjective(n)
    below, above = _split_complete_trials_multi_objective(frozen, study, n_below)
    below_numbers = sorted(t.number for t in below)
    print(n, "history", [[repr(lr), repr(m), values] for lr, m, values in trials])
    print(n, "below", below_numbers)
    obs = {"lr": np.array([trials[i][0] for i in below_numbers]), "m": np.array([trials[i][1] for i in below_numbers])}
    l = _ParzenEstimator(obs, space, params, np.ones(len(below_numbers)))
    print(n, "log_pdf_below", [repr(float(v)) for v in l.log_pdf(points)])
    losses = np.array([t[2] for t in trials], dtype=float)
    losses *= [-1.0 if d == "maximize" else 1.0 for d in directions]
    ref = np.max(losses, axis=0) + 1.0
    print(n, "hypervolume", repr(float(compute_hypervolume(losses, ref))), "reference", [repr(float(v)) for v in ref])
