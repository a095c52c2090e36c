#!/usr/bin/env bash
# Runs chosen run_*_tests functions of kubectl's own CLI suite (test/cmd/ and
# hack/lib/ of k8s.io/kubernetes, read in place from the Go module cache) through
# the suite's own record_command, and writes one result line per function.
#
# Started by test/kubectl-suite/run.ts inside a private mount namespace (see
# isolate.sh): /tmp and /var/tmp are fresh, the module folder is read-only.
#
# Environment (all required):
#   KSUITE_ROOT     the k8s.io/kubernetes@v1.33.1 module folder
#   KSUITE_WORK     a writable folder: the working directory (the suite names its
#                   test data as hack/testdata/..., so hack, test and third_party
#                   here are symlinks into KSUITE_ROOT), KUBE_TEMP, junit reports
#   KSUITE_SERVER   the server the suite's kube_flags name (-s)
#   KSUITE_MODE     sock: kubectl on PATH is kubectl-sock, KSUITE_SERVER a unix:// socket
#                   kubectl: kubectl on PATH is the real kubectl, KSUITE_SERVER https://
#   KSUITE_FUNCS    function names, space-separated
#   KSUITE_RESULTS  the results file: "name<TAB>rc<TAB>seconds" per function
#   KSUITE_LOGS     a folder for one log per function (NAME.log)
#   KSUITE_API_PORT the apiserver's TLS port (the suite's SECURE_API_PORT: a few
#                   functions call curl on it directly)
#   KSUITE_API_CERT the apiserver's serving certificate
#   KSUITE_BIN      the folder whose `kubectl` is the one under test (first on PATH)
set -o errexit -o nounset -o pipefail

cd "$KSUITE_WORK"
# The kubectl under test must be the one found (a target under the hidden /tmp would not be).
[[ -x $KSUITE_BIN/kubectl && $(command -v kubectl) == "$KSUITE_BIN/kubectl" ]] ||
  { echo "kubectl-suite: $KSUITE_BIN/kubectl is not the kubectl on PATH, or its target is not reachable here" >&2; exit 1; }
# Colours of hack/lib/test.sh come from tput, which fails (and so errexit) without a terminal type.
export TERM=xterm LANG=C
export SECURE_API_PORT=$KSUITE_API_PORT
# kubectl 1.33.1 (the suite's version) against kube-apiserver 1.34: the suite's own
# switch that leaves --match-server-version out of kube_flags.
export ALLOW_SKEW=1
export KUBE_JUNIT_REPORT_DIR=$KSUITE_WORK/junit
# The suite's KUBE_ROOT is computed from its files' paths (the read-only module);
# relative paths (hack/testdata/...) resolve through KSUITE_WORK's symlinks.
source "$KSUITE_ROOT/hack/lib/init.sh"
# Where test-cmd.sh builds kubectl (some functions run "${THIS_PLATFORM_BIN}/kubectl"):
# here, the folder whose kubectl is the one under test.
THIS_PLATFORM_BIN=$KSUITE_BIN
source "$KSUITE_ROOT/hack/lib/test.sh"
source "$KSUITE_ROOT/test/cmd/legacy-script.sh"

# --- set-up, as legacy-script.sh's setup() and runTests() do it ---------------
# test-cmd.sh starts kube-apiserver with --cert-dir=${TMPDIR:-/tmp}/, and the
# kubeconfig tests read its serving certificate from there (this /tmp is private).
cp "$KSUITE_API_CERT" "${TMPDIR:-/tmp}/apiserver.crt"
kube::util::ensure-temp-dir
HOME=$KUBE_TEMP
kube::util::ensure-gnu-sed
CONTEXT=test
if [[ $KSUITE_MODE == sock ]]; then
  # No credentials of the user's own: kubectl sock proxy holds them.
  kubectl config set-credentials test-admin >/dev/null
  kubectl config set-cluster local --server "$KSUITE_SERVER" >/dev/null
  kube_flags=(-s "$KSUITE_SERVER")
else
  # setup() exactly: the suite's admin-token (hack/testdata/auth-tokens.csv is
  # added to the apiserver's token file), TLS without verification.
  kubectl config set-credentials test-admin --token admin-token >/dev/null
  kubectl config set-cluster local --insecure-skip-tls-verify --server "$KSUITE_SERVER" >/dev/null
  kube_flags=(-s "$KSUITE_SERVER" --insecure-skip-tls-verify)
fi
kubectl config set-context "$CONTEXT" --user test-admin --cluster local >/dev/null
kubectl config use-context "$CONTEXT" >/dev/null
kube_flags_without_token=("${kube_flags[@]}")
kube_flags_with_token=("${kube_flags_without_token[@]}" '--token=admin-token')
# runTests' field helpers (export id_field=... and the rest), taken from its own text.
eval "$(declare -f runTests | grep -E '^ *export [a-z_0-9]+=' | sed 's/^ *//; s/;$//')"
[[ -n ${id_field:-} && -n ${image_field1:-} ]] || { echo "runTests' field helpers not found" >&2; exit 1; }
export SUPPORTED_RESOURCES=("*")

# The one-time set-up the whole suite assumes (hack/make-rules/test-cmd.sh's
# create_node, runTests' kubernetes service), done once per control plane: the
# first run to get here does it, the second finds it done.
if ! kubectl get "${kube_flags[@]}" nodes 127.0.0.1 >/dev/null 2>&1; then
  # The function's heredoc (JSON) has lines that start with "}": take it through __EOF__.
  eval "$(sed -n '/^function create_node() {/,/^__EOF__$/p' "$KSUITE_ROOT/hack/make-rules/test-cmd.sh"; echo '}')"
  create_node >/dev/null
fi
kubectl create "${kube_flags[@]}" -f hack/testdata/kubernetes-service.yaml >/dev/null 2>&1 || true
kubectl get "${kube_flags[@]}" -f hack/testdata/kubernetes-service.yaml >/dev/null

# --- the functions -----------------------------------------------------------
# Each function runs through record_command in a background job (its own process
# group: set -m) with a watchdog, so that one that hangs is ended (TERM, then
# KILL to the whole group) after KSUITE_FUNCTION_TIMEOUT seconds instead of
# stalling the run. record_command's verdict (foundError) comes back in a file.
limit=${KSUITE_FUNCTION_TIMEOUT:-600}
set -m
: >"$KSUITE_RESULTS"
for fn in $KSUITE_FUNCS; do
  if [[ $(type -t "$fn") != function ]]; then
    printf '%s\t%s\t%s\n' "$fn" missing 0 >>"$KSUITE_RESULTS"
    continue
  fi
  verdict=$KSUITE_WORK/verdict
  rm -f "$verdict"
  t0=$(date +%s.%N)
  ( foundError=''; record_command "$fn"; printf '%s' "$foundError" >"$verdict" ) >"$KSUITE_LOGS/$fn.log" 2>&1 </dev/null &
  job=$!
  ( sleep "$limit"; kill -TERM -- "-$job"; sleep 5; kill -KILL -- "-$job" ) >/dev/null 2>&1 &
  watchdog=$!
  wait "$job" || true
  kill -KILL -- "-$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  t1=$(date +%s.%N)
  if [[ ! -f $verdict ]]; then
    rc=timeout
    printf '\nkubectl-suite: ended after %ss (KSUITE_FUNCTION_TIMEOUT)\n' "$limit" >>"$KSUITE_LOGS/$fn.log"
  elif [[ -s $verdict ]]; then rc=1
  else rc=0
  fi
  printf '%s\t%s\t%s\n' "$fn" "$rc" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" >>"$KSUITE_RESULTS"
done
