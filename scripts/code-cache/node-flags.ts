// The Node flags every kubectl-sock binary starts with (SEA execArgv), in one
// place: the packaging of each platform, and the code cache training, whose
// runs must use the same V8 flags as the binary for V8 to accept the cache.
//
// --max-semi-space-size=1: V8 grows the young generation up to 16 MiB per
// semi-space while a command keeps what it allocates (rows waiting for the
// table's column widths, a List being printed); 1 MiB keeps `get` of 50,000
// pods at ~95 MiB peak RSS instead of ~130 MiB, at the same CPU time.
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];
