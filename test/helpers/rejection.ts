/** The error a promise rejects with; fails the test if it resolves (uvu's assert has no `rejects`). */
export async function failureOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
