import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

interface Position {
  readonly commit: string;
  readonly prepare: string;
}

/**
 * Measures how long events wait before every projection that reads them has applied them, from
 * outside the API process: every `everyMs` it reads the slowest of the checkpoints that moved since
 * sampling began (a projection that ignores these events keeps its old checkpoint and must not
 * count) and, for the events it newly covers, the time since they were recorded. `recorded_at` is
 * the appending transaction's start, so the figure includes the append itself; polling adds up to
 * `everyMs`.
 */
export function sampleProjectionLag(databaseUrl: string, everyMs = 10): { stop: () => Promise<number[]> } {
  const lags: number[] = [];
  let running = true;
  const loop = (async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const head = await client.query<{ commit: string | null; prepare: string | null; since: Date }>(
        'SELECT max(txid)::text AS commit, max(seq)::text AS prepare, clock_timestamp() AS since FROM es_events WHERE txid = (SELECT max(txid) FROM es_events)',
      );
      const since = head.rows[0]?.since ?? new Date();
      let covered: Position = { commit: head.rows[0]?.commit ?? '0', prepare: head.rows[0]?.prepare ?? '0' };
      while (running) {
        const now = await slowestMovedCheckpoint(client, since);
        if (now && (BigInt(now.commit) > BigInt(covered.commit) || (now.commit === covered.commit && BigInt(now.prepare) > BigInt(covered.prepare)))) {
          const result = await client.query<{ ms: number }>(
            `SELECT extract(epoch FROM clock_timestamp() - recorded_at) * 1000 AS ms
             FROM es_events WHERE (txid, seq) > ($1::bigint, $2::bigint) AND (txid, seq) <= ($3::bigint, $4::bigint)`,
            [covered.commit, covered.prepare, now.commit, now.prepare],
          );
          for (const row of result.rows) lags.push(Number(row.ms));
          covered = now;
        }
        await sleep(everyMs);
      }
    } finally {
      await client.end();
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return lags;
    },
  };
}

async function slowestMovedCheckpoint(client: pg.Client, since: Date): Promise<Position | null> {
  const result = await client.query<{ commit_position: string; prepare_position: string }>(
    'SELECT commit_position, prepare_position FROM projection_checkpoints WHERE updated_at >= $1 ORDER BY commit_position, prepare_position LIMIT 1',
    [since],
  );
  const row = result.rows[0];
  return row ? { commit: row.commit_position, prepare: row.prepare_position } : null;
}
