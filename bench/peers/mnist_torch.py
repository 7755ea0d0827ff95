#!/usr/bin/env python3
"""PyTorch peer of `./dropout4j reproduce mnist`: the same network, recipe and data, to compare epoch times.

784-800-800-10 ReLU, softmax cross-entropy, minibatch 100, N(0, 0.01^2) weights, zero biases, and for the dropout
variant: retain 0.8 of the pixels and 0.5 of the hidden units WITHOUT rescaling in training, the mean network at
test time (inputs of each layer times its retain probability == weights times p), squared length of each unit's
incoming weights bounded by 15 after every update. Optimiser: the paper's damped momentum
    dw = p_t dw - (1 - p_t) eps_t <grad>,   eps_t = eps_0 * 0.998^epoch,  p_t = 0.5 -> 0.99 over 500 epochs
which is torch.optim.SGD(momentum=p_t, dampening=p_t); eps_0 = 1 (the CLI's 'short' recipe).

Data: the repository's bundled IDX .gz files (src-test-data/mnist), read with gzip + numpy.

    /usr/bin/python3 bench/peers/mnist_torch.py [--epochs 3] [--threads 2] [--variant dropout-hidden-input]

Prints one line per epoch (training time of the epoch, test errors) and the mean epoch time of epochs 2.. .
Needs python3-torch (Debian: apt-get install python3-torch libopenblas0-openmp); no test depends on it.
"""
import argparse
import gzip
import math
import os
import time

import numpy as np
import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "src-test-data", "mnist")


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(split):
    x = read_idx(f"{split}-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255.0
    y = read_idx(f"{split}-labels-idx1-ubyte.gz").astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


class PaperDropout(nn.Module):
    """Keeps each unit with probability retain; no rescaling in training, times retain at test (the mean net)."""

    def __init__(self, retain):
        super().__init__()
        self.retain = retain

    def forward(self, x):
        if self.retain >= 1.0:
            return x
        if self.training:
            return x * torch.bernoulli(torch.full_like(x, self.retain))
        return x * self.retain


def network(input_retain, hidden_retain):
    layers = [PaperDropout(input_retain), nn.Linear(784, 800), nn.ReLU(), PaperDropout(hidden_retain),
              nn.Linear(800, 800), nn.ReLU(), PaperDropout(hidden_retain), nn.Linear(800, 10)]
    net = nn.Sequential(*layers)
    for m in net:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, 0.01)
            nn.init.zeros_(m.bias)
    return net


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--variant", default="dropout-hidden-input",
                    choices=["standard", "dropout-hidden", "dropout-hidden-input"])
    ap.add_argument("--lr", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, ytr = load("train")
    xte, yte = load("test")
    retain = {"standard": (1.0, 1.0), "dropout-hidden": (1.0, 0.5), "dropout-hidden-input": (0.8, 0.5)}[a.variant]
    net = network(*retain)
    bound = math.sqrt(15.0) if a.variant != "standard" else None
    opt = torch.optim.SGD(net.parameters(), lr=a.lr, momentum=0.5, dampening=0.5)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(a.seed)
    times = []
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, variant {a.variant}, "
          f"{len(xtr)} train / {len(xte)} test digits")
    for epoch in range(a.epochs):
        p = 0.5 + (0.99 - 0.5) * min(epoch, 500) / 500
        for g in opt.param_groups:
            g["lr"] = a.lr * 0.998 ** epoch
            g["momentum"] = p
            g["dampening"] = p
        net.train()
        t0 = time.perf_counter()
        order = torch.randperm(len(xtr), generator=gen)
        for i in range(0, len(xtr), 100):
            idx = order[i:i + 100]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            if bound is not None:
                with torch.no_grad():
                    for m in net:
                        if isinstance(m, nn.Linear):
                            m.weight.copy_(torch.renorm(m.weight, 2, 0, bound))
        dt = time.perf_counter() - t0
        times.append(dt)
        net.eval()
        with torch.no_grad():
            errors = int((net(xte).argmax(1) != yte).sum())
        print(f"epoch {epoch + 1}: train {dt:.3f} s, test errors {errors}/{len(xte)}")
    steady = times[1:] if len(times) > 1 else times
    print(f"mean epoch time (epochs 2..{len(times)}): {sum(steady) / len(steady):.3f} s")


if __name__ == "__main__":
    main()
