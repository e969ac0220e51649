// Shared by the micro-benchmarks: wall and CPU time per call (CPU from process.cpuUsage, which
// includes every thread of the process, so work moved to libuv's pool is still counted).
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function cpuTimed(iterations, fn) {
  for (let i = 0; i < Math.min(1000, iterations); i++) fn();
  const cpu = process.cpuUsage();
  const t = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const wall = Number(process.hrtime.bigint() - t) / 1e3 / iterations;
  const used = process.cpuUsage(cpu);
  return { wallUs: wall, cpuUs: (used.user + used.system) / iterations };
}

export async function cpuTimedAsync(iterations, fn) {
  for (let i = 0; i < Math.min(200, iterations); i++) await fn();
  const cpu = process.cpuUsage();
  const t = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  const wall = Number(process.hrtime.bigint() - t) / 1e3 / iterations;
  const used = process.cpuUsage(cpu);
  return { wallUs: wall, cpuUs: (used.user + used.system) / iterations };
}
