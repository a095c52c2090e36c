#!/usr/bin/env bash
# isolate.sh MODULE_DIR DIR... -- COMMAND...: runs COMMAND in a private mount
# namespace where /tmp and /var/tmp are fresh (kubectl's suite writes fixed
# /tmp names: juLog's /tmp/evErr.$$.log and /var/tmp/ju$$.txt, the canary's
# /tmp/record_command_canary.*, ${TMPDIR:-/tmp}/*.yaml; all of it vanishes with
# the namespace, so nothing is left behind and two runs never share a file),
# each DIR (which may live under /tmp) is bound back in at its own path, and
# MODULE_DIR is bound read-only, so that not even root can change the module
# cache. It is a pid namespace too (--kill-child: it ends with this script,
# however that ends): whatever the suite leaves running (a `kubectl proxy` whose
# parent its stop-proxy killed with -9) ends with it.
# Falls back to running COMMAND as it is where unshare is not allowed.
set -euo pipefail
module=$1
shift
dirs=()
while [[ $# -gt 0 && $1 != -- ]]; do dirs+=("$1"); shift; done
[[ ${1:-} == -- ]] && shift

if ! unshare -m -p -f --mount-proc --propagation private true 2>/dev/null; then
  echo "kubectl-suite: unshare -m is not allowed here: running without a private /tmp and read-only module" >&2
  exec "$@"
fi

# Inside: each DIR is held open on a descriptor across the /tmp mount, then bound
# back by that descriptor (--no-canonicalize: the path itself is hidden by then).
exec unshare -m -p -f --kill-child --mount-proc --propagation private bash -c '
  set -euo pipefail
  module=$1 n=$2; shift 2
  dirs=("${@:1:n}"); shift "$n"
  fds=()
  for d in "${dirs[@]}"; do exec {fd}<"$d"; fds+=("$fd"); done
  mount -t tmpfs -o mode=1777 ksuite-tmp /tmp
  mount -t tmpfs -o mode=1777 ksuite-vartmp /var/tmp
  for i in "${!dirs[@]}"; do
    mkdir -p "${dirs[$i]}"
    mount --no-canonicalize --bind "/proc/self/fd/${fds[$i]}" "${dirs[$i]}"
    exec {fds[$i]}<&-
  done
  mount --bind "$module" "$module"
  mount -o remount,bind,ro "$module"
  exec "$@"
' isolate "$module" "${#dirs[@]}" "${dirs[@]}" "$@"
