// Command ksock-certs writes the PKI for kubectl-sock's real control plane
// test bed (scripts/control-plane). Standard library only, so it behaves the
// same everywhere (no openssl version quirks, and back-dated certificates are
// trivial).
//
// Usage: ksock-certs -out DIR [-node fake-node]
//
//	ksock-certs -free-ports N   prints N currently free TCP ports on 127.0.0.1, one a line
//
// Files written to DIR (keys are PKCS#8 PEM, certificates PEM):
//
//	ca.crt ca.key                       cluster CA: signs the apiserver serving cert and kubelet-client
//	apiserver.crt apiserver.key         serving cert, SANs 127.0.0.1, ::1, localhost, kubernetes.default.svc...
//	kubelet-client.crt kubelet-client.key  client cert the apiserver presents to kubelets (CN kube-apiserver-kubelet-client)
//	kubelet-ca.crt kubelet-ca.key       kubelet serving CA (given to --kubelet-certificate-authority)
//	kubelet.crt kubelet.key             VALID kubelet serving cert (127.0.0.1, ::1, localhost), signed by kubelet-ca
//	kubelet-expired.crt kubelet-expired.key  EXPIRED kubelet serving cert (same SANs, same CA; notAfter = now-24h)
//	kubelet-wrongca.crt kubelet-wrongca.key  valid-dated kubelet serving cert signed by an unrelated CA
//	sa.key sa.pub                       RSA key pair for service-account token signing/verification
package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

type issuer struct {
	cert *x509.Certificate
	key  crypto.Signer
}

var outDir string

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "ksock-certs:", err)
		os.Exit(1)
	}
}

func newKey() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	return k
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	must(err)
	return n.Add(n, big.NewInt(1))
}

func write(name string, blockType string, der []byte, mode os.FileMode) {
	p := filepath.Join(outDir, name)
	tmp := p + ".tmp"
	must(os.WriteFile(tmp, pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der}), mode))
	must(os.Rename(tmp, p))
}

func writeKey(name string, key crypto.Signer) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	must(err)
	write(name, "PRIVATE KEY", der, 0o600)
}

// sign creates a certificate from tmpl, signed by iss (self-signed if iss is nil),
// and writes base.crt / base.key.
func sign(base string, tmpl *x509.Certificate, iss *issuer) *issuer {
	key := newKey()
	parent, parentKey := tmpl, crypto.Signer(key)
	if iss != nil {
		parent, parentKey = iss.cert, iss.key
	}
	tmpl.SerialNumber = serial()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	must(err)
	cert, err := x509.ParseCertificate(der)
	must(err)
	write(base+".crt", "CERTIFICATE", der, 0o644)
	writeKey(base+".key", key)
	return &issuer{cert: cert, key: key}
}

func ca(base, cn string, now time.Time) *issuer {
	return sign(base, &x509.Certificate{
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"kubectl-sock test bed"}},
		NotBefore:             now.Add(-7 * 24 * time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}, nil)
}

func server(base string, subject pkix.Name, dns []string, notBefore, notAfter time.Time, iss *issuer) {
	sign(base, &x509.Certificate{
		Subject:     subject,
		NotBefore:   notBefore,
		NotAfter:    notAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    dns,
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}, iss)
}

func main() {
	node := flag.String("node", "fake-node", "node name put in the kubelet serving certs' subject (system:node:NAME)")
	flag.StringVar(&outDir, "out", "", "output directory (created if missing)")
	freePorts := flag.Int("free-ports", 0, "print this many free TCP ports on 127.0.0.1 and exit")
	flag.Parse()
	if *freePorts > 0 {
		printFreePorts(*freePorts)
		return
	}
	if outDir == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: ksock-certs -out DIR [-node NAME] | ksock-certs -free-ports N")
		os.Exit(2)
	}
	must(os.MkdirAll(outDir, 0o755))
	now := time.Now().UTC().Truncate(time.Second)
	valid := func() (time.Time, time.Time) { return now.Add(-24 * time.Hour), now.Add(5 * 365 * 24 * time.Hour) }

	// Cluster CA, apiserver serving cert, apiserver->kubelet client cert.
	clusterCA := ca("ca", "kubectl-sock-test-ca", now)
	nb, na := valid()
	server("apiserver", pkix.Name{CommonName: "kube-apiserver"},
		[]string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
		nb, na, clusterCA)
	sign("kubelet-client", &x509.Certificate{
		Subject:     pkix.Name{CommonName: "kube-apiserver-kubelet-client", Organization: []string{"system:masters"}},
		NotBefore:   nb,
		NotAfter:    na,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, clusterCA)

	// Kubelet serving CA and three kubelet serving certs.
	kubeletCA := ca("kubelet-ca", "kubectl-sock-test-kubelet-ca", now)
	kubeletSubject := pkix.Name{CommonName: "system:node:" + *node, Organization: []string{"system:nodes"}}
	kubeletDNS := []string{"localhost", *node}
	server("kubelet", kubeletSubject, kubeletDNS, nb, na, kubeletCA)
	server("kubelet-expired", kubeletSubject, kubeletDNS, now.Add(-72*time.Hour), now.Add(-24*time.Hour), kubeletCA)
	otherCA := &issuer{}
	{
		// An unrelated CA whose files are not kept: only its leaf is useful.
		key := newKey()
		tmpl := &x509.Certificate{
			SerialNumber: serial(), Subject: pkix.Name{CommonName: "unrelated-ca"},
			NotBefore: now.Add(-7 * 24 * time.Hour), NotAfter: now.Add(10 * 365 * 24 * time.Hour),
			IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
		must(err)
		otherCA.cert, err = x509.ParseCertificate(der)
		must(err)
		otherCA.key = key
	}
	server("kubelet-wrongca", kubeletSubject, kubeletDNS, nb, na, otherCA)

	// Service-account signing key pair.
	sa, err := rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	writeKey("sa.key", sa)
	pub, err := x509.MarshalPKIXPublicKey(&sa.PublicKey)
	must(err)
	write("sa.pub", "PUBLIC KEY", pub, 0o644)
}

// printFreePorts asks the kernel for n distinct free ports (all listeners are
// held open until every port is chosen, so they differ), then releases them.
// Racy by nature, like every "free port" helper: callers retry on bind errors.
func printFreePorts(n int) {
	var ls []net.Listener
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		must(err)
		ls = append(ls, l)
	}
	for _, l := range ls {
		fmt.Println(l.Addr().(*net.TCPAddr).Port)
		l.Close()
	}
}
