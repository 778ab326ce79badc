import type { SqlSession } from '../db/types.js';
import { DecoratedEventStore } from '../eventstore/decorated.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  JsonObject,
  NewEvent,
  ReadAllOptions,
  ReadAllPage,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  StreamAppendOutcome,
  SubscribeOptions,
  SubscriptionItem,
} from '../eventstore/types.js';
import { fieldContext, isSealed, open, seal } from './envelope.js';
import type { PersonalDataKeys, SubjectKey } from './personal-data-keys.js';
import type { PersonalField } from './personal-fields.js';
import { personalFieldsOf, redacted } from './personal-fields.js';

/**
 * Crypto-shredding around an event store: people's names and emails are sealed with their own key
 * on the way in, and opened on the way out. Once a key is destroyed the same fields read as the
 * redaction markers, in every replay, while the stored bytes (and so the hash chain) stay as they
 * were. Events written before sealing existed read as they are, unless their subject was forgotten.
 *
 * The undecorated store is the sealed log itself: the chain verifier and the anchors read that.
 */
export class PersonalDataEventStore extends DecoratedEventStore {
  constructor(
    sealedLog: EventStore,
    private readonly keys: PersonalDataKeys,
  ) {
    super(sealedLog);
  }

  // Read models written inline get the events as given, opened: the store must not call back here from inside its transaction.
  override async appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, options?: AppendOptions): Promise<AppendResult> {
    return this.inner.appendToStream(streamId, await this.sealAll(streamId, events), expected, { ...options, opened: options?.opened ?? events });
  }

  override async appendToStreams(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]> {
    const sealed: StreamAppend[] = [];
    for (const append of appends) sealed.push({ ...append, events: await this.sealAll(append.streamId, append.events), opened: append.opened ?? append.events });
    return this.inner.appendToStreams(sealed);
  }

  override async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.openAll(await this.inner.readStream(streamId, options));
  }

  override async readAll(options: ReadAllOptions): Promise<ReadAllPage> {
    const page = await this.inner.readAll(options);
    return { ...page, events: await this.openAll(page.events, options.within) };
  }

  override async *subscribe(options: SubscribeOptions): AsyncIterable<SubscriptionItem> {
    for await (const item of this.inner.subscribe(options)) {
      if (item.kind === 'event') {
        const [event] = await this.openAll([item.event]);
        yield { kind: 'event', event: event ?? item.event };
      } else {
        yield item;
      }
    }
  }

  private async sealAll(streamId: string, events: readonly NewEvent[]): Promise<NewEvent[]> {
    const sealed: NewEvent[] = [];
    for (const event of events) {
      const personal = personalFieldsOf(event, streamId);
      if (!personal) {
        sealed.push(event);
        continue;
      }
      const key = await this.keys.keyFor(personal.subjectId);
      const data: JsonObject = { ...event.data };
      for (const field of personal.fields) {
        const value = data[field];
        if (value === undefined || isSealed(value)) continue;
        // A forgotten person's data is never written again, not even by a late or replayed command.
        data[field] = key ? seal(key, personal.subjectId, fieldContext(event.id, field), value) : redacted(field, personal.subjectId);
      }
      sealed.push({ ...event, data });
    }
    return sealed;
  }

  private async openAll(events: RecordedEvent[], within?: SqlSession): Promise<RecordedEvent[]> {
    const personal = events.map((event) => personalFieldsOf(event, event.streamId));
    const subjects = personal.flatMap((fields) => (fields ? [fields.subjectId] : []));
    if (subjects.length === 0) return events;
    const keys = await this.keys.lookup(subjects, within);
    return events.map((event, index) => {
      const fields = personal[index];
      return fields ? openEvent(event, fields.subjectId, fields.fields, keys.get(fields.subjectId)) : event;
    });
  }
}

function openEvent(event: RecordedEvent, subjectId: string, fields: readonly PersonalField[], key: SubjectKey | undefined): RecordedEvent {
  const data: JsonObject = { ...event.data };
  for (const field of fields) {
    const value = data[field];
    if (value === undefined) continue;
    if (key?.state === 'forgotten') data[field] = redacted(field, subjectId);
    else if (isSealed(value)) data[field] = key ? open(key.key, value, fieldContext(event.id, field)) : redacted(field, subjectId);
    // A plain value with a live key or none: written before sealing existed, and its owner not forgotten.
  }
  return { ...event, data };
}
