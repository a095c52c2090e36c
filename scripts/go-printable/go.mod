module kubectl-sock/scripts/go-printable

go 1.24
