#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in a build folder of their own and runs
# each for a bounded time over its seed corpus (corpus/<target>/, read only). Fails on any
# crash, leak, undefined behaviour, timeout or out-of-memory, and prints how to reproduce it.
#
# Usage: test/fuzz/run.sh [BUILD_DIR] [TARGET...]
#   BUILD_DIR      the clang build folder (default: build-fuzz at the repository root)
#   TARGET         peer_codec rpc_dispatcher rules_parser config relay_input (default: all)
#   FUZZ_SECONDS   time per target (default 20; e.g. FUZZ_SECONDS=600 for a longer run)
#   FUZZ_OUT       where findings and the grown corpus go (default: a new temp folder, kept
#                  when something was found)
# Exit: 0 nothing found; 1 a finding; 77 no clang/libFuzzer here (CTest counts it skipped).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$SRC/build-fuzz}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(peer_codec rpc_dispatcher rules_parser config relay_input)
SECONDS_EACH=${FUZZ_SECONDS:-20}

if ! command -v clang++ >/dev/null || ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' \
     | clang++ -x c++ -fsanitize=fuzzer - -o /dev/null 2>/dev/null; then
  echo "fuzz: clang++ with libFuzzer not found (scripts/deps.sh installs clang, libclang-rt-14-dev)" >&2
  exit 77
fi

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$SRC" -B "$BUILD" -G Ninja -DSUPVISORS_FUZZ=ON \
    -DBUILD_TESTING=OFF -DSUPVISORS_BENCH=OFF -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS=-O1 \
    "${launcher[@]}" >/dev/null
fi
start=$(date +%s)
cmake --build "$BUILD" --target fuzz_targets
echo "fuzz: built in $(( $(date +%s) - start )) s"

OUT=${FUZZ_OUT:-$(mktemp -d /tmp/supvisors-fuzz.XXXXXX)}
mkdir -p "$OUT"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for t in "${TARGETS[@]}"; do
  bin="$BUILD/test/fuzz/${t}_fuzz"
  seeds="$SRC/test/fuzz/corpus/$t"
  grown="$OUT/$t/corpus"
  mkdir -p "$grown" "$OUT/$t"
  echo "fuzz: $t for ${SECONDS_EACH} s (seeds: ${seeds#"$SRC"/})"
  # The grown corpus comes first: libFuzzer writes new inputs there, never into the seeds.
  # -timeout: one input taking longer is a finding (a hang); -rss_limit_mb: so is a blow-up.
  if "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
       -print_final_stats=1 -artifact_prefix="$OUT/$t/" "$grown" "$seeds" \
       >"$OUT/$t/log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^#[0-9]+ *DONE' "$OUT/$t/log" | tail -2 | sed 's/^/  /'
  else
    failed+=("$t")
    echo "fuzz: $t FOUND SOMETHING; its log:" >&2
    tail -60 "$OUT/$t/log" >&2
    for a in "$OUT/$t"/crash-* "$OUT/$t"/leak-* "$OUT/$t"/timeout-* "$OUT/$t"/oom-*; do
      [ -e "$a" ] || continue
      echo "fuzz: reproduce with: $bin $a" >&2
      echo "fuzz: the input, base64: $(base64 -w0 "$a" | head -c 4000)" >&2
    done
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in: ${failed[*]} (kept in $OUT)" >&2
  exit 1
fi
[ -n "${FUZZ_OUT:-}" ] || rm -rf "$OUT"
echo "fuzz: no finding in ${TARGETS[*]}"
