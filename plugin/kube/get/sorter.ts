/**
 * --sort-by, as kubectl pkg/cmd/get/sorter.go: Table rows sorted by a
 * JSONPath into each row's object (TableSorter), lists of objects sorted the
 * same way (SortObjects), with Go's sort.Sort so ties land where kubectl's do.
 */
import { goSort } from './go-sort.ts';
import { compileSortPath, relaxedJsonPath, type SortPath } from './printers-adapter.ts';
import { isLess, UnsortableError, type SortKey } from './sort-compare.ts';
import { SortError, SortFatal } from './sort-errors.ts';
import type { Table } from './table-types.ts';

export { SortError, SortFatal };

/** RelaxedJSONPathExpression, falling back to the text as given (NewRuntimeSorter / SortingPrinter). */
async function fieldOf(sortBy: string): Promise<string> {
  try {
    return await relaxedJsonPath(sortBy);
  } catch {
    return sortBy;
  }
}

type Found = { found: boolean; value?: unknown };

function keyOf(f: Found): SortKey | undefined {
  return f.found ? { value: f.value ?? null } : undefined;
}

/** Sorts `n` items whose keys are given, with Go's algorithm; `swap` mirrors every move in the caller's arrays. */
function sortByKeys(keys: Array<SortKey | undefined>, swap: (i: number, j: number) => void, fatal: (err: Error) => SortFatal): void {
  goSort(
    {
      less(i, j) {
        const a = keys[i];
        const b = keys[j];
        if (!a) return true;
        if (!b) return false;
        try {
          return isLess(a, b);
        } catch (err) {
          if (err instanceof UnsortableError) throw fatal(err);
          throw err;
        }
      },
      swap(i, j) {
        [keys[i], keys[j]] = [keys[j], keys[i]];
        swap(i, j);
      },
    },
    keys.length,
  );
}

/** SortingPrinter.PrintObj for a Table with more than one row: sorts its rows in place. */
export async function sortTable(table: Table, sortBy: string): Promise<void> {
  const rows = table.rows ?? [];
  if (rows.length <= 1) return;
  const field = await fieldOf(sortBy);
  let path: SortPath;
  try {
    path = await compileSortPath(field);
  } catch (err) {
    throw new SortError(`sorting error: ${(err as Error).message}`);
  }
  const keys = rows.map((r) => keyOf(path.first(r.object)));
  if (!keys.some((k) => k !== undefined)) throw new SortError(`couldn't find any field with path ${JSON.stringify(field)} in the list of objects`);
  sortByKeys(keys, (i, j) => ([rows[i], rows[j]] = [rows[j] as (typeof rows)[number], rows[i] as (typeof rows)[number]]), (err) =>
    new SortFatal(`Field ${field} in [][][]reflect.Value is an unsortable type: interface, err: ${err.message}`));
}

/**
 * SortObjects: the order of `objects` by --sort-by, as original positions
 * (RuntimeSort.OriginalPosition). Errors are kubectl's, returned to the user.
 */
export async function sortObjects(objects: readonly unknown[], sortBy: string): Promise<number[]> {
  let field: string;
  try {
    field = await relaxedJsonPath(sortBy);
  } catch (err) {
    throw new SortError((err as Error).message);
  }
  let path: SortPath;
  try {
    path = await compileSortPath(field);
  } catch (err) {
    throw new SortError((err as Error).message);
  }
  const keys = objects.map((o) => keyOf(path.first(o)));
  if (!keys.some((k) => k !== undefined)) throw new SortError(`couldn't find any field with path ${JSON.stringify(field)} in the list of objects`);
  const positions = objects.map((_, i) => i);
  sortByKeys(keys, (i, j) => ([positions[i], positions[j]] = [positions[j] as number, positions[i] as number]), (err) =>
    new SortFatal(`Field ${field} in *unstructured.Unstructured is an unsortable type: interface, err: ${err.message}`));
  return positions;
}
