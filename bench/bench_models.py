"""Digits MLP: epochs and wall time to 97% test accuracy, descend vs scikit-learn vs PyTorch.

Run from the repository root::

    python bench/bench_models.py                      # float64, batch 200, 5 repeats
    python bench/bench_models.py --dtype float32 --batch-size 64 --repeats 7

The same network for all three: 64 inputs -> 100 ReLU units -> 10 logits, softmax
cross-entropy plus scikit-learn's L2 term ``alpha / (2 n_batch) * sum ||W||^2`` with
``alpha = 1e-4``, Adam (lr 1e-3, betas (0.9, 0.999), eps 1e-8), the same mini-batch size,
reshuffled every epoch. Each library keeps its own weight initialisation (descend: He normal;
scikit-learn: Glorot uniform; PyTorch: ``nn.Linear``'s default).

Contenders:

* ``descend``: ``descend.models.MLPClassifier(...).fit``.
* ``sklearn``: ``sklearn.neural_network.MLPClassifier(solver="adam").fit``.
* ``torch``: the textbook loop: ``zero_grad``, forward, ``cross_entropy + L2``, ``backward``,
  ``Adam.step``, on tensors of the chosen dtype.

Each repeat (seed) has two phases. First, every contender trains with the test accuracy
measured after each epoch (a descend callback, scikit-learn's ``partial_fit`` one epoch per
call, a check in the torch loop) to find the number of epochs it needs to reach the target.
Second, each trains again from the same seed for exactly that many epochs, without any
evaluation or early stop (``tol=0``), and that run is timed: "seconds" is the wall time to
train to the target, "ms/epoch" the cost of one epoch. The timed runs of the contenders are
interleaved, in a rotating order, so a burst of load from elsewhere hits all alike.

Data: ``load_digits`` scaled to [0, 1], a stratified 75/25 split (random_state 0). Every
figure is a median over the repeats (seeds 0, 1, ...); ratios are medians of per-repeat
ratios. BLAS and PyTorch threads are pinned (default 1) and printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from typing import Any

import numpy as np

try:
    from descend.models import MLPClassifier
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    from descend.models import MLPClassifier

import torch
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SklearnMLP
from threadpoolctl import threadpool_info, threadpool_limits

from descend.models.network import forward

HIDDEN = 100
ALPHA = 1e-4
LR = 1e-3


class Contender:
    """``epochs_to_target(seed) -> (epochs, accuracy)`` and ``train(seed, epochs)``."""

    def epochs_to_target(self, seed: int) -> tuple[int, float]:
        raise NotImplementedError

    def train(self, seed: int, epochs: int) -> None:
        raise NotImplementedError


def data(dtype: str) -> tuple[np.ndarray, ...]:
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        (X / 16.0).astype(dtype), y, test_size=0.25, random_state=0, stratify=y
    )
    return X_train, X_test, y_train, y_test


class Descend(Contender):
    def __init__(self, split: tuple[np.ndarray, ...], args: argparse.Namespace) -> None:
        self.X_train, self.X_test, self.y_train, self.y_test = split
        self.args = args

    def model(self, seed: int, epochs: int, callbacks: Any = None) -> MLPClassifier:
        return MLPClassifier(
            (HIDDEN,),
            alpha=ALPHA,
            optimizer="adam",
            lr=LR,
            batch_size=self.args.batch_size,
            max_iter=epochs,
            tol=0.0,
            n_iter_no_change=epochs,
            random_state=seed,
            callbacks=callbacks,
        )

    def epochs_to_target(self, seed: int) -> tuple[int, float]:
        reached: dict[str, Any] = {}

        def check(state: Any) -> bool:
            logits = forward(state.params, self.X_test, "relu")
            accuracy = float(np.mean(np.argmax(logits, axis=1) == self.y_test))
            reached.update(epoch=state.epoch, accuracy=accuracy)
            return accuracy >= self.args.target

        max_epochs = self.args.max_epochs
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.model(seed, max_epochs, [check]).fit(self.X_train, self.y_train)
        return reached["epoch"], reached["accuracy"]

    def train(self, seed: int, epochs: int) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.model(seed, epochs).fit(self.X_train, self.y_train)


class Sklearn(Contender):
    def __init__(self, split: tuple[np.ndarray, ...], args: argparse.Namespace) -> None:
        self.X_train, self.X_test, self.y_train, self.y_test = split
        self.args = args

    def model(self, seed: int, epochs: int) -> SklearnMLP:
        return SklearnMLP(
            (HIDDEN,),
            alpha=ALPHA,
            solver="adam",
            learning_rate_init=LR,
            batch_size=self.args.batch_size,
            max_iter=epochs,
            tol=0.0,
            n_iter_no_change=epochs,
            random_state=seed,
        )

    def epochs_to_target(self, seed: int) -> tuple[int, float]:
        clf = self.model(seed, 1)
        classes = np.unique(self.y_train)
        epoch, accuracy = 0, 0.0
        while epoch < self.args.max_epochs and accuracy < self.args.target:
            clf.partial_fit(self.X_train, self.y_train, classes=classes)
            accuracy = float(clf.score(self.X_test, self.y_test))
            epoch += 1
        return epoch, accuracy

    def train(self, seed: int, epochs: int) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.model(seed, epochs).fit(self.X_train, self.y_train)


class Torch(Contender):
    def __init__(self, split: tuple[np.ndarray, ...], args: argparse.Namespace) -> None:
        self.dtype = torch.float64 if args.dtype == "float64" else torch.float32
        tensors = [torch.from_numpy(np.asarray(a)) for a in split]
        self.X_train, self.X_test = tensors[0].to(self.dtype), tensors[1].to(self.dtype)
        self.y_train, self.y_test = tensors[2], tensors[3]
        self.args = args

    def run(self, seed: int, epochs: int, check: bool) -> tuple[int, float]:
        torch.manual_seed(seed)
        net = torch.nn.Sequential(
            torch.nn.Linear(self.X_train.shape[1], HIDDEN),
            torch.nn.ReLU(),
            torch.nn.Linear(HIDDEN, 10),
        ).to(self.dtype)
        weights = [net[0].weight, net[2].weight]
        opt = torch.optim.Adam(net.parameters(), lr=LR)
        n, size = self.X_train.shape[0], self.args.batch_size
        accuracy = float("nan")
        epoch = 0
        while epoch < epochs:
            epoch += 1
            order = torch.randperm(n)
            for start in range(0, n, size):
                rows = order[start : start + size]
                opt.zero_grad()
                logits = net(self.X_train[rows])
                loss = torch.nn.functional.cross_entropy(logits, self.y_train[rows])
                penalty = sum((w * w).sum() for w in weights) * (0.5 * ALPHA / rows.shape[0])
                (loss + penalty).backward()
                opt.step()
            if check:
                with torch.no_grad():
                    predicted = net(self.X_test).argmax(1)
                accuracy = float((predicted == self.y_test).double().mean())
                if accuracy >= self.args.target:
                    break
        return epoch, accuracy

    def epochs_to_target(self, seed: int) -> tuple[int, float]:
        return self.run(seed, self.args.max_epochs, check=True)

    def train(self, seed: int, epochs: int) -> None:
        self.run(seed, epochs, check=False)


Result = tuple[int, float, float]  # epochs to target, seconds to train them, accuracy


def measure(contenders: dict[str, Contender], seed: int, order: list[str]) -> dict[str, Result]:
    targets = {name: contenders[name].epochs_to_target(seed) for name in order}
    results = {}
    for name in order:
        epochs, accuracy = targets[name]
        start = time.perf_counter()
        contenders[name].train(seed, epochs)
        results[name] = (epochs, time.perf_counter() - start, accuracy)
    return results


def summarise(results: dict[str, list[Result]], args: argparse.Namespace) -> None:
    names = list(results)
    print(
        f"\n{'contender':<9} {'epochs':>7} {'seconds':>8} {'ms/epoch':>9} {'accuracy':>9} "
        f"{'x sklearn':>10} {'x torch':>8}  (medians over {args.repeats} seeds)"
    )
    for name in names:
        runs = results[name]
        epochs = statistics.median(r[0] for r in runs)
        seconds = statistics.median(r[1] for r in runs)
        per_epoch = statistics.median(1e3 * r[1] / r[0] for r in runs)
        accuracy = statistics.median(r[2] for r in runs)
        ratios = []
        for other in ("sklearn", "torch"):
            ratios.append(statistics.median(a[1] / b[1] for a, b in zip(runs, results[other])))
        print(
            f"{name:<9} {epochs:>7.0f} {seconds:>8.3f} {per_epoch:>9.2f} {accuracy:>9.4f} "
            f"{ratios[0]:>10.2f} {ratios[1]:>8.2f}"
        )
    unreached = [n for n in names if any(r[2] < args.target for r in results[n])]
    if unreached:
        print(
            f"(did not reach {args.target:.0%} within {args.max_epochs} epochs in some runs: "
            f"{unreached})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    parser.add_argument("--target", type=float, default=0.97)
    parser.add_argument("--max-epochs", type=int, default=300)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    split = data(args.dtype)
    contenders: dict[str, Contender] = {
        "descend": Descend(split, args),
        "sklearn": Sklearn(split, args),
        "torch": Torch(split, args),
    }
    with threadpool_limits(args.threads):
        blas = ", ".join(f"{i['internal_api']}={i['num_threads']}" for i in threadpool_info())
        print(
            f"threads: BLAS {blas}; torch {torch.get_num_threads()}; numpy {np.__version__}, "
            f"torch {torch.__version__}"
        )
        print(
            f"digits: {split[0].shape[0]} train / {split[1].shape[0]} test, {args.dtype}, "
            f"64-{HIDDEN}-10 relu, Adam lr {LR}, batch {args.batch_size}, alpha {ALPHA}, "
            f"target {args.target:.0%}"
        )
        for contender in contenders.values():  # warm-up: imports, caches, BLAS
            contender.train(0, 2)
        results: dict[str, list[Result]] = {name: [] for name in contenders}
        order = list(contenders)
        for seed in range(args.repeats):
            for name, result in measure(contenders, seed, order).items():
                results[name].append(result)
            order = order[1:] + order[:1]
    summarise(results, args)


if __name__ == "__main__":
    main()
