import { articleDecider, articleFeedbackDecider } from '../domain/articles/index.js';
import { categoryDecider } from '../domain/catalog/category.js';
import { serviceDecider } from '../domain/catalog/service.js';
import { assetCategoryDecider } from '../domain/cmdb/asset-category.js';
import { assetDecider } from '../domain/cmdb/asset.js';
import { relationGraphDecider } from '../domain/cmdb/relation-graph.js';
import type { DomainEvent } from '../domain/decider.js';
import { emailTemplateDecider } from '../domain/email-template/email-template.js';
import { departmentDecider, teamDecider, userDecider } from '../domain/identity/index.js';
import { queueDecider } from '../domain/queue/queue.js';
import { businessCalendarDecider } from '../domain/sla/business-calendar.js';
import { slaPolicyDecider } from '../domain/sla/policy.js';
import { tenantDecider } from '../domain/tenant/tenant.js';
import { ticketDecider } from '../domain/ticket/index.js';
import type { EventStore, JsonValue } from '../eventstore/types.js';
import { formatPosition, occurredAt, streamCategory } from '../eventstore/types.js';
import { withoutSecrets } from './redaction.js';

/** An aggregate's fold with its types erased, so one table can hold every kind of stream. */
interface StateFold {
  start(): unknown;
  apply(state: unknown, event: DomainEvent): unknown;
}

function foldOf<State, Event extends DomainEvent>(decider: { readonly initialState: () => State; readonly evolve: (state: State, event: Event) => State }): StateFold {
  return { start: () => decider.initialState(), apply: (state, event) => decider.evolve(state as State, event as Event) };
}

/** Streams whose state the replay can show, by category; others print their events only. */
const FOLDS: Readonly<Record<string, StateFold>> = {
  ticket: foldOf(ticketDecider),
  article: foldOf(articleDecider),
  articlefeedback: foldOf(articleFeedbackDecider),
  asset: foldOf(assetDecider),
  assetcategory: foldOf(assetCategoryDecider),
  cmdbgraph: foldOf(relationGraphDecider),
  queue: foldOf(queueDecider),
  service: foldOf(serviceDecider),
  category: foldOf(categoryDecider),
  user: foldOf(userDecider),
  team: foldOf(teamDecider),
  department: foldOf(departmentDecider),
  tenant: foldOf(tenantDecider),
  slapolicy: foldOf(slaPolicyDecider),
  businesscalendar: foldOf(businessCalendarDecider),
  emailtemplate: foldOf(emailTemplateDecider),
};

/**
 * `itsm replay <stream> [--as-of <instant>]`: what an auditor runs to see how a record came to be.
 * Prints every event of the stream (soft-deleted streams included) and the state after it, up to
 * the instant when one is given. Answers false when there is nothing to replay.
 */
export async function runReplay(store: EventStore, args: readonly string[], write: (line: string) => void): Promise<boolean> {
  const streamId = args[0];
  const asOfIndex = args.indexOf('--as-of');
  const asOfText = asOfIndex >= 0 ? args[asOfIndex + 1] : undefined;
  const asOf = asOfText === undefined ? null : Date.parse(asOfText);
  if (!streamId || (asOfIndex >= 0 && (asOf === null || Number.isNaN(asOf)))) {
    write('usage: itsm replay <stream id> [--as-of <ISO instant>]');
    return false;
  }
  const events = await store.readStream(streamId, { includeDeleted: true });
  if (events.length === 0) {
    write(`${streamId}: no such stream`);
    return false;
  }
  const fold = FOLDS[streamCategory(streamId)];
  let state = fold?.start();
  for (const event of events) {
    const at = occurredAt(event);
    if (asOf !== null && Date.parse(at) > asOf) break;
    const actor = typeof event.metadata.actorId === 'string' ? event.metadata.actorId : 'system';
    write(`#${event.revision} ${event.type} at ${at} by ${actor} (position ${formatPosition(event.position)}${event.hash ? `, link ${event.hash.slice(0, 16)}…` : ''})`);
    write(`  data:  ${JSON.stringify(withoutSecrets(event.data))}`);
    if (fold) {
      state = fold.apply(state, { type: event.type, data: event.data });
      write(`  state: ${JSON.stringify(withoutSecrets(JSON.parse(JSON.stringify(state)) as JsonValue))}`);
    }
  }
  return true;
}
