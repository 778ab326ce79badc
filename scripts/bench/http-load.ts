import autocannon from 'autocannon';

export interface HttpFigures {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  /** Connection errors, timeouts and non-2xx answers together. */
  readonly errors: number;
  /** 202 Accepted: a write whose read models did not catch up within READ_YOUR_WRITES_TIMEOUT_MS. */
  readonly accepted: number;
  readonly total: number;
}

export interface HttpWorkload {
  readonly method: 'GET' | 'POST';
  /** Called for every request, so each one can name a different ticket or query. */
  readonly path: () => string;
  readonly body?: () => string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One autocannon run of `seconds` with `connections` keep-alive connections. */
export async function runHttpLoad(baseUrl: string, workload: HttpWorkload, connections: number, seconds: number): Promise<HttpFigures> {
  const headers: Record<string, string> = { ...(workload.headers ?? {}) };
  if (workload.body) headers['content-type'] = 'application/json';
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: workload.method,
        headers,
        setupRequest: (request) => ({ ...request, path: workload.path(), ...(workload.body ? { body: workload.body() } : {}) }),
      },
    ],
  });
  // No answer within the run (every request slower than the run) is no latency figure, not zero.
  const answered = result.requests.total > 0;
  return {
    rate: result.requests.total / Math.max(result.duration, 0.001),
    p50: answered ? result.latency.p50 : Number.NaN,
    p99: answered ? result.latency.p99 : Number.NaN,
    errors: result.errors + result.timeouts + result.non2xx,
    accepted: result.statusCodeStats['202']?.count ?? 0,
    total: result.requests.total,
  };
}
