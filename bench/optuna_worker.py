"""One Optuna worker of `bench/run workers`: the same sleeping objective as ours, on the same server.

Started by the bench as /usr/bin/python3 (Debian's python3-optuna and python3-psycopg2). Each trial logs
"run|end NUMBER UNIX_MS WORKER" as our workers do. --trials is the study's total through MaxTrialsCallback,
counting running trials too, as the Optuna documentation recommends for several workers.
"""
import argparse
import time

import optuna
from optuna.study import MaxTrialsCallback


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--storage", required=True)
    parser.add_argument("--study", required=True)
    parser.add_argument("--trials", type=int, default=500)
    parser.add_argument("--sleep-ms", type=int, default=200)
    parser.add_argument("--sampler", default="random")
    parser.add_argument("--log", required=True)
    parser.add_argument("--worker-id", default="o")
    parser.add_argument("--create", action="store_true")
    args = parser.parse_args()

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler() if args.sampler == "tpe" else optuna.samplers.RandomSampler()
    study = optuna.create_study(study_name=args.study, storage=args.storage, direction="minimize",
                                sampler=sampler, load_if_exists=True)
    if args.create:
        return

    log = open(f"{args.log}.{args.worker_id}", "a", buffering=1)

    def write(what, number):
        log.write(f"{what} {number} {int(time.time() * 1000)} {args.worker_id}\n")

    def objective(trial):
        x = trial.suggest_float("X", -10.0, 10.0)
        y = trial.suggest_float("Y", -10.0, 10.0)
        write("run", trial.number)
        time.sleep(args.sleep_ms / 1000)
        write("end", trial.number)
        return (x - 2) ** 2 + (y + 3) ** 2

    study.optimize(objective, callbacks=[MaxTrialsCallback(args.trials, states=None)])


if __name__ == "__main__":
    main()
