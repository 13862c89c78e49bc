#!/usr/bin/env bash
# takst batch against the same tariffs written by hand, as whole processes, and
# each goal of issue 16 as a figure and a ratio measured beside its baseline.
#
#   bench/run.sh [N]            N synthetic offers (default 100000), median of 5 runs
#                               of each, wall time and peak memory:
#                               - by hand and takst batch, for each bundled agreement
#                                 (goal: takst ≤ 2× by hand, the agreements within 1.5×
#                                 of each other);
#                               - the Midtjylland batch on one thread (both cores used);
#                               - all three in one command, on a file valid for all three
#                                 (goal: < 0.6 s at 100,000 offers);
#                               - takst eval of one offer, each agreement (goal: < 10 ms).
#   bench/run.sh --callgrind    instructions (valgrind's callgrind, the stable figure on a
#                               busy machine), 20,000 offers on one thread:
#                               - the engine alone (Evaluator::run) per offer against the
#                                 hand-written tariff function alone, per agreement
#                                 (goal: ≤ 2×);
#                               - the whole batch per offer (less the run of the header
#                                 alone) against the whole hand-written process;
#                               - all three in one command; takst eval of one offer, each
#                                 agreement; takst check of the bundled texts.
#   bench/run.sh --million      peak memory of takst batch on 1,000,000 offers (goal:
#                               < 100 MiB), one agreement and all three.
#
# The hand-written processes (bench/src/bin/by_hand.rs) write every figure of every
# offer as takst does; their output is compared with takst's, byte for byte, first.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p takst -p takst-bench
bin=target/release
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
agreements=(midtjylland sjaelland syddanmark)
all=midtjylland,sjaelland,syddanmark
offer=examples/adults-108-home.toml
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"

# Median wall seconds and peak KiB of a command over RUNS runs (output discarded).
measure() {
  local runs=$1; shift
  for _ in $(seq "$runs"); do
    local start=$EPOCHREALTIME
    /usr/bin/time -f "%M" -o "$dir/time" "$@" >/dev/null 2>&1 || true
    local end=$EPOCHREALTIME
    echo "$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.4f", b - a}') $(cat "$dir/time" | tail -1)"
  done | sort -n | awk '{w[NR]=$1; m[NR]=$2} END {i=int((NR+1)/2); printf "%s %s\n", w[i], m[i]}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# Instructions of a command; with a function name, of that function alone.
instructions() {
  local only=()
  if [[ $1 == --only=* ]]; then only=(--toggle-collect="${1#--only=}"); shift; fi
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "${only[@]}" "$@" 2>&1 >/dev/null |
    awk '/Collected/ {gsub(",", "", $4); print $4}'
}

# The same bytes from takst and by hand, for each agreement.
same() {
  local a=$1 file=$2
  $bin/takst batch -a "$a" "$file" >"$dir/takst.out" 2>/dev/null
  $bin/by-hand "$a" "$file" >"$dir/hand.out"
  cmp -s "$dir/takst.out" "$dir/hand.out" || { echo "the hand-written $a tariff and takst differ" >&2; exit 1; }
}

case "${1:-}" in
--callgrind)
  n=20000
  echo "instructions per offer, $n offers, one thread"
  printf "%-14s %12s %12s %7s   %12s %12s %7s\n" "" "engine" "by hand" "ratio" "whole batch" "by hand" "ratio"
  for a in "${agreements[@]}"; do
    $bin/offers "$a" $n >"$dir/$a.csv"
    head -1 "$dir/$a.csv" >"$dir/$a-header.csv"
    same "$a" "$dir/$a.csv"
    engine=$(instructions --only='engine::eval::Evaluator::run' $bin/takst batch -a "$a" --threads 1 "$dir/$a.csv")
    tariff=$(instructions --only="by_hand::$a" $bin/by-hand "$a" "$dir/$a.csv")
    whole=$(instructions $bin/takst batch -a "$a" --threads 1 "$dir/$a.csv")
    fixed=$(instructions $bin/takst batch -a "$a" --threads 1 "$dir/$a-header.csv")
    hand=$(instructions $bin/by-hand "$a" "$dir/$a.csv")
    printf "%-14s %12d %12d %6sx   %12d %12d %6sx   (takst's start: %d million)\n" "$a" \
      $((engine / n)) $((tariff / n)) "$(ratio "$engine" "$tariff")" \
      $(((whole - fixed) / n)) $((hand / n)) "$(ratio $((whole - fixed)) "$hand")" $((fixed / 1000000))
  done
  $bin/offers all $n >"$dir/all.csv"
  head -1 "$dir/all.csv" >"$dir/all-header.csv"
  whole=$(instructions $bin/takst batch --agreements $all --threads 1 "$dir/all.csv")
  fixed=$(instructions $bin/takst batch --agreements $all --threads 1 "$dir/all-header.csv")
  printf "%-14s %12s %12s %7s   %12d   (start: %d million)\n" "all three" "" "" "" $(((whole - fixed) / n)) $((fixed / 1000000))
  for a in "${agreements[@]}"; do
    eval=$(instructions $bin/takst eval -a "$a" $offer)
    echo "takst eval -a $a $offer: $((eval / 1000000)) million instructions, the whole process"
  done
  check=$(instructions $bin/takst check agreements/*.takst)
  echo "takst check agreements/*.takst (the texts, parsed and checked): $((check / 1000000)) million instructions"
  ;;
--million)
  n=1000000
  $bin/offers all $n >"$dir/million.csv"
  read -r wall kib < <(measure 1 $bin/takst batch -a midtjylland "$dir/million.csv" -o "$dir/out.csv")
  echo "takst batch, $n Midtjylland offers: $wall s, peak $((kib / 1024)) MiB (goal < 100) ($(du -m "$dir/million.csv" | cut -f1) MB in, $(du -m "$dir/out.csv" | cut -f1) MB out)"
  read -r wall kib < <(measure 1 $bin/takst batch --agreements $all "$dir/million.csv" -o "$dir/out.csv")
  echo "takst batch, $n offers, all three agreements: $wall s, peak $((kib / 1024)) MiB (goal < 100) ($(du -m "$dir/out.csv" | cut -f1) MB out)"
  ;;
*)
  n=${1:-100000}
  for a in "${agreements[@]}"; do
    $bin/offers "$a" "$n" >"$dir/$a.csv"
    same "$a" "$dir/$a.csv"
  done
  $bin/offers all "$n" >"$dir/all.csv"
  echo "$n offers, whole process, median of 5 (wall s, peak MiB)"
  printf "%-40s %8s %8s %7s   %8s\n" "" "by hand" "takst" "ratio" "peak"
  low="" high=""
  for a in "${agreements[@]}"; do
    read -r hw _ < <(measure 5 $bin/by-hand "$a" "$dir/$a.csv")
    read -r w m < <(measure 5 $bin/takst batch -a "$a" "$dir/$a.csv")
    printf "%-40s %8s %8s %6sx   %5d MiB   (goal ≤ 2x)\n" "takst batch -a $a" "$hw" "$w" "$(ratio "$w" "$hw")" $((m / 1024))
    low=$(awk -v a="$w" -v b="${low:-$w}" 'BEGIN {print (a < b) ? a : b}')
    high=$(awk -v a="$w" -v b="${high:-$w}" 'BEGIN {print (a > b) ? a : b}')
  done
  echo "the slowest agreement against the fastest: $(ratio "$high" "$low")x (goal ≤ 1.5x)"
  read -r w1 _ < <(measure 5 $bin/takst batch -a midtjylland --threads 1 "$dir/midtjylland.csv")
  read -r w _ < <(measure 5 $bin/takst batch -a midtjylland "$dir/midtjylland.csv")
  echo "Midtjylland on one thread: $w1 s; on $(nproc): $w s ($(ratio "$w1" "$w")x)"
  status=0
  $bin/takst batch --agreements $all "$dir/all.csv" >/dev/null 2>"$dir/all.err" || status=$?
  read -r w m < <(measure 5 $bin/takst batch --agreements $all "$dir/all.csv")
  printf "%-40s %8s %8s %7s   %5d MiB   (goal < 0.6 s; exit %d, %d warnings)\n" "takst batch --agreements (all three)" "" "$w" "" \
    $((m / 1024)) "$status" "$(grep -c '⚠' "$dir/all.err" || true)"
  for a in "${agreements[@]}"; do
    read -r w m < <(measure 11 $bin/takst eval -a "$a" $offer)
    printf "%-40s %8s %8s %7s   %5d MiB   (goal < 0.010 s, median of 11)\n" "takst eval -a $a (one offer)" "" "$w" "" $((m / 1024))
  done
  ;;
esac
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
