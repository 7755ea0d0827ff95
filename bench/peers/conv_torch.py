#!/usr/bin/env python3
"""PyTorch peer of the zoo's convolutional networks, for `ConvPeerBench` (one training step at a time).

Networks (Hinton et al. 2012, arXiv 1207.0580, Appendices G and H; Krizhevsky et al. 2012; the zoo's Cifar10Net /
Cifar10DropoutNet, AlexNetDropout, HintonImageNetNet):
  cifar10          conv 5x5x64 pad 2, ReLU, max-pool 3x3/2 (ceil), LRN 9 maps (alpha 0.001, beta 0.75, k 1),
                   conv 5x5x64, ReLU, avg-pool 3x3/2 (ceil, padding not counted), LRN, conv 5x5x64, ReLU,
                   avg-pool 3x3/2, 10-way softmax on 64*4*4 values
  cifar10-dropout  the same with a locally-connected layer (16 filters of 3x3x64 at each of the 4x4 positions, pad 1,
                   ReLU; F.unfold + one batched matmul, the straightforward PyTorch form) and 50% dropout (no
                   rescaling, the paper's form) on the softmax's 256 inputs
  alexnet-dropout  the zoo's AlexNetDropout at the CLI's `train alexnet` defaults (64x64 crops, channel widths / 16,
                   64-unit fc6/fc7, 4 classes, Adam(1e-3), He init, L2 5e-4 on weights); `-paper`: Krizhevsky et al.'s
                   sizes (224 crops, full widths, 4096 units, 1000 classes), SGD momentum 0.9 rate 0.01, L2 5e-4.
                   LRN (k 2, n 5, alpha 1e-4, beta 0.75, DL4J's form: PyTorch's alpha is divided by n), the two
                   towers of conv2/4/5 as one grouped convolution (groups=2), 50% dropout on fc7's and the
                   softmax's inputs
  hinton-imagenet  the zoo's HintonImageNetNet (Appendix H) at the CLI's `train imagenet` defaults (as above,
                   Adam(2e-3), hidden biases 0.1); `-paper`: 224 crops and 56x56 subsampled input, full widths, 4096
                   units, 1000 classes, SGD momentum 0.9 rate 0.01. Random channel groups = one index_select of the
                   wired channels + one grouped convolution; conv2 + conv2sub summed before the ReLU; max-norm
                   sqrt(15) on every unit's incoming weights after each step (Tensor.renorm_ along dim 0)
Training step: float32, random inputs of the given batch size, softmax cross-entropy, zero_grad/forward/backward/
step (+ max-norm). Memory format: `--channels-last auto` takes the format that was faster in standalone runs
(`--standalone N --channels-last yes|no`, alternating, 2 threads) on the otherwise idle VM on 30 Nov 2026: channels-
last for cifar10 (0.429 / 0.505 s vs 0.550 / 0.580 s per batch of 128, two rounds), cifar10-dropout (0.474 / 0.508
vs 0.586 / 0.509 s), alexnet-dropout (10.9 / 12.1 vs 12.4 / 12.7 ms per batch of 16), hinton-imagenet (10.4 / 11.8 /
12.6 / 11.4 vs 11.7 / 10.3 / 12.5 / 12.5 ms, four rounds) and hinton-imagenet-paper (1.219 vs 1.275 s per batch of
32, one round); NCHW for alexnet-dropout-paper (2.408 vs 2.487 s). (Earlier runs under load 5-10 had found
channels-last slower everywhere; the idle runs decide.) Adam uses foreach=True.

Protocol (stdin/stdout, one line each): after building the network and two warm-up steps it prints "ready"; then
each line "step" runs one training step and answers its wall time in seconds; "quit" ends. Run by hand with
    /usr/bin/python3 bench/peers/conv_torch.py --model cifar10 --batch 128 --threads 2 --standalone 8
which prints the median of 8 steps (`ConvPeerBench` passes batch 16 for the tiny ImageNet nets, 32 at paper size). Needs Debian's python3-torch (1.13); set OMP_WAIT_POLICY=PASSIVE like the Java
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


def dl4j_lrn():
    """DL4J's LocalResponseNormalization defaults (AlexNet's): x / (k + alpha * sum over n maps of x^2)^beta with
    k 2, n 5, alpha 1e-4, beta 0.75. PyTorch divides alpha by n, hence alpha * n here."""
    return nn.LocalResponseNorm(5, alpha=1e-4 * 5, beta=0.75, k=2.0)


class ChannelGroupConv(nn.Module):
    """The zoo's RandomChannelGroupConvolution: `groups` groups of `out // groups` filters, group g reading only the
    input channels wiring[g]. One index_select puts each group's channels side by side (skipped when the wiring is
    already 0..nIn-1 in order, as for AlexNet's towers), then one grouped convolution (oneDNN)."""

    def __init__(self, wiring, out, kernel, padding, bias):
        super().__init__()
        flat = [c for group in wiring for c in group]
        self.identity = flat == list(range(len(flat)))
        self.register_buffer("index", torch.tensor(flat, dtype=torch.long))
        self.conv = nn.Conv2d(len(flat), out, kernel, padding=padding, groups=len(wiring), bias=bias)

    def forward(self, x):
        return self.conv(x if self.identity else x.index_select(1, self.index))


def partition(channels, groups, per_group, seed):
    """A random partition of the channels into groups (the zoo's drawn wiring); wiring changes no cost."""
    g = torch.Generator().manual_seed(seed)
    perm = torch.randperm(channels, generator=g).tolist()
    return [sorted(perm[i * per_group:(i + 1) * per_group]) for i in range(groups)]


def init_weights(net, he, biases):
    """N(0, 0.01^2) (paper) or He normal (the short recipe) weights; biases from `biases` (module -> value)."""
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            if he:
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            else:
                nn.init.normal_(m.weight, 0.0, 0.01)
            if m.bias is not None:
                nn.init.constant_(m.bias, biases.get(m, 0.0))


def alexnet(paper):
    """The zoo's AlexNetDropout: conv1 11x11/4 pad 2, LRN, max 3x3/2, conv2 5x5 pad 2 in two towers, LRN, max,
    conv3 3x3 (all channels), conv4, conv5 3x3 in two towers, max, fc6, fc7 (dropout on its input), softmax (dropout
    on its input). Paper: 224 crops, full widths, 4096 units, 1000 classes, SGD momentum 0.9 rate 0.01, L2 5e-4 on
    weights. Tiny (the CLI default): 64 crops, widths / 16, 64 units, 4 classes, Adam(1e-3), He init, L2 5e-4."""
    crop, d, fc, classes = (224, 1, 4096, 1000) if paper else (64, 16, 64, 4)
    c96, c256, c384 = 96 // d, 256 // d, 384 // d

    def towers(n_in):
        return [list(range(n_in // 2)), list(range(n_in // 2, n_in))]
    conv1 = nn.Conv2d(3, c96, 11, stride=4, padding=2)
    conv2 = ChannelGroupConv(towers(c96), c256, 5, 2, True)
    conv3 = nn.Conv2d(c256, c384, 3, padding=1)
    conv4 = ChannelGroupConv(towers(c384), c384, 3, 1, True)
    conv5 = ChannelGroupConv(towers(c384), c256, 3, 1, True)
    side = (((crop + 4 - 11) // 4 + 1 - 3) // 2 + 1 - 3) // 2 + 1
    side = (side - 3) // 2 + 1
    fc6, fc7, out = nn.Linear(c256 * side * side, fc), nn.Linear(fc, fc), nn.Linear(fc, classes)
    net = nn.Sequential(conv1, nn.ReLU(), dl4j_lrn(), nn.MaxPool2d(3, 2),
                        conv2, nn.ReLU(), dl4j_lrn(), nn.MaxPool2d(3, 2),
                        conv3, nn.ReLU(), conv4, nn.ReLU(), conv5, nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(),
                        fc6, nn.ReLU(), PaperDropout(0.5), fc7, nn.ReLU(), PaperDropout(0.5), out)
    init_weights(net, not paper, {conv2.conv: 1.0, conv4.conv: 1.0, conv5.conv: 1.0, fc6: 1.0, fc7: 1.0})
    weights = [m.weight for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    others = [p for p in net.parameters() if all(p is not w for w in weights)]
    groups = [{"params": weights, "weight_decay": 5e-4}, {"params": others, "weight_decay": 0.0}]
    opt = (torch.optim.SGD(groups, lr=0.01, momentum=0.9) if paper
           else torch.optim.Adam(groups, lr=1e-3, foreach=True))
    return net, [(3, crop, crop)], classes, opt, None


class HintonNet(nn.Module):
    """The zoo's HintonImageNetNet (Appendix H): conv1 11x11/4 pad 2 on the crop, max 3x3/2, LRN; conv2 = 5x5 pad 2
    random channel groups (4 groups, each on a unique quarter of the channels, linear) + 5x5/2 convolution of the
    4x subsampled crop (no bias), summed, ReLU; max, LRN; conv3-5 3x3 pad 1, 16 random channel groups each; max;
    fc6, fc7 (dropout on its input), softmax (dropout on its input); max-norm sqrt(15) on every unit's weights."""

    def __init__(self, crop, d, fc, classes):
        super().__init__()
        c1, c2, c3 = 64 // d, 256 // d, 512 // d
        side = ((crop + 4 - 11) // 4 + 1 - 3) // 2 + 1
        sub = crop // 4
        pad = next(p for p in range(5) if (sub + 2 * p - 5) // 2 + 1 == side)
        self.conv1 = nn.Conv2d(3, c1, 11, stride=4, padding=2)
        self.conv2 = ChannelGroupConv(partition(c1, 4, 16 // d, 2), c2, 5, 2, True)
        self.conv2sub = nn.Conv2d(3, c2, 5, stride=2, padding=pad, bias=False)
        self.conv3 = ChannelGroupConv(partition(c2, 16, 16 // d, 3), c3, 3, 1, True)
        self.conv4 = ChannelGroupConv(partition(c3, 16, 32 // d, 4), c3, 3, 1, True)
        self.conv5 = ChannelGroupConv(partition(c3, 16, 32 // d, 5), c3, 3, 1, True)
        side = ((side - 3) // 2 + 1 - 3) // 2 + 1
        self.lrn1, self.lrn2 = dl4j_lrn(), dl4j_lrn()
        self.head = nn.Sequential(nn.Linear(c3 * side * side, fc), nn.ReLU(), PaperDropout(0.5), nn.Linear(fc, fc),
                                  nn.ReLU(), PaperDropout(0.5), nn.Linear(fc, classes))

    def forward(self, crop, sub):
        x = self.lrn1(F.max_pool2d(F.relu(self.conv1(crop)), 3, 2))
        x = F.relu(self.conv2(x) + self.conv2sub(sub))
        x = self.lrn2(F.max_pool2d(x, 3, 2))
        x = F.relu(self.conv5(F.relu(self.conv4(F.relu(self.conv3(x))))))
        return self.head(torch.flatten(F.max_pool2d(x, 3, 2), 1))


def hinton(paper):
    """Paper: 224 crops, full widths, 4096 units, 1000 classes, SGD momentum 0.9 rate 0.01, N(0, 0.01^2), hidden
    biases 1. Tiny (the CLI default): 64 crops, widths / 16, 64 units, 4 classes, Adam(2e-3), He init, biases 0.1."""
    crop, d, fc, classes = (224, 1, 4096, 1000) if paper else (64, 16, 64, 4)
    net = HintonNet(crop, d, fc, classes)
    hidden = 1.0 if paper else 0.1
    init_weights(net, not paper, {net.conv2.conv: hidden, net.conv4.conv: hidden, net.conv5.conv: hidden,
                                  net.head[0]: hidden, net.head[3]: hidden})
    opt = (torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9) if paper
           else torch.optim.Adam(net.parameters(), lr=2e-3, foreach=True))
    weights = [m.weight for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    bound = 15 ** 0.5

    def max_norm():
        with torch.no_grad():
            for w in weights:                      # each unit's incoming weights = one slice along dim 0
                w.renorm_(2, 0, bound)
    return net, [(3, crop, crop), (3, crop // 4, crop // 4)], classes, opt, max_norm


def with_sgd(build):
    def make():
        net, shape, classes = build()
        return net, [shape], classes, torch.optim.SGD(net.parameters(), lr=1e-3, momentum=0.9), None
    return make


MODELS = {"cifar10": with_sgd(lambda: cifar10(False)), "cifar10-dropout": with_sgd(lambda: cifar10(True)),
          "alexnet-dropout": lambda: alexnet(False), "alexnet-dropout-paper": lambda: alexnet(True),
          "hinton-imagenet": lambda: hinton(False), "hinton-imagenet-paper": lambda: hinton(True)}
# Which memory format was faster for each network in standalone runs (--channels-last yes / no); see the docstring.
FASTEST_CHANNELS_LAST = {"cifar10": True, "cifar10-dropout": True, "alexnet-dropout": True, "hinton-imagenet": True,
                         "hinton-imagenet-paper": True}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=sorted(MODELS), required=True)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--channels-last", choices=["auto", "yes", "no"], default="auto",
                    help="memory format of activations and conv weights; auto: the faster one, per FASTEST")
    ap.add_argument("--standalone", type=int, default=0, help="time this many steps alone and print the median")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    net, shapes, classes, opt, constraint = MODELS[a.model]()
    last = FASTEST_CHANNELS_LAST.get(a.model, False) if a.channels_last == "auto" else a.channels_last == "yes"
    fmt = torch.channels_last if last else torch.contiguous_format
    net = net.to(memory_format=fmt)
    net.train()
    xs = [(torch.rand(a.batch, *shape) - 0.5).contiguous(memory_format=fmt) for shape in shapes]
    y = torch.arange(a.batch) % classes

    def step():
        start = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(*xs), y)
        loss.backward()
        opt.step()
        if constraint is not None:
            constraint()
        return time.perf_counter() - start

    step()
    step()
    if a.standalone:
        print(f"{a.model} batch {a.batch} channels-last {last}: median "
              f"{statistics.median(step() for _ in range(a.standalone)):.4f} s")
        return
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "step":
            print(f"{step():.6f}", flush=True)
        else:
            break


if __name__ == "__main__":
    main()
