#!/usr/bin/env bash
# takst batch against the same tariff written by hand, as whole processes.
#
#   bench/run.sh [N]            N synthetic offers (default 100000): wall time and peak
#                               memory, median of 5 runs, of the hand-written
#                               Midtjylland tariff, of takst batch on each bundled
#                               agreement, and of all three in one command; the ratios.
#   bench/run.sh --callgrind    instructions per offer (valgrind's callgrind, the stable
#                               figure on a busy machine): 20,000 offers on one thread,
#                               less the run of the header alone.
#   bench/run.sh --million      peak memory of takst batch on 1,000,000 offers.
#
# The hand-written process (bench/src/bin/by_hand.rs) writes every figure of every
# offer as takst does; its output is compared with takst's, byte for byte, first.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p takst -p takst-bench
bin=target/release
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
agreements=(midtjylland sjaelland syddanmark)

# Median wall seconds and peak KiB of a command over RUNS runs (output discarded).
measure() {
  local runs=$1; shift
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$dir/time" "$@" >/dev/null 2>&1 || true
    cat "$dir/time"
  done | sort -n | awk '{w[NR]=$1; m[NR]=$2} END {i=int((NR+1)/2); printf "%s %s\n", w[i], m[i]}'
}

instructions() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    awk '/Collected/ {gsub(",", "", $4); print $4}'
}

case "${1:-}" in
--callgrind)
  n=20000
  for a in "${agreements[@]}"; do
    $bin/offers "$a" $n >"$dir/$a.csv"
    head -1 "$dir/$a.csv" >"$dir/$a-header.csv"
  done
  hand=$(instructions $bin/by-hand "$dir/midtjylland.csv")
  printf "%-40s %12s\n" "instructions per offer ($n offers)" ""
  printf "%-40s %12d\n" "by hand, Midtjylland" $((hand / n))
  for a in "${agreements[@]}"; do
    all=$(instructions $bin/takst batch -a "$a" --threads 1 "$dir/$a.csv")
    fixed=$(instructions $bin/takst batch -a "$a" --threads 1 "$dir/$a-header.csv")
    printf "%-40s %12d   (start: %d million)\n" "takst batch, $a" $(((all - fixed) / n)) $((fixed / 1000000))
  done
  ;;
--million)
  $bin/offers midtjylland 1000000 >"$dir/million.csv"
  read -r wall kib < <(measure 1 $bin/takst batch -a midtjylland "$dir/million.csv" -o "$dir/out.csv")
  echo "takst batch, 1,000,000 Midtjylland offers: $wall s, peak $((kib / 1024)) MiB ($(du -m "$dir/million.csv" | cut -f1) MB in, $(du -m "$dir/out.csv" | cut -f1) MB out)"
  ;;
*)
  n=${1:-100000}
  for a in "${agreements[@]}"; do $bin/offers "$a" "$n" >"$dir/$a.csv"; done
  $bin/takst batch -a midtjylland "$dir/midtjylland.csv" >"$dir/takst.out"
  $bin/by-hand "$dir/midtjylland.csv" >"$dir/hand.out"
  cmp -s "$dir/takst.out" "$dir/hand.out" || { echo "the hand-written tariff and takst differ" >&2; exit 1; }
  echo "$n offers, whole process, median of 5 (wall s, peak MiB); $(nproc) cores"
  read -r hw hm < <(measure 5 $bin/by-hand "$dir/midtjylland.csv")
  printf "%-46s %6s s %6d MiB\n" "by hand, Midtjylland (every figure)" "$hw" $((hm / 1024))
  for a in "${agreements[@]}"; do
    read -r w m < <(measure 5 $bin/takst batch -a "$a" "$dir/$a.csv")
    printf "%-46s %6s s %6d MiB   %sx by hand\n" "takst batch -a $a" "$w" $((m / 1024)) "$(awk -v a="$w" -v b="$hw" 'BEGIN {printf "%.2f", a / b}')"
  done
  read -r w m < <(measure 5 $bin/takst batch --agreements midtjylland,sjaelland,syddanmark "$dir/midtjylland.csv")
  printf "%-46s %6s s %6d MiB\n" "takst batch --agreements (all three)" "$w" $((m / 1024))
  ;;
esac
