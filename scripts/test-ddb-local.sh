#!/usr/bin/env bash
# Parity run (README, "DynamoDB Local parity"): the integration tests that touch DynamoDB, with AWS's
# DynamoDB Local behind the AWS-rules layer instead of dynalite (KOMBO_SYNC_DYNAMODB=dynamodb-local).
# DynamoDB Local listens on every interface, so it runs inside a network namespace of its own whose
# only interface is loopback.
#
#   scripts/test-ddb-local.sh [--semantics] [vitest arguments...]
#
# --semantics runs the subset CI runs (stores, worker, purge, sweep, pipeline, the AWS-rules layer);
# without it, the integration tests (but those below) and the convergence suite with the
# seeds in CONVERGENCE_SEEDS (default 1000,1001: about 80 s; the CI size of six takes minutes more).
set -euo pipefail
cd "$(dirname "$0")/.."

skip() {
  echo "SKIPPED: DynamoDB Local parity needs $1; nothing was run"
  exit 0
}

# Left out of both runs, and why:
# - fake-kombo*, kombo-client-spec: they start no DynamoDB at all.
# - bench-smoke: the benchmark's code paths, not DynamoDB semantics. With a JVM its tiny run
#   exceeds its own 90 s timeout, and its metering test expects AWS's documented BatchGetItem
#   billing (half a unit per key, a missing one included), which DynamoDB Local does not report.
excluded=(
  --exclude 'test/integration/fake-kombo*.test.ts'
  --exclude test/integration/kombo-client-spec.test.ts
  --exclude test/integration/bench-smoke.test.ts
)
files=(test/integration test/convergence/convergence.test.ts)
export CONVERGENCE_SEEDS="${CONVERGENCE_SEEDS:-1000,1001}"
if [ "${1:-}" = "--semantics" ]; then
  shift
  # Left to the full run: the same code paths through the worker's properties, continuation,
  # reconcile, the CLI and the local runtime, and the convergence seeds (about 4 more minutes).
  files=(
    test/integration/aws-rules.test.ts
    test/integration/aws-rules-faults.test.ts
    test/integration/dynamodb-local.test.ts
    test/integration/records-store.test.ts
    test/integration/request-window-counter.test.ts
    test/integration/purge-fence.test.ts
    test/integration/webhook-to-queue.test.ts
    test/integration/pipeline.test.ts
    test/integration/worker-aws-faults.test.ts
    test/integration/full-sync.test.ts
  )
fi

command -v java >/dev/null || skip "java (17 or later) on PATH"
java_major="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)"
[ "${java_major:-0}" -ge 17 ] || skip "Java 17 or later (found: $(java -version 2>&1 | head -n 1))"
command -v unshare >/dev/null || skip "unshare (util-linux)"
command -v ip >/dev/null || skip "ip (iproute2) to bring loopback up inside the namespace"

# A PID namespace too where allowed: when the run ends, any JVM it left behind ends with it.
# Without root, a user namespace (-r) may allow the same. Loopback must come up inside.
namespace=()
for candidate in "--net --pid --fork --mount-proc --kill-child" "--net" "--user --map-root-user --net"; do
  # shellcheck disable=SC2086
  if unshare $candidate bash -c 'ip link set lo up' 2>/dev/null; then
    read -r -a namespace <<<"$candidate"
    break
  fi
done
[ "${#namespace[@]}" -gt 0 ] || skip "permission to create a private network namespace (unshare -n)"

started=$SECONDS
status=0
unshare "${namespace[@]}" bash -c \
  'ip link set lo up && KOMBO_SYNC_DYNAMODB=dynamodb-local npx vitest run "$@"' \
  vitest "${files[@]}" "${excluded[@]}" "$@" || status=$?
echo "DynamoDB Local parity: vitest exited ${status} after $((SECONDS - started)) s (unshare ${namespace[*]})"
exit "$status"
