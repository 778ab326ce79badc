import type { Decider, DomainEvent } from '../domain/decider.js';
import { ConcurrencyError, ConflictError, NotFoundError } from '../domain/errors.js';
import { StreamDeletedError, WrongExpectedRevisionError } from '../eventstore/errors.js';
import type { AppendNumbering, EventStore, LogPosition, RecordedEvent } from '../eventstore/types.js';
import { numbered } from '../eventstore/types.js';
import type { CommandContext } from './metadata.js';
import { decidedMetadataFor } from './metadata.js';

const PAGE = 1_000;

export interface CommandDependencies {
  readonly store: EventStore;
  readonly newId: () => string;
  /** How many times a lost race is re-decided on fresh state before answering 409. */
  readonly maxRetries?: number;
}

/** The stream as the caller just folded it (to check access): the first attempt decides on it without reading again. */
export interface LoadedStream<State> {
  readonly state: State;
  readonly version: number;
}

export interface CommandOptions {
  /** The client's If-Match: the stream revision it decided on. Stale → ConcurrencyError, no retry. */
  readonly expectedVersion?: number;
  /** Refuse to act on a stream that does not exist yet (every command but a creation). */
  readonly mustExist?: boolean;
  /** The append takes a number in its own transaction (PostgreSQL; see AppendNumbering): decide with the placeholder. */
  readonly numbering?: AppendNumbering;
}

export interface CommandResult<State, Event> {
  readonly state: State;
  readonly events: readonly Event[];
  /** Stream revision after the command; -1 when nothing exists. */
  readonly version: number;
  /** Where the last appended event sits in the log; null when the command appended nothing. */
  readonly position: LogPosition | null;
  /** The number the append took, with `numbering`. */
  readonly number?: string;
}

/**
 * The one command handler: read the stream, fold it, decide, append with the expected revision.
 * A lost race is re-decided on the new state a few times; a stale If-Match is not, since the
 * client decided on what it saw.
 */
export function handleCommand<State, Command, Event extends DomainEvent>(
  dependencies: CommandDependencies,
  decider: Decider<State, Command, Event>,
  streamId: string,
  command: Command,
  context: CommandContext,
  options: CommandOptions & { readonly loaded?: LoadedStream<State> } = {},
): Promise<CommandResult<State, Event>> {
  return handleCommandSequence(dependencies, decider, streamId, [() => command], context, options);
}

/**
 * One decision of a sequence: the command to decide on the state so far (`decided`: how many
 * events the steps before it produced), or null to decide nothing.
 */
export type CommandStep<State, Command> = (state: State, decided: number) => Command | null | Promise<Command | null>;

/**
 * Several commands decided in turn on one stream, each on the state the previous ones left, and
 * appended together: a ticket's opening, routing and SLA terms are one append instead of three,
 * each of which read the stream again. A lost race re-runs every step on the fresh state.
 */
export async function handleCommandSequence<State, Command, Event extends DomainEvent>(
  dependencies: CommandDependencies,
  decider: Decider<State, Command, Event>,
  streamId: string,
  steps: ReadonlyArray<CommandStep<State, Command>>,
  context: CommandContext,
  options: CommandOptions & { readonly loaded?: LoadedStream<State> } = {},
): Promise<CommandResult<State, Event>> {
  const attempts = 1 + (dependencies.maxRetries ?? 3);
  for (let attempt = 1; ; attempt += 1) {
    // A lost race always reads the stream again.
    const loaded = attempt === 1 && options.loaded ? options.loaded : await loadAggregate(dependencies.store, decider, streamId);
    const version = loaded.version;
    if (options.mustExist && version < 0) throw new NotFoundError(`${streamId} not found`);
    if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
      throw new ConcurrencyError(`version ${options.expectedVersion} is stale; the current version is ${version}`, version);
    }
    let state = loaded.state;
    const events: Event[] = [];
    for (const step of steps) {
      const command = await step(state, events.length);
      if (command === null) continue;
      const produced = decider.decide(command, state);
      state = produced.reduce(decider.evolve, state);
      events.push(...produced);
    }
    if (events.length === 0) return { state, events, version, position: null };
    const metadata = decidedMetadataFor(context);
    try {
      const appended = await dependencies.store.appendToStream(
        streamId,
        events.map((event) => ({ id: dependencies.newId(), type: event.type, data: event.data, metadata })),
        version < 0 ? 'no_stream' : version,
        options.numbering ? { numbering: options.numbering } : {},
      );
      if (options.numbering && appended.number !== undefined) {
        // Decided with the placeholder; the state is what the stored, numbered events fold to.
        const stored = numbered(events, options.numbering, appended.number);
        return { state: stored.reduce(decider.evolve, loaded.state), events: stored, version: appended.nextExpectedRevision, position: appended.position, number: appended.number };
      }
      return { state, events, version: appended.nextExpectedRevision, position: appended.position };
    } catch (error) {
      if (error instanceof StreamDeletedError) throw new NotFoundError(`${streamId} not found`);
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      const current = typeof error.actual === 'number' ? error.actual : -1;
      if (options.expectedVersion !== undefined) {
        throw new ConcurrencyError(`version ${options.expectedVersion} is stale; the current version is ${current}`, current);
      }
      if (attempt >= attempts) throw new ConflictError(`${streamId} kept changing while the command was decided; try again`);
    }
  }
}

/** Folds a whole stream, page by page, so a long stream is never read in one go. */
export async function loadAggregate<State, Command, Event extends DomainEvent>(
  store: EventStore,
  decider: Decider<State, Command, Event>,
  streamId: string,
): Promise<{ state: State; version: number }> {
  let state = decider.initialState();
  let version = -1;
  for (;;) {
    const page = await store.readStream(streamId, { fromRevision: version + 1, maxCount: PAGE });
    for (const recorded of page) {
      state = decider.evolve(state, asDomainEvent<Event>(recorded));
      version = recorded.revision;
    }
    if (page.length < PAGE) return { state, version };
  }
}

/**
 * Only our command handler writes these streams, through the aggregate's own event union, so a
 * recorded event's type and data are that union's by construction.
 */
function asDomainEvent<Event extends DomainEvent>(recorded: RecordedEvent): Event {
  return { type: recorded.type, data: recorded.data } as Event;
}
