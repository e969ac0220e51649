// node --test bench/lib/figures.test.mjs
import assert from "node:assert/strict";
import { test } from "node:test";
import { runFigures } from "./figures.mjs";

const base = { responses: 200, invalid: 0, errors: 0, timeouts: 0, started: 1000, last: 3000, ended: 3010, samples: [] };

test("a run with responses: req/s over the time to the last response, errors as counted", () => {
  assert.deepEqual(runFigures(base), { rps: 100, errors: 0, errorSamples: [], duration: 2 });
  assert.equal(runFigures({ ...base, invalid: 2, errors: 1, timeouts: 1, samples: ["302 to /login"] }).errors, 4);
});

test("a run with no response is a failed run, timed over the whole run, never 0 errors", () => {
  // The case seen: 0 responses printed as "0 in -736.6 s" with 0 errors.
  const r = runFigures({ ...base, responses: 0, last: 0, ended: 2000 });
  assert.equal(r.rps, 0);
  assert.equal(r.duration, 1);
  assert.ok(r.errors > 0);
  assert.match(r.errorSamples[0], /no response/);
});

test("a measured time that isn't positive is a failed run", () => {
  for (const last of [1000, 500]) {
    const r = runFigures({ ...base, responses: 5, last });
    assert.equal(r.rps, 0);
    assert.ok(r.errors > 0);
    assert.match(r.errorSamples[0], /measured time/);
  }
});

test("errors already counted are kept, not replaced", () => {
  assert.equal(runFigures({ ...base, responses: 0, errors: 7, ended: 2000 }).errors, 7);
});
