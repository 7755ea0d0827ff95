#!/usr/bin/env python3
"""PyTorch peer of `./dropout4j reproduce mnist`: the same network, recipe and data, to compare epoch times.

784-800-800-10 ReLU, softmax cross-entropy (mean over the minibatch), minibatch 100, N(0, 0.01^2) weights, zero
biases, and for the dropout variants: retain 0.8 of the pixels and 0.5 of the hidden units WITHOUT rescaling in
training, the mean network at test time (inputs of each layer times its retain probability == weights times p),
squared length of each HIDDEN unit's incoming weights bounded by 15 after every update (the zoo's recipe: the 10
softmax units are not bounded). Optimiser: the paper's damped momentum
    dw = p_t dw - (1 - p_t) eps_t <grad>,   w += dw,   eps_t = eps_0 * 0.998^epoch,  p_t = 0.5 -> 0.99 over 500 epochs
with eps_0 = 1 (the CLI's 'short' recipe).

--impl fast (default) is the leanest honest PyTorch loop of that recipe we wrote: raw parameter tensors W [in, out],
a hand-written backward (the GEMMs autograd runs, without the graph; one fused threshold_backward for ReLU), the
damped-momentum step folded into the weight-gradient GEMM (torch.addmm(dw, h^T, delta, beta=p, alpha=-(1-p) eps,
out=dw), then one in-place w += dw), max-norm as in-place column scaling by min(1, c / ||w_j||), masks drawn in
place into preallocated buffers (bernoulli_). It gives autograd's test errors epoch for epoch. --impl autograd is
the same loop with autograd.grad; --impl module is the earlier nn.Sequential + torch.optim.SGD(momentum=p,
dampening=p) + torch.renorm version. Alternating epochs of the three in one process (2 threads, load average 5-8 on
the shared 2-core VM) gave medians of 2.32 / 2.50 / 2.28 s per 8,000-digit epoch: within the noise of each other
there, so the choice of loop is not what the Dropout4j/PyTorch ratio rests on.

Data: the repository's bundled IDX .gz files (src-test-data/mnist), read with gzip + numpy, or --data DIR with
the four standard MNIST-format files (train-images-idx3-ubyte[.gz], ...).

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/peers/mnist_torch.py [--epochs 3] [--threads 2] \
        [--variant dropout-hidden-input] [--impl fast]

Prints one line per epoch ("epoch K: train S s, test errors E/N"; the time covers the shuffle, batching and the
steps, not the evaluation) and the mean epoch time of epochs 2.. as its last line. With --serve it prints "ready"
and then trains one epoch per line "epoch" read from stdin: ReproduceMnistBench alternates its own epochs with
these, so that a change of machine load hits both sides alike.
Needs python3-torch (Debian: apt-get install python3-torch libopenblas0-openmp, and
`update-alternatives --set libopenblas.so.0-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0`);
no test depends on it.
"""
import argparse
import gzip
import math
import os
import sys
import time

import numpy as np
import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "src-test-data", "mnist")
HIDDEN = 800
BATCH = 100
MAX_SQUARED_LENGTH = 15.0


def read_idx(directory, name):
    path = os.path.join(directory, name)
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(directory, split):
    x = read_idx(directory, f"{split}-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255.0
    y = read_idx(directory, f"{split}-labels-idx1-ubyte").astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def schedule(a, epoch):
    """(eps_t, p_t) of the damped-momentum recipe at epoch t (0-based)."""
    return a.lr * 0.998 ** epoch, 0.5 + (0.99 - 0.5) * min(epoch, 500) / 500


class Mlp:
    """Raw parameters W_l [in, out], b_l [out]; velocities dW_l, db_l; preallocated masks."""

    def __init__(self, retain, bound, gen):
        sizes = [784, HIDDEN, HIDDEN, 10]
        self.retain = retain
        self.bound = bound
        self.w = [torch.empty(i, o).normal_(0.0, 0.01, generator=gen) for i, o in zip(sizes, sizes[1:])]
        self.b = [torch.zeros(o) for o in sizes[1:]]
        self.dw = [torch.zeros_like(w) for w in self.w]
        self.db = [torch.zeros_like(b) for b in self.b]
        self.masks = [torch.empty(BATCH, i) if r < 1.0 else None for i, r in zip(sizes, retain)]
        self.onehot = torch.empty(BATCH, 10)

    def params(self):
        return self.w + self.b

    def layer_inputs(self, x, gen):
        """Forward pass in training mode; returns the (masked) inputs of each layer, the pre-activations, logits."""
        ins, pre = [], []
        h = x
        for layer, (w, b) in enumerate(zip(self.w, self.b)):
            m = self.masks[layer]
            if m is not None:
                if m.shape[0] != h.shape[0]:
                    m = self.masks[layer] = torch.empty(h.shape[0], m.shape[1])
                m.bernoulli_(self.retain[layer], generator=gen)
                h = h * m
            ins.append(h)
            z = torch.addmm(b, h, w)
            if layer < len(self.w) - 1:
                pre.append(z)
                h = torch.relu(z)
            else:
                return ins, pre, z

    def step_fast(self, x, y, eps, p, gen):
        ins, pre, logits = self.layer_inputs(x, gen)
        n = x.shape[0]
        # d loss / d logits for the mean cross-entropy: (softmax - onehot) / n
        if self.onehot.shape[0] != n:
            self.onehot = torch.empty(n, 10)
        delta = torch.softmax(logits, 1).sub_(self.onehot.zero_().scatter_(1, y.view(-1, 1), 1.0)).div_(n)
        scale = -(1.0 - p) * eps
        for layer in range(len(self.w) - 1, -1, -1):
            w = self.w[layer]
            back = delta.mm(w.t()) if layer > 0 else None
            torch.addmm(self.dw[layer], ins[layer].t(), delta, beta=p, alpha=scale, out=self.dw[layer])
            self.db[layer].mul_(p).add_(delta.sum(0), alpha=scale)
            if back is not None:
                m = self.masks[layer]
                if m is not None:
                    back.mul_(m)
                delta = torch.ops.aten.threshold_backward(back, pre[layer - 1], 0.0)
        self.update()

    def step_autograd(self, x, y, eps, p, gen):
        params = self.params()
        for t in params:
            t.requires_grad_(True)
        _, _, logits = self.layer_inputs(x, gen)
        loss = nn.functional.cross_entropy(logits, y)
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for t in params:
                t.requires_grad_(False)
            scale = -(1.0 - p) * eps
            for v, g in zip(self.dw + self.db, grads):
                v.mul_(p).add_(g, alpha=scale)
            self.update()

    def update(self):
        for w, v in zip(self.w, self.dw):
            w.add_(v)
        for b, v in zip(self.b, self.db):
            b.add_(v)
        if self.bound is not None:
            for w in self.w[:-1]:   # hidden units only; a unit's incoming weights are a column of W [in, out]
                norms = torch.linalg.vector_norm(w, dim=0)
                w.mul_(norms.reciprocal_().mul_(self.bound).clamp_(max=1.0))

    def errors(self, x, y):
        h = x
        for layer, (w, b) in enumerate(zip(self.w, self.b)):
            h = torch.addmm(b, h * self.retain[layer], w)
            if layer < len(self.w) - 1:
                h = torch.relu(h)
        return int((h.argmax(1) != y).sum())


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


def module_network(input_retain, hidden_retain):
    layers = [PaperDropout(input_retain), nn.Linear(784, HIDDEN), nn.ReLU(), PaperDropout(hidden_retain),
              nn.Linear(HIDDEN, HIDDEN), nn.ReLU(), PaperDropout(hidden_retain), nn.Linear(HIDDEN, 10)]
    net = nn.Sequential(*layers)
    for m in net:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, 0.01)
            nn.init.zeros_(m.bias)
    return net


def module_epochs(a, retain, bound, xtr, ytr, xte, yte, gen):
    """The earlier nn.Module version: returns run(epoch) -> (train seconds, test errors)."""
    net = module_network(retain[0], retain[1])
    opt = torch.optim.SGD(net.parameters(), lr=a.lr, momentum=0.5, dampening=0.5)
    loss_fn = nn.CrossEntropyLoss()
    hidden = [m for m in net if isinstance(m, nn.Linear)][:-1]

    def run(epoch):
        eps, p = schedule(a, epoch)
        for g in opt.param_groups:
            g["lr"] = eps
            g["momentum"] = p
            g["dampening"] = p
        net.train()
        t0 = time.perf_counter()
        order = torch.randperm(len(xtr), generator=gen)
        for i in range(0, len(xtr), BATCH):
            idx = order[i:i + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            if bound is not None:
                with torch.no_grad():
                    for m in hidden:   # nn.Linear's weight is [out, in]: a unit is a row
                        m.weight.copy_(torch.renorm(m.weight, 2, 0, bound))
        dt = time.perf_counter() - t0
        net.eval()
        with torch.no_grad():
            return dt, int((net(xte).argmax(1) != yte).sum())
    return run


def raw_epochs(a, retain, bound, xtr, ytr, xte, yte, gen):
    """The raw-tensor loop (--impl fast or autograd): returns run(epoch) -> (train seconds, test errors)."""
    net = Mlp(retain, bound, gen)
    step = net.step_fast if a.impl == "fast" else net.step_autograd

    def run(epoch):
        eps, p = schedule(a, epoch)
        with torch.no_grad() if a.impl == "fast" else torch.enable_grad():
            t0 = time.perf_counter()
            order = torch.randperm(len(xtr), generator=gen)
            for i in range(0, len(xtr), BATCH):
                idx = order[i:i + BATCH]
                step(xtr[idx], ytr[idx], eps, p, gen)
            dt = time.perf_counter() - t0
        with torch.no_grad():
            return dt, net.errors(xte, yte)
    return run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--variant", default="dropout-hidden-input",
                    choices=["standard", "dropout-hidden", "dropout-hidden-input"])
    ap.add_argument("--impl", default="fast", choices=["fast", "autograd", "module"])
    ap.add_argument("--lr", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", default=DATA, help="directory with the MNIST-format IDX files (default: bundled)")
    ap.add_argument("--serve", action="store_true",
                    help="print 'ready', then train one epoch per line 'epoch' read from stdin (until EOF)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, ytr = load(a.data, "train")
    xte, yte = load(a.data, "test")
    retain = {"standard": (1.0, 1.0, 1.0), "dropout-hidden": (1.0, 0.5, 0.5),
              "dropout-hidden-input": (0.8, 0.5, 0.5)}[a.variant]
    bound = math.sqrt(MAX_SQUARED_LENGTH) if a.variant != "standard" else None
    gen = torch.Generator().manual_seed(a.seed)
    times = []
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, OMP_WAIT_POLICY="
          f"{os.environ.get('OMP_WAIT_POLICY')}, impl {a.impl}, variant {a.variant}, "
          f"{len(xtr)} train / {len(xte)} test digits")

    def report(epoch, dt, errors):
        times.append(dt)
        print(f"epoch {epoch + 1}: train {dt:.3f} s, test errors {errors}/{len(xte)}", flush=True)

    run = (module_epochs if a.impl == "module" else raw_epochs)(a, retain, bound, xtr, ytr, xte, yte, gen)
    if a.serve:   # one epoch per "epoch" line on stdin, so a caller can alternate epochs with its own
        print("ready", flush=True)
        epoch = 0
        for line in iter(sys.stdin.readline, ""):
            if line.strip() != "epoch":
                break
            report(epoch, *run(epoch))
            epoch += 1
        return
    for epoch in range(a.epochs):
        report(epoch, *run(epoch))
    steady = times[1:] if len(times) > 1 else times
    print(f"mean epoch time (epochs 2..{len(times)}): {sum(steady) / len(steady):.3f} s")


if __name__ == "__main__":
    main()
