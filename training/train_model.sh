#!/bin/sh
# Builds models/conexus-code-v1 from scratch: mine permissively licensed code on this
# machine, build the vocabulary and pairs, train, export, evaluate on the CoSQA dev split.
# Needs Debian's python3-torch, python3-onnx, python3-numpy, python3-regex and the source
# packages listed in training/README.md (apt-get install -y ...). Work files go to
# $CONEXUS_TRAIN_DIR (default /tmp/conexus-train); nothing is downloaded.
set -eu
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
WORK="${CONEXUS_TRAIN_DIR:-/tmp/conexus-train}"
OUT=models/conexus-code-v1
mkdir -p "$WORK"

# The chosen variant (see training/README.md for the others that were tried).
DIM=256
EPOCHS="${CONEXUS_TRAIN_EPOCHS:-8}"
HARD=0.3
BATCH=4096

echo "[train-model] mining Python definitions" >&2
$PY training/mine_python.py "$WORK/python.jsonl"
echo "[train-model] mining Go, Rust and JS/TS definitions" >&2
$PY training/mine_other.py "$WORK/other.jsonl" node_modules
$PY training/sources.py training/SOURCES.md "$WORK/python.jsonl" "$WORK/other.jsonl"
echo "[train-model] building vocabulary and pairs" >&2
$PY training/build_data.py "$WORK/data" "$WORK/python.jsonl" "$WORK/other.jsonl"
echo "[train-model] training" >&2
$PY training/train.py "$WORK/data" "$WORK/table.npy" --dim $DIM --epochs "$EPOCHS" --batch $BATCH --hard $HARD
echo "[train-model] exporting to $OUT" >&2
rm -rf "$OUT"
$PY training/export.py "$WORK/table.npy" "$WORK/data/vocab.txt" "$OUT" \
  --meta "{\"name\":\"conexus-code-v1\",\"kind\":\"static token embeddings, mean pooled\",\"dim\":$DIM,\"epochs\":$EPOCHS,\"batch\":$BATCH,\"hard\":$HARD}"
$PY training/check_parity.py "$WORK/data/vocab.txt" "$WORK/python.jsonl" "$WORK/parity.jsonl" 500
echo "[train-model] evaluating on the CoSQA dev split" >&2
node --import tsx training/evaluate.ts "$OUT" --parity "$WORK/parity.jsonl" --json "$WORK/eval.json"
