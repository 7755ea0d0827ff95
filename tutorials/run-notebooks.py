#!/usr/bin/env python3
"""Executes the tutorials headlessly through Jupyter (jupyter_client, as nbclient does) in the rapaio Java kernel,
cell by cell with a per-cell timeout, and fails if any cell reports an error or writes to stderr.

    python3 tutorials/run-notebooks.py              # check: executed copies go to a temporary folder
    python3 tutorials/run-notebooks.py --update     # refresh the committed notebooks with their new outputs
    python3 tutorials/run-notebooks.py 02-figure-1.ipynb ...   # only these

Needs Jupyter (jupyter_client, nbformat) and the kernel installed by tutorials/install-kernel.sh, and the project built once
(the notebooks load model-zoo/target with %%jars). With --update, the class-path cell keeps its "Found N jar
files." lines but not the one "Add <absolute path> to classpath" line per jar (machine-specific paths).
"""
import argparse
import os
import queue
import re
import socket
import sys
import tempfile
import time

import nbformat
from jupyter_client.manager import KernelManager

HERE = os.path.dirname(os.path.abspath(__file__))
KERNEL = "rapaio-jupyter-kernel"
GRACE = 2.0   # seconds between "all ports listen" and the first request (see start_kernel)


def start_kernel(cwd, attempts=3):
    """Starts the kernel as Jupyter does (the kernel.json of KERNEL, working directory cwd) and returns a manager
    and a connected client once the kernel has answered kernel_info.

    rapaio-jupyter-kernel 3.0.1 binds its shell socket before it registers its message handlers; a request that
    arrives in between kills its shell thread (NullPointerException on "this.handlers"), and the kernel never
    answers. Jupyter's clients send kernel_info as soon as they connect, so under load this happens often. Hence:
    wait until the kernel listens on all five ports, give it GRACE seconds to register its handlers, and if it
    still does not answer, start it again (up to `attempts` times).
    """
    for attempt in range(1, attempts + 1):
        km = KernelManager(kernel_name=KERNEL)
        km.start_kernel(cwd=cwd)
        try:
            wait_listening(km, 180)
            time.sleep(GRACE)
            kc = km.client()
            kc.start_channels()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and km.is_alive():
                kc.kernel_info()
                try:
                    if kc.get_shell_msg(timeout=2)["msg_type"] == "kernel_info_reply":
                        while True:   # flush start-up messages
                            try:
                                kc.get_iopub_msg(timeout=0.5)
                            except queue.Empty:
                                return km, kc
                except queue.Empty:
                    pass
            kc.stop_channels()
        except RuntimeError as e:
            print("  kernel start %d: %s" % (attempt, e))
        km.shutdown_kernel(now=True)
        print("  kernel start %d: no answer to kernel_info; starting it again" % attempt)
    raise RuntimeError("the kernel did not answer kernel_info after %d starts" % attempts)


def wait_listening(km, seconds):
    deadline = time.monotonic() + seconds
    for port in (km.shell_port, km.iopub_port, km.stdin_port, km.hb_port, km.control_port):
        while True:
            if not km.is_alive():
                raise RuntimeError("the kernel exited during start-up")
            try:
                with socket.create_connection((km.ip, port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the kernel did not listen on port %d within %d s" % (port, seconds))
                time.sleep(0.2)


def execute(nb, cwd, cell_timeout):
    """Runs every code cell in order, storing outputs and execution counts; stops at the first error."""
    km, kc = start_kernel(cwd)
    try:
        number = 0
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            number += 1
            outputs = []

            def hook(msg):
                kind = msg["msg_type"]
                if kind == "stream" and outputs and outputs[-1].output_type == "stream" \
                        and outputs[-1].name == msg["content"]["name"]:
                    outputs[-1].text += msg["content"]["text"]
                elif kind in ("stream", "display_data", "execute_result", "error"):
                    outputs.append(nbformat.v4.output_from_msg(msg))

            try:
                reply = kc.execute_interactive(cell.source, timeout=cell_timeout, output_hook=hook,
                                               allow_stdin=False, stop_on_error=True)
            except TimeoutError:
                raise RuntimeError("code cell %d exceeded %d s" % (number, cell_timeout))
            cell.outputs = outputs
            cell.execution_count = reply["content"].get("execution_count")
            if reply["content"]["status"] != "ok":
                raise RuntimeError("code cell %d: %s: %s" % (number, reply["content"].get("ename"),
                                                              reply["content"].get("evalue")))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def problems(nb):
    """Error outputs and stderr text, as (code cell number, message)."""
    found, number = [], 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        number += 1
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                found.append((number, "%s: %s" % (out.ename, out.evalue)))
            elif out.output_type == "stream" and out.name == "stderr":
                found.append((number, "stderr: " + out.text.strip()[:2000]))
    return found


def output_kinds(nb):
    """Per code cell: whether it printed text and whether it showed a PNG."""
    kinds = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            outs = cell.get("outputs", [])
            kinds.append((any(o.output_type == "stream" for o in outs),
                          any("image/png" in o.get("data", {}) for o in outs)))
    return kinds


def stale(committed, executed):
    """Code cells whose committed outputs differ in kind (text, PNG) from a fresh run's, or lack a count."""
    found = []
    for number, (saved, now) in enumerate(zip(output_kinds(committed), output_kinds(executed)), start=1):
        if saved != now:
            found.append((number, "committed outputs are stale: saved (text, png) = %s, this run %s; refresh with"
                                  " --update" % (saved, now)))
    counts = [c.get("execution_count") for c in committed.cells if c.cell_type == "code"]
    if counts != list(range(1, len(counts) + 1)):
        found.append((0, "committed execution counts %s are not one run from the top; refresh with --update"
                      % counts))
    return found


def strip_classpath_lines(nb):
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.output_type == "stream" and "to classpath" in out.text:
                out.text = "".join(l for l in out.text.splitlines(True)
                                   if not re.search(r"Add .* to classpath", l))
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and not o.text)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="notebook files (default: every tutorials/*.ipynb)")
    parser.add_argument("--update", action="store_true", help="write the executed notebooks back in place")
    parser.add_argument("--cell-timeout", type=int, default=300, help="seconds per cell (default 300)")
    args = parser.parse_args()
    files = args.notebooks or sorted(f for f in os.listdir(HERE) if f.endswith(".ipynb"))
    files = [f if os.path.isabs(f) or os.path.exists(f) else os.path.join(HERE, f) for f in files]
    out_dir = tempfile.mkdtemp(prefix="dropout4j-notebooks-")
    failed, total_start = [], time.monotonic()
    for path in files:
        nb = nbformat.read(path, as_version=4)
        committed = nbformat.read(path, as_version=4)
        name = os.path.basename(path)
        start = time.monotonic()
        try:
            execute(nb, os.path.dirname(os.path.abspath(path)), args.cell_timeout)
            error = None
        except Exception as e:   # cell errors, time-outs, kernel start-up and transport errors
            error = "%s: %s" % (type(e).__name__, e)
        seconds = time.monotonic() - start
        found = problems(nb) + ([] if args.update or error else stale(committed, nb))
        if error or found:
            failed.append(name)
            print("FAIL %s (%.0f s)" % (name, seconds))
            if error:
                print("  " + error.replace("\n", "\n  "))
            for number, message in found:
                print("  code cell %d: %s" % (number, message.replace("\n", "\n    ")))
        else:
            print("ok   %s (%.0f s)" % (name, seconds))
        sys.stdout.flush()
        if args.update and not (error or found):
            strip_classpath_lines(nb)
            nbformat.write(nb, path)
        else:
            nbformat.write(nb, os.path.join(out_dir, name))
    print("%d notebook(s) in %.0f s; %s" % (len(files), time.monotonic() - total_start,
                                           "failed ones' executed copies in " + out_dir if args.update
                                           else "executed copies in " + out_dir))
    if failed:
        print("failed: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
