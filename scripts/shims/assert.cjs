'use strict';
// A stand-in for node:assert inside the bundled undici, which only uses it for
// internal invariants. Loading the real module costs ~9 ms of start-up
// (node:assert pulls in its diff and inspection machinery). Same contract:
// throws when an invariant does not hold.
function fail(message) {
  const err = new Error(message || 'undici internal assertion failed');
  err.code = 'ERR_ASSERTION';
  throw err;
}
function assert(value, message) {
  if (!value) fail(message);
}
assert.ok = assert;
assert.equal = (a, b, m) => a == b || fail(m); // eslint-disable-line eqeqeq
assert.strictEqual = (a, b, m) => Object.is(a, b) || fail(m);
assert.notStrictEqual = (a, b, m) => !Object.is(a, b) || fail(m);
assert.fail = fail;
module.exports = assert;
