# make demo, step "get" (sourced by scripts/demo with SOCK and WORK set, and
# kubectl-sock on PATH as a kubectl plugin): list what the cluster holds
# through the unix socket, printed exactly as kubectl prints it.
echo; echo "# user: kubectl sock get, through the same socket"
say "kubectl sock --server=unix://$SOCK get pods"
kubectl sock --server="unix://$SOCK" get pods
say "kubectl sock --server=unix://$SOCK get pods,services,deployments -A -o wide"
kubectl sock --server="unix://$SOCK" get pods,services,deployments -A -o wide
say "kubectl sock --server=unix://$SOCK get pods -l app=web -o name"
kubectl sock --server="unix://$SOCK" get pods -l app=web -o name
