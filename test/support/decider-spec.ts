import * as assert from 'uvu/assert';
import type { Decider, DomainEvent } from '../../src/domain/decider.js';

/** Given events / when command / then events or error, in the style of Emmett's DeciderSpecification. */
export function deciderSpec<State, Command, Event extends DomainEvent>(decider: Decider<State, Command, Event>) {
  return {
    given(events: readonly Event[]) {
      const state = events.reduce(decider.evolve, decider.initialState());
      return {
        when(command: Command) {
          const run = () => decider.decide(command, state);
          return {
            then(expected: readonly Event[]) {
              assert.equal(run(), expected);
            },
            thenThrows(errorClass: abstract new (...args: never[]) => Error, message?: RegExp) {
              try {
                run();
              } catch (error) {
                assert.instance(error, errorClass);
                if (message) assert.match((error as Error).message, message);
                return error;
              }
              assert.unreachable('expected the command to be refused');
            },
          };
        },
      };
    },
  };
}
