"""make bench only: search quality on a real objective. For bench/digits-tpe.json and
bench/wine-tpe.json (40 trials over 4 fields: a log-uniform real, a log-spaced integer, a
uniform real, a choice), five search seeds each: the best validation loss (the specs'
objective; accuracy saturates on these sets) after 10, 20 and 40 trials of backprop's tpe and random samplers (`backprop run` with search.sampler and
search.seed set), and of Optuna's TPESampler and RandomSampler (n_startup_trials=10, like
ours) driving the same trainer through the command line, one `backprop run` per trial with the
trial's values as --set: only the sampler differs. Prints one JSON object."""
import csv, json, os, re, subprocess, sys, tempfile
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
BIN, ROOT, RESULTS = sys.argv[1], sys.argv[2], sys.argv[3]
ENV = dict(os.environ, BACKPROP_GNUPLOT="/nonexistent", OPENBLAS_NUM_THREADS="1")
SEEDS = [0, 1, 2, 3, 4]
CHECKPOINTS = [10, 20, 40]

def run(*args):
    subprocess.run([BIN, "run", *args, "--results", RESULTS, "--quiet", "--plots", "none", "--force"], cwd=ROOT, env=ENV, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def best_so_far(values):
    out, best = [], float("inf")
    for v in values:
        best = min(best, v if v == v else float("inf"))
        out.append(best)
    return [out[k - 1] for k in CHECKPOINTS]

def ours(spec, name, sampler, seed):
    folder = f"{name}-{sampler}-{seed}"
    with open(os.path.join(ROOT, spec)) as f:
        search = json.load(f)["search"]
    search["sampler"], search["seed"] = sampler, seed
    if sampler != "tpe":
        for key in ("batch", "startup_trials", "multivariate"):
            search.pop(key, None)
    run(spec, "--set", "search=" + json.dumps(search), "--name", folder)
    with open(os.path.join(RESULTS, folder, "trials.csv")) as f:
        rows = list(csv.DictReader(f))
    rows.sort(key=lambda r: int(re.match(r"trial=(\d+)", r["configuration"]).group(1)))
    return best_so_far([float(r["objective"]) if r["objective"] not in ("", "nan") else float("nan") for r in rows])

def optuna_driven(spec, name, sampler, seed):
    with open(os.path.join(ROOT, spec)) as f:
        base = json.load(f)
    space = base.pop("search")["space"]
    base_file = os.path.join(RESULTS, f"{name}-base.json")
    base["dataset"]["csv"] = os.path.normpath(os.path.join(ROOT, os.path.dirname(spec), base["dataset"]["csv"]))
    os.makedirs(RESULTS, exist_ok=True)
    with open(base_file, "w") as f:
        json.dump(base, f)
    s = optuna.samplers.TPESampler(seed=seed, n_startup_trials=10) if sampler == "tpe" else optuna.samplers.RandomSampler(seed=seed)
    study = optuna.create_study(direction="minimize", sampler=s)
    values = []
    for t in range(40):
        trial = study.ask()
        sets = []
        for path, d in space.items():
            if "loguniform" in d: v = trial.suggest_float(path, *d["loguniform"], log=True)
            elif "uniform" in d: v = trial.suggest_float(path, *d["uniform"])
            elif "int" in d: v = trial.suggest_int(path, *d["int"], log=d.get("log", False))
            else: v = trial.suggest_categorical(path, d["choice"])
            sets += ["--set", f"{path}={json.dumps(v)}"]
        folder = f"{name}-optuna-{sampler}-{seed}"
        run(base_file, *sets, "--name", folder)
        with open(os.path.join(RESULTS, folder, "summary.csv")) as f:
            row = next(csv.DictReader(f))
        v = float(row["val_loss"]) if row["status"] == "completed" else float("nan")
        # A run that diverged is a failed trial, as Optuna treats an objective of NaN.
        if v == v: study.tell(trial, v)
        else: study.tell(trial, state=optuna.trial.TrialState.FAIL)
        values.append(v)
    return best_so_far(values)

out = {}
for spec in ["bench/digits-tpe.json", "bench/wine-tpe.json"]:
    name = os.path.basename(spec)[:-5]
    out[name] = {
        "ours tpe": [ours(spec, name, "tpe", s) for s in SEEDS],
        "ours random": [ours(spec, name, "random", s) for s in SEEDS],
        "Optuna TPESampler": [optuna_driven(spec, name, "tpe", s) for s in SEEDS],
        "Optuna RandomSampler": [optuna_driven(spec, name, "random", s) for s in SEEDS],
    }
print(json.dumps(out))
