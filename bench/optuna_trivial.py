"""make bench, section 7's peer: Optuna's random sampler on a trivial objective.

    python optuna_trivial.py memory|sqlite TRIALS

Prints the milliseconds per trial: in memory (nothing persisted), or with Optuna's SQLite
storage in a temporary folder (every trial committed to disk, as backprop's runs are).
"""
import os
import shutil
import sys
import tempfile
import time

import optuna


def objective(trial):
    lr = trial.suggest_float("learning_rate", 0.01, 10, log=True)
    return (lr - 1) ** 2


def main(mode, trials):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    folder = tempfile.mkdtemp(prefix="optuna-bench-")
    try:
        storage = None if mode == "memory" else f"sqlite:///{folder}/study.db"
        study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0), storage=storage)
        start = time.perf_counter()
        study.optimize(objective, n_trials=trials)
        print((time.perf_counter() - start) / trials * 1000)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
