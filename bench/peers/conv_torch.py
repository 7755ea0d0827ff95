#!/usr/bin/env python3
"""PyTorch peer of the zoo's convolutional networks, for `ConvPeerBench` (one training step at a time).

Networks (Hinton et al. 2012, arXiv 1207.0580, Appendix G; the zoo's Cifar10Net / Cifar10DropoutNet):
  cifar10          conv 5x5x64 pad 2, ReLU, max-pool 3x3/2 (ceil), LRN 9 maps (alpha 0.001, beta 0.75, k 1),
                   conv 5x5x64, ReLU, avg-pool 3x3/2 (ceil, padding not counted), LRN, conv 5x5x64, ReLU,
                   avg-pool 3x3/2, 10-way softmax on 64*4*4 values
  cifar10-dropout  the same with a locally-connected layer (16 filters of 3x3x64 at each of the 4x4 positions, pad 1,
                   ReLU; F.unfold + one batched matmul, the straightforward PyTorch form) and 50% dropout (no
                   rescaling, the paper's form) on the softmax's 256 inputs
Training step: float32, NCHW, random images of the given batch size, softmax cross-entropy, SGD with heavy-ball
momentum 0.9 (the zoo's recipe is the same update, written as damped momentum), zero_grad/forward/backward/step.

Protocol (stdin/stdout, one line each): after building the network and two warm-up steps it prints "ready"; then
each line "step" runs one training step and answers its wall time in seconds; "quit" ends. Run by hand with
    /usr/bin/python3 bench/peers/conv_torch.py --model cifar10 --batch 128 --threads 2 --standalone 8
which prints the median of 8 steps. Needs Debian's python3-torch (1.13); set OMP_WAIT_POLICY=PASSIVE like the Java
side, and check that libopenblas.so.0 points at openblas-openmp (update-alternatives).
"""
import argparse
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn


class LocallyConnected2d(nn.Module):
    """Unshared 3x3 filters at every output position (Same padding): unfold, then one batched matmul."""

    def __init__(self, in_channels, out_channels, size, kernel):
        super().__init__()
        self.kernel, self.size = kernel, size
        positions = size * size
        self.weight = nn.Parameter(torch.randn(positions, in_channels * kernel * kernel, out_channels) * 0.01)
        self.bias = nn.Parameter(torch.ones(positions, out_channels))

    def forward(self, x):
        cols = F.unfold(x, self.kernel, padding=self.kernel // 2)           # [mb, c*k*k, P]
        out = torch.bmm(cols.permute(2, 0, 1), self.weight) + self.bias[:, None, :]   # [P, mb, nOut]
        return out.permute(1, 2, 0).reshape(x.shape[0], -1, self.size, self.size)


class PaperDropout(nn.Module):
    """Keeps each unit with probability retain; no rescaling in training (times retain at test, unused here)."""

    def __init__(self, retain):
        super().__init__()
        self.retain = retain

    def forward(self, x):
        return x * torch.bernoulli(torch.full_like(x, self.retain)) if self.training else x * self.retain


def cifar10(dropout):
    def conv(c_in):
        return nn.Conv2d(c_in, 64, 5, padding=2)
    layers = [conv(3), nn.ReLU(), nn.MaxPool2d(3, 2, ceil_mode=True),
              nn.LocalResponseNorm(9, alpha=0.001, beta=0.75, k=1.0),
              conv(64), nn.ReLU(), nn.AvgPool2d(3, 2, ceil_mode=True, count_include_pad=False),
              nn.LocalResponseNorm(9, alpha=0.001, beta=0.75, k=1.0),
              conv(64), nn.ReLU(), nn.AvgPool2d(3, 2, ceil_mode=True, count_include_pad=False)]
    if dropout:
        layers += [LocallyConnected2d(64, 16, 4, 3), nn.ReLU(), nn.Flatten(), PaperDropout(0.5), nn.Linear(256, 10)]
    else:
        layers += [nn.Flatten(), nn.Linear(1024, 10)]
    net = nn.Sequential(*layers)
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.normal_(m.weight, 0.0, 0.01)
            nn.init.ones_(m.bias)
    return net, (3, 32, 32), 10


MODELS = {"cifar10": lambda: cifar10(False), "cifar10-dropout": lambda: cifar10(True)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=sorted(MODELS), required=True)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--standalone", type=int, default=0, help="time this many steps alone and print the median")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    net, shape, classes = MODELS[a.model]()
    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=1e-3, momentum=0.9)
    x = torch.rand(a.batch, *shape) - 0.5
    y = torch.arange(a.batch) % classes

    def step():
        start = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return time.perf_counter() - start

    step()
    step()
    if a.standalone:
        print(f"{a.model} batch {a.batch}: median {statistics.median(step() for _ in range(a.standalone)):.4f} s")
        return
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "step":
            print(f"{step():.6f}", flush=True)
        else:
            break


if __name__ == "__main__":
    main()
