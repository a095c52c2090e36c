module kubectlsock.test/certs

go 1.24.0
