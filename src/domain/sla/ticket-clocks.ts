import type { ClockSegment } from './clock.js';

/** A ticket event as the SLA needs it: what happened, when (as the command said), and where in the stream. */
export interface TimedTicketEvent {
  readonly type: string;
  readonly revision: number;
  readonly data: { readonly at?: unknown; readonly authorId?: unknown; readonly internal?: unknown; readonly requesterId?: unknown; readonly status?: unknown };
}

export interface TicketClockSegments {
  readonly firstResponse: ClockSegment[];
  readonly resolution: ClockSegment[];
}

/**
 * Turns a ticket's history into the segments of its two clocks.
 * - First response: runs from opening until the first public comment by someone other than the
 *   requester, or until work starts (or the ticket ends first); pauses while pending.
 * - Resolution: runs from opening until resolved (restarts on reopen or an undone merge) or ended otherwise
 *   (cancelled, merged, closed unresolved); pauses while pending.
 * Times are the events' own `at` (the command's clock), so the result is a pure function of the stream.
 */
export function ticketClockSegments(events: readonly TimedTicketEvent[]): TicketClockSegments {
  const firstResponse: ClockSegment[] = [];
  const resolution: ClockSegment[] = [];
  let requesterId: string | null = null;
  let responded = false;
  for (const event of events) {
    if (typeof event.data.at !== 'string') continue;
    const at = new Date(event.data.at);
    const ref = { revision: event.revision, at: event.data.at };
    const respond = () => {
      if (responded) return;
      responded = true;
      firstResponse.push({ kind: 'stop', at, ref });
    };
    switch (event.type) {
      case 'TicketOpened':
        requesterId = typeof event.data.requesterId === 'string' ? event.data.requesterId : null;
        firstResponse.push({ kind: 'start', at, ref });
        resolution.push({ kind: 'start', at, ref });
        break;
      case 'TicketCommented':
        if (event.data.internal === false && event.data.authorId !== requesterId) respond();
        break;
      case 'TicketWorkStarted':
        respond();
        break;
      case 'TicketPended':
        if (!responded) firstResponse.push({ kind: 'pause', at, ref });
        resolution.push({ kind: 'pause', at, ref });
        break;
      case 'TicketResumed':
        if (!responded) firstResponse.push({ kind: 'resume', at, ref });
        resolution.push({ kind: 'resume', at, ref });
        break;
      case 'TicketResolved':
      case 'TicketCancelled':
      case 'TicketMergedInto':
      case 'TicketClosed':
        respond();
        resolution.push({ kind: 'stop', at, ref });
        break;
      case 'TicketReopened':
        resolution.push({ kind: 'restart', at, ref });
        break;
      case 'TicketUnmerged':
        // An undone merge takes the clock up where the merge stopped it, paused again if the ticket was pending.
        resolution.push({ kind: 'restart', at, ref });
        if (event.data.status === 'pending') resolution.push({ kind: 'pause', at, ref });
        break;
      default:
        break;
    }
  }
  return { firstResponse, resolution };
}
