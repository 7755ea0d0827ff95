#!/usr/bin/env bash
# Installs the Java kernel the tutorials run in: rapaio-jupyter-kernel (a JShell-based Jupyter kernel), fetched
# from Maven Central, registered with Jupyter for the current user (~/.local/share/jupyter/kernels/).
#
#   tutorials/install-kernel.sh            # needs JDK 17+, Maven and Jupyter (jupyter-client) on the PATH
#
# The kernel runs with OMP_WAIT_POLICY=PASSIVE (idle ND4J threads sleep instead of spinning; ~2x faster on small
# machines), added to the kernel's kernel.json.
set -euo pipefail
VERSION="${RJK_VERSION:-3.0.1}"
MVN="${MVN:-mvn}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$MVN" -B -q dependency:copy -Dartifact="io.github.padreati:rapaio-jupyter-kernel:$VERSION" \
  -DoutputDirectory="$work"
# -auto: no questions; installs into the user's Jupyter kernel folder and copies the jar there.
java -jar "$work/rapaio-jupyter-kernel-$VERSION.jar" -i -auto >"$work/install.log"
dir="$(sed -n 's/^Installation path: //p' "$work/install.log")/$(sed -n 's/^Kernel dir: //p' "$work/install.log")"
[[ -f "$dir/kernel.json" ]] || { cat "$work/install.log" >&2; echo "install-kernel: no kernel.json in $dir" >&2; exit 1; }
python3 - "$dir/kernel.json" <<'PY'
import json, sys
path = sys.argv[1]
spec = json.load(open(path))
spec.setdefault("env", {})["OMP_WAIT_POLICY"] = "PASSIVE"
json.dump(spec, open(path, "w"), indent=2)
PY
echo "install-kernel: rapaio-jupyter-kernel $VERSION registered as '$(basename "$dir")' in $dir"
