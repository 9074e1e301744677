#!/bin/bash
# make test-slurm: a real single-node Slurm on this machine, without systemd. Installs
# munge and Slurm when missing, starts them on localhost, submits a 4-shard sweep with
# `backprop slurm --submit`, waits for it, checks that the merged summary equals a local
# `--jobs 2` run of the same spec number for number (a grid, successive halving rung step by
# rung step, and a TPE search batch by batch), and stops the daemons it started.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/.build/release/backprop"
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
SPEC="$ROOT/experiments/moons-sweep.json"
SETS=(--set training.epochs=60)

missing=""
for p in slurmctld slurmd slurm-client munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "Installing missing Debian packages:$missing"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
fi

WORK=$(mktemp -d /tmp/backprop-slurm.XXXXXX)
PIDS=()
cleanup() {
  status=$?
  for pid in "${PIDS[@]}"; do $SUDO kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do $SUDO kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  if [ $status -ne 0 ]; then
    echo "test-slurm failed; logs in $WORK:" >&2
    tail -n 20 "$WORK"/*.log "$WORK"/out/*.out 2>/dev/null >&2 || true
  else
    rm -rf "$WORK"
  fi
  exit $status
}
trap cleanup EXIT

# munge: its key, its socket folder owned by munge, started as munge.
if [ ! -S /run/munge/munge.socket.2 ] || ! munge -n >/dev/null 2>&1; then
  if [ ! -s /etc/munge/munge.key ]; then
    $SUDO dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    $SUDO chown munge:munge /etc/munge/munge.key
    $SUDO chmod 0400 /etc/munge/munge.key
  fi
  $SUDO mkdir -p /run/munge /var/log/munge /var/lib/munge
  $SUDO chown munge:munge /run/munge /var/log/munge /var/lib/munge
  $SUDO runuser -u munge -- /usr/sbin/munged --force
  for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
  PIDS+=("$(cat /run/munge/munged.pid)")
fi
munge -n | unmunge >/dev/null

HOST=$(hostname -s)
CPUS=$(nproc)
mkdir -p "$WORK/state" "$WORK/spool" "$WORK/out"
cat > "$WORK/slurm.conf" <<CONF
ClusterName=backprop-test
SlurmctldHost=$HOST
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
NodeName=$HOST CPUs=$CPUS State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$WORK/slurm.conf"

$SUDO slurmctld -D -f "$SLURM_CONF" > "$WORK/slurmctld.stdout.log" 2>&1 &
PIDS+=($!)
$SUDO slurmd -D -f "$SLURM_CONF" > "$WORK/slurmd.stdout.log" 2>&1 &
PIDS+=($!)

echo "Waiting for the Slurm node $HOST to be idle..."
for i in $(seq 120); do
  state=$(sinfo -h -n "$HOST" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  [ "$i" = 120 ] && { echo "the node never became idle (state: ${state:-none})" >&2; exit 1; }
  sleep 0.5
done

echo "Submitting a 4-shard sweep..."
out=$("$BIN" slurm "$SPEC" "${SETS[@]}" --shards 4 --cpus-per-task 1 --time 10 \
      --results "$WORK/cluster" --output-dir "$WORK/out" --submit)
echo "$out"
summary_job=$(echo "$out" | sed -n 's/.*summary job \([0-9]*\).*/\1/p')
array_job=$(echo "$out" | sed -n 's/.*array job \([0-9]*\).*/\1/p')
[ -n "$summary_job" ] && [ -n "$array_job" ]

# sacct needs slurmdbd and a database: poll squeue until both jobs have left the queue.
for i in $(seq 600); do
  [ -z "$(squeue -h -j "$array_job,$summary_job" 2>/dev/null)" ] && break
  [ "$i" = 600 ] && { echo "the jobs did not finish in 5 minutes" >&2; squeue >&2; exit 1; }
  sleep 0.5
done

echo "Running the same sweep locally with --jobs 2..."
BACKPROP_GNUPLOT=/nonexistent "$BIN" run "$SPEC" "${SETS[@]}" --jobs 2 --results "$WORK/local" --quiet >/dev/null

cluster="$WORK/cluster/moons-sweep" local="$WORK/local/moons-sweep"
grep -q "summarized 27 complete runs" "$WORK"/out/moons-sweep-summary-*.out
# Number for number (wall time is the only thing allowed to differ): drop_seconds drops
# summary.csv's seconds column; same_results LOCAL CLUSTER RUNS compares summary.md as is,
# summary.csv and every run's metrics.csv without their seconds, and every model.json;
# RUNS runs, each with a status.json.
drop_seconds() { sed -E 's/,[^,]*,([^,]*)$/,\1/' "$1"; }
same_results() {
  diff "$2/summary.md" "$1/summary.md"
  diff <(drop_seconds "$2/summary.csv") <(drop_seconds "$1/summary.csv")
  local runs=0
  for run in "$1"/runs/*/; do
    id=$(basename "$run")
    diff <(sed -E 's/,[^,]*$//' "$run/metrics.csv") <(sed -E 's/,[^,]*$//' "$2/runs/$id/metrics.csv")
    cmp -s "$run/model.json" "$2/runs/$id/model.json"
    [ -s "$2/runs/$id/status.json" ]
    runs=$((runs + 1))
  done
  [ "$runs" = "$3" ]
}
same_results "$local" "$cluster" 27
echo "4 shards on Slurm, 27 runs: the merged summary and every run equal the local --jobs 2 run"

# submit_steps WHAT SPEC SHARDS [--set ...]: submits a spec that runs as a chain of arrays
# (rung steps, batches) and its summary, waits until they have left the queue, then runs the
# same spec locally with --jobs 2 for same_results to compare.
submit_steps() {
  local what=$1 spec=$2 shards=$3
  shift 3
  local out jobs
  out=$("$BIN" slurm "$spec" "$@" --shards "$shards" --cpus-per-task 1 --time 10 \
        --results "$WORK/cluster" --output-dir "$WORK/out" --submit)
  echo "$out"
  jobs=$(echo "$out" | sed -n 's/.*array jobs \([0-9,]*\) .*summary job \([0-9]*\).*/\1,\2/p')
  [ -n "$jobs" ]
  for i in $(seq 600); do
    [ -z "$(squeue -h -j "$jobs" 2>/dev/null)" ] && break
    [ "$i" = 600 ] && { echo "the $what jobs did not finish in 5 minutes" >&2; squeue >&2; exit 1; }
    sleep 0.5
  done
  BACKPROP_GNUPLOT=/nonexistent "$BIN" run "$spec" "$@" --jobs 2 --results "$WORK/local" --quiet >/dev/null
}

echo "Submitting a 4-shard successive-halving sweep, one array per rung step..."
submit_steps halving "$ROOT/experiments/moons-halving.json" 4 --set search.trials=9
cluster="$WORK/cluster/moons-halving" local="$WORK/local/moons-halving"
grep -q "summarized 18 complete runs" "$WORK"/out/moons-halving-summary-*.out
grep -q "stopped 12 at epoch 10" "$local/summary.md"
same_results "$local" "$cluster" 18
[ -z "$(find "$cluster" -name checkpoint.bin)" ]
echo "successive halving on Slurm, 4 rung steps x 4 shards, 18 runs: every decision, the summary and every run equal the local run"

echo "Submitting a 2-shard TPE search, one array per batch..."
submit_steps tpe "$ROOT/experiments/moons-tpe.json" 2 --set search.trials=12 --set search.startup_trials=4 --set training.epochs=40
cluster="$WORK/cluster/moons-tpe" local="$WORK/local/moons-tpe"
grep -q "summarized 12 complete runs" "$WORK"/out/moons-tpe-summary-*.out
diff "$local/trials.csv" "$cluster/trials.csv"
same_results "$local" "$cluster" 12
echo "tpe on Slurm, 3 batches x 2 shards, 12 runs: every proposal, the summary and every run equal the local run"
echo "test-slurm: 3 passed, 0 failed"
