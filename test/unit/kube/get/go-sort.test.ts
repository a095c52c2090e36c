import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { goSort } from '../../../../plugin/kube/get/go-sort.ts';

// Go's sort.Sort (go1.26, pdqsort) on keys from a 32-bit LCG, many ties: [n, modulus,
// hash of the resulting permutation]. Produced by a Go program sorting the same keys.
const goldens: Array<[number, number, number]> = [[5,2,1054232],[5,3,2026289],[5,7,1167987],[5,1000000,1162231],[13,2,-1218910334],[13,3,1874402764],[13,7,807696252],[13,1000000,-2089823137],[40,2,667691350],[40,3,1623841685],[40,7,-1798973137],[40,1000000,-765664732],[51,2,954273061],[51,3,-571646757],[51,7,1791045578],[51,1000000,-1504535122],[100,2,1805224525],[100,3,-694304694],[100,7,1058338391],[100,1000000,805393321],[257,2,-371568993],[257,3,-1595996449],[257,7,-626144606],[257,1000000,-640127586],[1000,2,995689960],[1000,3,-1272552311],[1000,7,-435268312],[1000,1000000,-183036453]];

function keysFor(n: number, mod: number): number[] {
  let seed = (n * 31 + mod) >>> 0;
  const keys: number[] = [];
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    keys.push((seed >>> 8) % mod);
  }
  return keys;
}

function permutationHash(perm: number[]): number {
  let h = 0;
  perm.forEach((p, i) => (h = (Math.imul(h, 31) + p * (i + 1)) | 0));
  return h;
}

for (const [n, mod, hash] of goldens) {
  test(`goSort :: ${n} keys modulo ${mod} leave ties where Go's sort.Sort leaves them`, () => {
    const keys = keysFor(n, mod);
    const perm = keys.map((_, i) => i);
    goSort({
      less: (i, j) => (keys[i] as number) < (keys[j] as number),
      swap: (i, j) => {
        [keys[i], keys[j]] = [keys[j] as number, keys[i] as number];
        [perm[i], perm[j]] = [perm[j] as number, perm[i] as number];
      },
    }, n);
    for (let i = 1; i < n; i++) assert.ok((keys[i - 1] as number) <= (keys[i] as number), 'sorted');
    assert.is(permutationHash(perm), hash);
  });
}

test.run();
