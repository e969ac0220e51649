// The figures of one load run, from what the run counted (pure, so bench/lib/figures.test.mjs can
// pin it down). A run that got no response, or whose measured time isn't positive, measured
// nothing: it is a failed run (at least one error, with a sample saying why), never a silent 0 req/s
// with 0 errors.

/**
 * @param {{ responses: number, invalid: number, errors: number, timeouts: number, started: number, last: number, ended: number, samples: string[] }} run
 *   `started`, `last` (the last response, 0 when none came) and `ended` are performance.now() values.
 */
export function runFigures({ responses, invalid, errors, timeouts, started, last, ended, samples }) {
  // Without a response there is no last one: the time is then the whole run's, so it prints true.
  const duration = ((responses > 0 ? last : ended) - started) / 1000;
  const problems = [];
  if (responses === 0) problems.push("no response at all");
  if (!(duration > 0)) problems.push(`a measured time of ${duration.toFixed(1)} s`);
  const counted = invalid + errors + timeouts;
  return {
    rps: responses > 0 && duration > 0 ? responses / duration : 0,
    errors: problems.length ? Math.max(counted, 1) : counted,
    errorSamples: [...problems.map((p) => `the run measured nothing (${p})`), ...samples].slice(0, 3),
    duration,
  };
}
