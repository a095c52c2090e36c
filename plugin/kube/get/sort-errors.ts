/** The two ways --sort-by fails (kubectl pkg/cmd/get/sorter.go); no imports, so catching them loads no sorting code. */

/** klog.Exitf in Less: kubectl logs an F line and exits 1 in the middle of printing. */
export class SortFatal extends Error {}

/** A sort failure kubectl reports as an error (SortObjects) or drops silently (a Table's PrintObj). */
export class SortError extends Error {}
