import type { BusinessCalendar, ClockEvaluation, ClockSegment } from '../../domain/sla/index.js';
import { evaluateClock } from '../../domain/sla/index.js';
import type { TimedTicketEvent } from '../../domain/sla/ticket-clocks.js';
import { ticketClockSegments } from '../../domain/sla/ticket-clocks.js';

export type SlaVerdict = 'met' | 'breached';

export interface ClockFigures {
  /** When the first-response clock stopped: the first public reply by someone other than the requester, work starting, or the ticket ending. */
  readonly firstResponseAt: string | null;
  readonly firstResponseSla: SlaVerdict | null;
  readonly resolutionSla: SlaVerdict | null;
  /** Business minutes the clock ran until it stopped; null while it has not stopped. */
  readonly firstResponseBusinessMinutes: number | null;
  readonly resolutionBusinessMinutes: number | null;
}

export interface ClockTerms {
  readonly calendar: BusinessCalendar;
  readonly firstResponseMinutes: number;
  readonly resolutionMinutes: number;
  readonly warningShare: number;
}

/**
 * A ticket's SLA figures as of `asOf` (its latest event), computed by the same segment builder and
 * clock evaluation the SLA endpoint and the scheduler use, so a report never disagrees with the
 * ticket's own SLA view. A verdict is given once known: a stopped clock is met or breached, a
 * running one only once breached. Pure: everything comes from the ticket's events.
 */
export function clockFigures(events: readonly TimedTicketEvent[], terms: ClockTerms | null, asOf: Date): ClockFigures {
  const segments = ticketClockSegments(events);
  const firstResponseAt = segments.firstResponse.find((segment) => segment.kind === 'stop')?.ref.at ?? null;
  if (!terms) return { firstResponseAt, firstResponseSla: null, resolutionSla: null, firstResponseBusinessMinutes: null, resolutionBusinessMinutes: null };
  const firstResponse = evaluate(terms, terms.firstResponseMinutes, segments.firstResponse, asOf);
  const resolution = evaluate(terms, terms.resolutionMinutes, segments.resolution, asOf);
  return {
    firstResponseAt,
    firstResponseSla: verdict(firstResponse),
    resolutionSla: verdict(resolution),
    firstResponseBusinessMinutes: stoppedMinutes(firstResponse),
    resolutionBusinessMinutes: stoppedMinutes(resolution),
  };
}

/** A history the clock code would refuse (events out of time order) yields no figures rather than stopping the projection. */
function evaluate(terms: ClockTerms, targetMinutes: number, segments: readonly ClockSegment[], now: Date): ClockEvaluation | null {
  const ordered = segments.every((segment, index) => {
    const previous = segments[index - 1];
    return previous === undefined || segment.at >= previous.at;
  });
  if (!ordered || targetMinutes <= 0) return null;
  return evaluateClock({ calendar: terms.calendar, targetMinutes, warningShare: terms.warningShare, segments, now });
}

function verdict(evaluation: ClockEvaluation | null): SlaVerdict | null {
  if (evaluation?.state === 'met' || evaluation?.state === 'breached') return evaluation.state;
  return null;
}

function stoppedMinutes(evaluation: ClockEvaluation | null): number | null {
  return evaluation?.phase === 'stopped' ? evaluation.elapsedMinutes : null;
}
