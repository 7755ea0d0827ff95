#!/usr/bin/env bash
# Regenerates one shipped pretrained-weights file, bit for bit, and its weights-registry entry:
#
#   pretrained/make-weights.sh MODEL DATA_SET     MODEL: mnist-800x2 | mnist-800x2-dropout (any MNIST zoo model)
#                                                  DATA_SET: mnist-bundled | fashion-mnist
#
# 1. ./dropout4j train MODEL --seed 1 (the default short recipe) on the data set: mnist-bundled 10 epochs on the
#    bundled 8,000 digits; fashion-mnist 2 epochs on Debian's dataset-fashion-mnist (60,000 images; set
#    FASHION_MNIST_DIR to read them elsewhere).
# 2. ./dropout4j publish writes $OUT/MODEL.DATA_SET.zip (default OUT: this folder): configuration and parameters
#    only, entries stored with a fixed time, so equal networks give equal bytes; it measures the test error of
#    the mean network and adds the entry to $REGISTRY (default: the zoo's registry resource; REGISTRY=none: only
#    print it), recording this command and the commit (git rev-parse HEAD; commit your changes first).
#
# Identical bytes need the same code, OMP_NUM_THREADS=2 (set here: BLAS sums in a thread-count-dependent order)
# and DL4J 1.0.0-M2.1's Linux x86-64 natives (.mvn/maven.config pins the platform).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -ne 2 ]]; then
  echo "usage: pretrained/make-weights.sh MODEL mnist-bundled|fashion-mnist" >&2
  exit 2
fi
model="$1"
dataset="$2"
case "$dataset" in
  mnist-bundled) epochs=10; data=() ;;
  fashion-mnist) epochs=2; data=(--data "${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}") ;;
  *) echo "make-weights.sh: unknown data set '$dataset' (mnist-bundled or fashion-mnist)" >&2; exit 2 ;;
esac
registry="${REGISTRY:-$ROOT/model-zoo/src/main/resources/io/github/dropout4j/zoo/pretrained/weights-registry.json}"
registry_args=()
[[ "$registry" != none ]] && registry_args=(--registry "$registry")
export OMP_NUM_THREADS=2
run="${RUNS:-$ROOT/runs/pretrained}/$model.$dataset"
rm -rf "$run"
cd "$ROOT"
./dropout4j train "$model" "${data[@]}" --epochs "$epochs" --seed 1 --quiet --out "$run"
./dropout4j publish "$run/model.zip" --model "$model" --data-set "$dataset" "${data[@]}" \
  --out "${OUT:-$ROOT/pretrained}" --command "pretrained/make-weights.sh $model $dataset" "${registry_args[@]}"
