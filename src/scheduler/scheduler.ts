import type { Logger } from 'pino';
import { pause } from '../background/pause.js';
import type { TicketDependencies } from '../commands/tickets/dependencies.js';
import { teamExists } from '../projections/groups/queries.js';
import { onTicket } from '../commands/tickets/on-ticket.js';
import { escalationAssignment } from '../commands/tickets/sla.js';
import type { CommandContext } from '../commands/metadata.js';
import type { Actor } from '../commands/identity/actor.js';
import { IllegalStateError, NotFoundError } from '../domain/errors.js';
import type { ClockEvaluation, EscalationStep } from '../domain/sla/index.js';
import { evaluateClock } from '../domain/sla/index.js';
import { ticketClockSegments } from '../domain/sla/ticket-clocks.js';
import type { OpenTicketState, SlaClock, TicketCommand, TicketEvent } from '../domain/ticket/index.js';
import { SLA_CLOCKS, ticketDecider, ticketStream } from '../domain/ticket/index.js';
import type { RecordedEvent } from '../eventstore/types.js';
import { getCalendarVersion, getPolicyVersion } from '../projections/sla/queries.js';
import type { TimerKind } from '../projections/timers/index.js';
import type { ClaimedTimer, DesiredTimer } from '../projections/timers/queries.js';
import { claimChangedTickets, claimDueTimers, markTimerFired, noteTimerFailure, replaceTicketTimers } from '../projections/timers/queries.js';

export interface SchedulerOptions {
  /** The ticket command path (store, read models) the scheduler issues its commands through. */
  readonly tickets: TicketDependencies;
  readonly logger: Logger;
  /** What `start()` reads the time from; tests hand in a clock they move. */
  readonly clock: () => Date;
  /** Pause between rounds of `start()`. */
  readonly intervalMs: number;
  /** How long a resolved ticket waits before it is closed on its own. */
  readonly autoCloseAfterMs: number;
  /** Timers (and tickets to recompute) claimed at once. */
  readonly batchSize?: number;
  /** How long a claim holds before another scheduler may take the work over (its holder presumed dead). */
  readonly leaseMs?: number;
  /** Told what the scheduler did (metrics). */
  readonly observer?: SchedulerObserver;
  /**
   * Lets the timers read model (fed from the log after each commit) catch up with what was
   * committed before a round looks at it, for a bounded time; false when it did not get there,
   * and the round goes on with what it has.
   */
  readonly timersCaughtUp?: () => Promise<boolean>;
}

export interface SchedulerObserver {
  /** A due timer was acted on (not found moot). */
  timerFired(kind: TimerKind): void;
  /** A breach was recorded on a ticket (once per ticket and clock). */
  slaBreached(clock: SlaClock): void;
}

/** The scheduler acts as nobody in particular: events carry actorId null; the actor only scopes the load. */
const SYSTEM_USER_ID = '00000000-0000-0000-0000-000000000000';
/** A timer that keeps failing for reasons other than the ticket's state is given up after this many claims. */
const MAX_ATTEMPTS = 10;
const PAGE = 1_000;


type Outcome = { readonly fired: true; readonly note: string | null } | { readonly fired: false; readonly error: string };

/**
 * Fires due timers: SLA warnings and breaches become events on the ticket stream, resolved tickets
 * close on their own, and policies escalate. Several schedulers may run: each claims work with
 * FOR UPDATE SKIP LOCKED and a lease, and the ticket decider records each alert once even if two
 * of them act on the same ticket (optimistic concurrency, then a no-op on the repeat).
 */
export class Scheduler {
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private controller: AbortController | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly options: SchedulerOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  /** Recomputes the timers of tickets that changed, then fires every timer due by `now`; answers how many fired. */
  async runOnce(now: Date = this.options.clock()): Promise<number> {
    if (this.options.timersCaughtUp && !(await this.options.timersCaughtUp())) this.options.logger.warn('timers read model behind the log: this round acts on what it has');
    await this.recomputeChanged(now);
    let fired = 0;
    for (;;) {
      const claimed = await this.claimDue(now);
      for (const timer of claimed) if (await this.fire(timer, now)) fired += 1;
      if (claimed.length < this.batchSize) return fired;
    }
  }

  start(): void {
    if (this.controller) return;
    const controller = new AbortController();
    this.controller = controller;
    this.loop = this.follow(controller.signal);
  }

  /** Lets the round in flight finish, then stops. */
  async stop(): Promise<void> {
    this.controller?.abort();
    this.controller = null;
    await this.loop;
    this.loop = null;
  }

  private async follow(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.runOnce(this.options.clock());
      } catch (error) {
        this.options.logger.error({ err: error }, 'scheduler round failed');
      }
      await pause(this.options.intervalMs, signal);
    }
  }

  // --- timers from tickets ---------------------------------------------------------------------

  private async recomputeChanged(now: Date): Promise<void> {
    const { knex } = this.options.tickets;
    for (;;) {
      const claimed = await claimChangedTickets(knex, new Date(now.getTime() + this.leaseMs), now, this.batchSize);
      for (const row of claimed) {
        try {
          await this.recompute(row.ticket_id, Number(row.revision), now);
        } catch (error) {
          // The claim lapses and the ticket is looked at again later.
          this.options.logger.error({ err: error, ticketId: row.ticket_id }, 'recomputing timers failed');
        }
      }
      if (claimed.length < this.batchSize) return;
    }
  }

  private async recompute(ticketId: string, revision: number, now: Date): Promise<void> {
    const { state, events } = await this.loadTicket(ticketId);
    const desired = state ? await this.desiredTimers(state, events, now) : [];
    await replaceTicketTimers(this.options.tickets.knex, ticketId, state?.tenantId ?? null, desired, revision);
  }

  private async desiredTimers(ticket: OpenTicketState, events: readonly RecordedEvent[], now: Date): Promise<DesiredTimer[]> {
    const timers: DesiredTimer[] = [];
    const timer = (kind: TimerKind, clock: SlaClock | null, dueAt: Date): DesiredTimer => ({ id: `${ticket.id}:${kind}:${clock ?? '-'}:${dueAt.toISOString()}`, kind, clock, dueAt });
    const clocks = await this.evaluate(ticket, events, now);
    for (const clock of SLA_CLOCKS) {
      const evaluation = clocks?.[clock];
      if (!evaluation) continue;
      if (evaluation.warningAt && !ticket.slaAlerts.includes(`${clock}:warning`)) timers.push(timer('sla_warning', clock, evaluation.warningAt));
      if (evaluation.dueAt && !ticket.slaAlerts.includes(`${clock}:breach`)) timers.push(timer('sla_breach', clock, evaluation.dueAt));
    }
    if (ticket.status === 'resolved' && ticket.resolvedAt) timers.push(timer('auto_close', null, new Date(Date.parse(ticket.resolvedAt) + this.options.autoCloseAfterMs)));
    return timers;
  }

  /** The ticket's clocks under the terms and calendar version it recorded; null without terms. */
  private async evaluate(ticket: OpenTicketState, events: readonly RecordedEvent[], now: Date): Promise<Record<SlaClock, ClockEvaluation> | null> {
    const terms = ticket.sla;
    if (!terms) return null;
    const calendar = await getCalendarVersion(this.options.tickets.knex, ticket.tenantId, terms.calendarId, terms.calendarVersion);
    if (!calendar) return null;
    const segments = ticketClockSegments(events);
    const clock = (which: SlaClock, targetMinutes: number) => evaluateClock({ calendar: calendar.calendar, targetMinutes, warningShare: terms.warningShare, segments: segments[which], now });
    return { firstResponse: clock('firstResponse', terms.firstResponseMinutes), resolution: clock('resolution', terms.resolutionMinutes) };
  }

  private async loadTicket(ticketId: string): Promise<{ state: OpenTicketState | null; events: RecordedEvent[] }> {
    // One paged read serves both the fold and the clock segments.
    const events: RecordedEvent[] = [];
    for (;;) {
      const page = await this.options.tickets.commands.store.readStream(ticketStream(ticketId), { fromRevision: events.length, maxCount: PAGE });
      events.push(...page);
      if (page.length < PAGE) break;
    }
    // Our command handler is the only writer of ticket streams, so each event is a TicketEvent.
    const state = events.reduce((folded, recorded) => ticketDecider.evolve(folded, { type: recorded.type, data: recorded.data } as TicketEvent), ticketDecider.initialState());
    return { state: state.exists && !state.deleted ? state : null, events };
  }

  // --- firing ----------------------------------------------------------------------------------

  private claimDue(now: Date): Promise<ClaimedTimer[]> {
    return claimDueTimers(this.options.tickets.knex, new Date(now.getTime() + this.leaseMs), now, this.batchSize);
  }

  /** True when the timer is done with (acted on, or found moot); false when it will be tried again. */
  private async fire(timer: ClaimedTimer, now: Date): Promise<boolean> {
    let outcome: Outcome;
    try {
      outcome = { fired: true, note: await this.act(timer, now) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // The ticket's state refuses the command (closed meanwhile, deleted): nothing left to do.
      if (error instanceof NotFoundError || error instanceof IllegalStateError) outcome = { fired: true, note: message };
      else if (timer.attempts >= MAX_ATTEMPTS) outcome = { fired: true, note: `gave up after ${timer.attempts} attempts: ${message}` };
      else outcome = { fired: false, error: message };
      this.options.logger.warn({ err: error, timer: timer.id }, 'timer could not be acted on');
    }
    if (outcome.fired) await markTimerFired(this.options.tickets.knex, timer.id, now, outcome.note);
    else await noteTimerFailure(this.options.tickets.knex, timer.id, outcome.error);
    if (outcome.fired && outcome.note === null) this.options.observer?.timerFired(timer.kind);
    return outcome.fired;
  }

  /**
   * Re-checks the timer against the ticket as it is now (the timer may predate a pause or a reopen)
   * and issues the command; answers a note when there was nothing to do.
   */
  private async act(timer: ClaimedTimer, now: Date): Promise<string | null> {
    const { state: ticket, events } = await this.loadTicket(timer.ticket_id);
    if (!ticket) return 'the ticket is gone';
    if (timer.kind === 'auto_close') {
      const due = ticket.status === 'resolved' && ticket.resolvedAt !== null && Date.parse(ticket.resolvedAt) + this.options.autoCloseAfterMs <= now.getTime();
      if (!due) return 'no longer resolved long enough';
      await this.issue(ticket, now, () => ({ type: 'CloseTicket', actorId: null, now }));
      return null;
    }
    const clock = timer.clock;
    const clocks = await this.evaluate(ticket, events, now);
    if (!clock || !clocks) return 'the ticket runs under no SLA';
    const evaluation = clocks[clock];
    const step = await this.escalationStep(ticket, timer.kind === 'sla_warning' ? 'onWarning' : 'onBreach');
    // The people the step names are told of the alert itself: the event carries them to the mail.
    const notifyUserIds = step?.notifyUserIds ?? [];
    let command: TicketCommand;
    if (timer.kind === 'sla_warning') {
      const warning = evaluation.explain.find((entry) => entry.kind === 'warning');
      // A clock already met needs no warning: it would only alarm people about a ticket that is done.
      if (!warning || evaluation.state === 'met') return 'the warning share is not passed';
      command = { type: 'RecordSlaWarning', clock, dueAt: evaluation.dueAt, warningAt: warning.at, notifyUserIds, now };
    } else {
      if (evaluation.state !== 'breached' || !evaluation.breachedAt) return 'the clock is not breached';
      command = { type: 'RecordSlaBreach', clock, dueAt: evaluation.breachedAt, notifyUserIds, now };
    }
    const recorded = await this.issue(ticket, now, () => command);
    if (recorded && command.type === 'RecordSlaBreach') this.options.observer?.slaBreached(clock);
    // A retry may follow a claim that recorded the alert and then died before escalating; the
    // escalation commands are idempotent (same team, same watchers), so running them again is safe.
    if (step && (recorded || timer.attempts > 1)) await this.escalate(ticket, step, now);
    return null;
  }

  /** The escalation step of the policy version the ticket recorded, for its warning or its breach. */
  private async escalationStep(ticket: OpenTicketState, when: 'onWarning' | 'onBreach'): Promise<EscalationStep | undefined> {
    const terms = ticket.sla;
    if (!terms) return undefined;
    const policy = await getPolicyVersion(this.options.tickets.knex, ticket.tenantId, terms.policyId, terms.policyVersion);
    return policy?.escalation[when];
  }

  private async escalate(ticket: OpenTicketState, step: EscalationStep, now: Date): Promise<void> {
    const teamId = step.reassignTeamId;
    if (teamId !== undefined && (await teamExists(this.options.tickets.knex, ticket.tenantId, teamId))) {
      try {
        await this.issue(ticket, now, (current) => escalationAssignment(this.options.tickets, current, teamId, now));
      } catch (error) {
        // A resolved or closed ticket takes no assignment; its watchers still hear of the breach.
        if (!(error instanceof IllegalStateError)) throw error;
      }
    }
    for (const userId of step.notifyUserIds ?? []) await this.issue(ticket, now, () => ({ type: 'AddWatcher', userId, now }));
  }

  /** True when the command appended something. */
  private async issue(ticket: OpenTicketState, now: Date, build: (current: OpenTicketState) => TicketCommand | Promise<TicketCommand>): Promise<boolean> {
    const actor: Actor = { userId: SYSTEM_USER_ID, tenantId: ticket.tenantId, role: 'admin', sessionId: 'scheduler' };
    const context: CommandContext = { tenantId: ticket.tenantId, actorId: null, correlationId: this.options.tickets.commands.newId(), now };
    const written = await onTicket(this.options.tickets, actor, ticket.id, context, build);
    return written.position !== null;
  }
}

