import type { JsonObject } from './json.js';

/** Every domain event: a type tag and a JSON body. Each aggregate narrows this to its own union. */
export interface DomainEvent<Type extends string = string, Data extends JsonObject = JsonObject> {
  readonly type: Type;
  readonly data: Data;
}

/**
 * An aggregate's pure logic. `decide` throws a DomainError when the command does not fit the state;
 * time, ids and looked-up facts arrive inside the command, never from here.
 */
export interface Decider<State, Command, Event extends DomainEvent> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Event) => State;
  readonly decide: (command: Command, state: State) => readonly Event[];
}
