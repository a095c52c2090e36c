// Pins the module whose test/cmd/ and hack/lib/ the runner reads in place from
// the Go module cache: kubectl's own CLI suite at the oracle's version
// (kubectl.1.33 is v1.33.1). Nothing is built from it; go.sum pins its hash.
module kubectlsock.test/kubectlsuite

go 1.24.0

require k8s.io/kubernetes v1.33.1
