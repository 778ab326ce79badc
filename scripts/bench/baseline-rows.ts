/** The baseline server's table, filled by the benchmark before the server starts. */
export const BASELINE_ROWS = 'bench_baseline_rows';
