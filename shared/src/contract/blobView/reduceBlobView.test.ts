import { describe, expect, it } from '@jest/globals';
import { blobViewSchema, parseStoredBlobView, type BlobView } from '../blob.js';
import type { DomainEvent, EventDetail } from '../../events/catalogue.js';
import type { LabelDetail } from '../labels.js';
import { isCallbackOutcomeEvent, labelNamesOf, reduceBlobView } from './reduceBlobView.js';

const BLOB_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const TENANT_ID = 'tnt_reduce';
const CALLBACK_URL = 'https://hooks.example.com/imgrec';
const CREATED_AT = '2026-11-27T12:00:00.000Z';
const NOW = '2026-11-27T12:05:00.000Z';
const LATER = '2026-11-27T12:06:00.000Z';
const OPTIONS = { min_confidence: 30, max_labels: 20, features: ['labels' as const] };
const MODEL = { provider: 'local', name: 'centernet', version: 'human-3.3.6' } as const;

const detail = (name: string, confidence: number, parents: string[] = []): LabelDetail => ({
  name,
  confidence,
  parents,
  instances: [{ confidence, bounding_box: { left: 0.1, top: 0.2, width: 0.5, height: 0.4 } }],
});

/** Builders take `withCallback = false` for a blob whose request named no callback_url. */
const blobFacts = (withCallback: boolean) => ({
  blob_id: BLOB_ID,
  tenant_id: TENANT_ID,
  options: OPTIONS,
  ...(withCallback && { callback_url: CALLBACK_URL }),
  created_at: CREATED_AT,
});

const blobRequested = (withCallback = true): DomainEvent => ({
  detailType: 'BlobRequested',
  detail: {
    ...blobFacts(withCallback),
    content_type: 'image/jpeg',
    expires_at: '2026-11-27T12:10:00.000Z',
  },
});

const blobCreated = (withCallback = true): DomainEvent => ({
  detailType: 'BlobCreated',
  detail: {
    ...blobFacts(withCallback),
    key: `uploads/${BLOB_ID}`,
    size: 1234,
    stored_at: '2026-11-27T12:01:00.000Z',
  },
});

const labelsDetected = (
  labelDetails: LabelDetail[] = [detail('car', 97.1, ['vehicle', 'transportation'])],
  withCallback = true,
): DomainEvent => ({
  detailType: 'LabelsDetected',
  detail: {
    ...blobFacts(withCallback),
    labels: labelNamesOf(labelDetails),
    label_details: labelDetails,
    model: MODEL,
    completed_at: '2026-11-27T12:02:00.000Z',
  },
});

const RECOGNITION_ERROR = { code: 'unsupported_image_format', message: 'not a JPEG or PNG', retryable: false };

const recognitionFailed = (
  options: { withCallback?: boolean; model?: EventDetail<'RecognitionFailed'>['model'] } = {},
): DomainEvent => ({
  detailType: 'RecognitionFailed',
  detail: {
    ...blobFacts(options.withCallback ?? true),
    error: RECOGNITION_ERROR,
    ...(options.model !== undefined && { model: options.model }),
    completed_at: '2026-11-27T12:02:00.000Z',
  },
});

const callbackDelivered = (attempts = 1, lastAttemptAt = '2026-11-27T12:03:00.000Z'): DomainEvent => ({
  detailType: 'CallbackDelivered',
  detail: {
    blob_id: BLOB_ID,
    tenant_id: TENANT_ID,
    webhook_id: 'msg_1',
    attempts,
    last_attempt_at: lastAttemptAt,
    last_status_code: 200,
  },
});

const callbackFailed = (
  attempts = 8,
  lastAttemptAt = '2026-11-28T12:00:00.000Z',
  lastStatusCode = 500,
): DomainEvent => ({
  detailType: 'CallbackFailed',
  detail: {
    blob_id: BLOB_ID,
    tenant_id: TENANT_ID,
    webhook_id: 'msg_1',
    attempts,
    last_attempt_at: lastAttemptAt,
    last_status_code: lastStatusCode,
  },
});

/** The webhooks service gave up before sending anything, e.g. the callback host resolved to a private address. */
const callbackFailedWithoutAttempt = (): DomainEvent => ({
  detailType: 'CallbackFailed',
  detail: { blob_id: BLOB_ID, tenant_id: TENANT_ID, webhook_id: 'msg_1', attempts: 0 },
});

/** Applies events in order the way a consumer does: an undefined result keeps the current view. */
const fold = (events: DomainEvent[], now = NOW, initial?: BlobView): BlobView | undefined =>
  events.reduce<BlobView | undefined>((view, event) => reduceBlobView(view, event, now) ?? view, initial);

const view = (events: DomainEvent[]): BlobView => {
  const folded = fold(events);
  if (folded === undefined) throw new Error('the events built no view');
  return folded;
};

const permutations = <T>(items: T[]): T[][] =>
  items.length <= 1
    ? [items]
    : items.flatMap((item, index) =>
        permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
      );

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
};

const PENDING_CALLBACK = { url: CALLBACK_URL, status: 'pending', attempts: 0 };

describe('reduceBlobView', () => {
  describe('the first lifecycle event builds the whole view', () => {
    it('BlobRequested creates an awaiting_upload view with options, callback and timestamps', () => {
      expect(reduceBlobView(undefined, blobRequested(), NOW)).toStrictEqual({
        blob_id: BLOB_ID,
        status: 'awaiting_upload',
        options: OPTIONS,
        callback: PENDING_CALLBACK,
        created_at: CREATED_AT,
        updated_at: NOW,
      });
    });

    it('BlobCreated creates a processing view', () => {
      expect(reduceBlobView(undefined, blobCreated(), NOW)).toStrictEqual({
        blob_id: BLOB_ID,
        status: 'processing',
        options: OPTIONS,
        callback: PENDING_CALLBACK,
        created_at: CREATED_AT,
        updated_at: NOW,
      });
    });

    it('LabelsDetected creates a succeeded view with labels, details, model and completed_at', () => {
      expect(reduceBlobView(undefined, labelsDetected(), NOW)).toStrictEqual({
        blob_id: BLOB_ID,
        status: 'succeeded',
        labels: ['car', 'vehicle', 'transportation'],
        label_details: [detail('car', 97.1, ['vehicle', 'transportation'])],
        model: MODEL,
        options: OPTIONS,
        callback: PENDING_CALLBACK,
        created_at: CREATED_AT,
        updated_at: NOW,
        completed_at: '2026-11-27T12:02:00.000Z',
      });
    });

    it('RecognitionFailed creates a failed view with the error and completed_at, and no labels', () => {
      expect(reduceBlobView(undefined, recognitionFailed(), NOW)).toStrictEqual({
        blob_id: BLOB_ID,
        status: 'failed',
        options: OPTIONS,
        error: RECOGNITION_ERROR,
        callback: PENDING_CALLBACK,
        created_at: CREATED_AT,
        updated_at: NOW,
        completed_at: '2026-11-27T12:02:00.000Z',
      });
    });

    it('RecognitionFailed shows the model when the failure names one', () => {
      expect(reduceBlobView(undefined, recognitionFailed({ model: MODEL }), NOW)).toMatchObject({ model: MODEL });
    });

    it.each([
      ['BlobRequested', blobRequested()],
      ['BlobCreated', blobCreated()],
      ['LabelsDetected', labelsDetected()],
      ['RecognitionFailed', recognitionFailed({ model: MODEL })],
    ])('%s builds a view that the GET contract accepts as is', (_name, event) => {
      const built = reduceBlobView(undefined, event, NOW);
      expect(blobViewSchema.strict().parse(built)).toStrictEqual(built);
    });

    it.each([
      ['BlobRequested', blobRequested(false)],
      ['BlobCreated', blobCreated(false)],
      ['LabelsDetected', labelsDetected(undefined, false)],
      ['RecognitionFailed', recognitionFailed({ withCallback: false })],
    ])('%s leaves callback out entirely when the request asked for none', (_name, event) => {
      expect(reduceBlobView(undefined, event, NOW)).not.toHaveProperty('callback');
    });
  });

  describe('status only moves forward', () => {
    const STATUS_AFTER = {
      BlobRequested: 'awaiting_upload',
      BlobCreated: 'processing',
      LabelsDetected: 'succeeded',
      RecognitionFailed: 'failed',
    } as const;
    const lifecycleEvents = {
      BlobRequested: blobRequested(),
      BlobCreated: blobCreated(),
      LabelsDetected: labelsDetected(),
      RecognitionFailed: recognitionFailed(),
    };
    type Name = keyof typeof lifecycleEvents;
    // Every (view reached by event A, then event B) pair, with the status B must leave (undefined: no change).
    const matrix: [Name, Name, BlobView['status'] | undefined][] = [
      ['BlobRequested', 'BlobRequested', undefined],
      ['BlobRequested', 'BlobCreated', 'processing'],
      ['BlobRequested', 'LabelsDetected', 'succeeded'],
      ['BlobRequested', 'RecognitionFailed', 'failed'],
      ['BlobCreated', 'BlobRequested', undefined],
      ['BlobCreated', 'BlobCreated', undefined],
      ['BlobCreated', 'LabelsDetected', 'succeeded'],
      ['BlobCreated', 'RecognitionFailed', 'failed'],
      ['LabelsDetected', 'BlobRequested', undefined],
      ['LabelsDetected', 'BlobCreated', undefined],
      ['LabelsDetected', 'LabelsDetected', undefined],
      ['LabelsDetected', 'RecognitionFailed', undefined],
      ['RecognitionFailed', 'BlobRequested', undefined],
      ['RecognitionFailed', 'BlobCreated', undefined],
      ['RecognitionFailed', 'LabelsDetected', undefined],
      ['RecognitionFailed', 'RecognitionFailed', undefined],
    ];

    it.each(matrix)('a view after %s, then %s, ends %s', (first, second, expected) => {
      const current = view([lifecycleEvents[first]]);
      const next = reduceBlobView(current, lifecycleEvents[second], LATER);
      if (expected === undefined) {
        expect(next).toBeUndefined();
      } else {
        expect(next).toMatchObject({ status: expected, updated_at: LATER });
        expect(next?.status).toBe(STATUS_AFTER[second]);
      }
    });

    it('keeps the first outcome: a late LabelsDetected cannot turn a failure into a success', () => {
      expect(view([recognitionFailed(), labelsDetected()])).toStrictEqual(view([recognitionFailed()]));
    });

    it('keeps the first outcome: a late RecognitionFailed cannot turn a success into a failure', () => {
      expect(view([labelsDetected(), recognitionFailed()])).toStrictEqual(view([labelsDetected()]));
    });

    it('a success carries no error, and a failure no labels', () => {
      expect(view([blobCreated(), labelsDetected()])).not.toHaveProperty('error');
      const failed = view([blobCreated(), recognitionFailed()]);
      expect(failed).not.toHaveProperty('labels');
      expect(failed).not.toHaveProperty('label_details');
    });
  });

  describe('out-of-order and duplicated delivery', () => {
    const happyPath = [blobRequested(), blobCreated(), labelsDetected()];

    it.each(permutations(happyPath).map((order) => [order.map((event) => event.detailType).join(' → '), order]))(
      'converges on the same succeeded view for %s',
      (_order, events) => {
        expect(fold(events as DomainEvent[])).toStrictEqual(fold(happyPath));
      },
    );

    it.each(
      permutations([blobRequested(), blobCreated(), recognitionFailed()]).map((order) => [
        order.map((event) => event.detailType).join(' → '),
        order,
      ]),
    )('converges on the same failed view for %s', (_order, events) => {
      expect(fold(events as DomainEvent[])).toStrictEqual(view([recognitionFailed()]));
    });

    it('LabelsDetected before BlobCreated: the late BlobCreated changes nothing', () => {
      const succeeded = view([labelsDetected()]);
      expect(reduceBlobView(succeeded, blobCreated(), LATER)).toBeUndefined();
      expect(reduceBlobView(succeeded, blobRequested(), LATER)).toBeUndefined();
    });

    it('a duplicate of every event in the history changes nothing', () => {
      const history = [...happyPath, callbackDelivered()];
      const final = view(history);
      for (const event of history) expect(reduceBlobView(final, event, LATER)).toBeUndefined();
    });

    it('keeps the created_at and options the first event showed, whatever later events claim', () => {
      const first = view([blobRequested()]);
      const disagreeing = labelsDetected();
      const claims = {
        ...disagreeing.detail,
        created_at: '2030-01-01T00:00:00.000Z',
        options: { min_confidence: 99, max_labels: 1 },
      };
      const next = reduceBlobView(first, { ...disagreeing, detail: claims } as DomainEvent, LATER);
      expect(next).toMatchObject({ created_at: CREATED_AT, options: OPTIONS, status: 'succeeded' });
    });

    it('a later-arriving earlier event fills in a callback the view still lacks', () => {
      const withoutCallback = view([labelsDetected()]);
      delete withoutCallback.callback;
      expect(reduceBlobView(withoutCallback, blobRequested(), LATER)).toStrictEqual({
        ...withoutCallback,
        callback: PENDING_CALLBACK,
        updated_at: LATER,
      });
    });

    it('a forward event fills in a callback the view still lacks, and invents none', () => {
      expect(view([blobRequested(false), labelsDetected()]).callback).toStrictEqual(PENDING_CALLBACK);
      expect(view([blobRequested(false), labelsDetected(undefined, false)])).not.toHaveProperty('callback');
    });

    it('does not modify the view it is given', () => {
      const current = deepFreeze(view([blobCreated()]));
      const snapshot = structuredClone(current);
      for (const event of [labelsDetected(), callbackDelivered(), blobRequested()])
        reduceBlobView(current, event, LATER);
      expect(current).toStrictEqual(snapshot);
    });
  });

  describe('labels', () => {
    it('lists the detected names best first, then their parents, in lower case and each once', () => {
      const succeeded = view([
        labelsDetected([
          detail('Dog', 80, ['Animal', 'Pet', 'Mammal']),
          detail('Car', 97.1, ['Vehicle', 'Transportation']),
          detail('Cat', 60, ['Animal', 'Pet', 'Mammal']),
        ]),
      ]);
      expect(succeeded.labels).toStrictEqual([
        'car',
        'dog',
        'cat',
        'vehicle',
        'transportation',
        'animal',
        'pet',
        'mammal',
      ]);
    });

    it('lists a parent once when Rekognition also returns it as a label of its own', () => {
      const succeeded = view([
        labelsDetected([
          detail('Car', 99, ['Vehicle', 'Transportation']),
          detail('Vehicle', 99, ['Transportation']),
          detail('Transportation', 99),
          detail('Wheel', 90, ['Machine']),
        ]),
      ]);
      expect(succeeded.labels).toStrictEqual(['car', 'vehicle', 'transportation', 'wheel', 'machine']);
    });

    it('shows label_details best first in lower case, keeping the producer order for ties', () => {
      const succeeded = view([
        labelsDetected([detail('Person', 50), detail('Car', 90, ['Vehicle']), detail('Truck', 90, ['Vehicle'])]),
      ]);
      expect(succeeded.label_details).toStrictEqual([
        detail('car', 90, ['vehicle']),
        detail('truck', 90, ['vehicle']),
        detail('person', 50),
      ]);
    });

    it('builds labels from label_details, not from the labels list the producer sent', () => {
      const event = labelsDetected([detail('car', 90)]);
      const inconsistent = { ...event, detail: { ...event.detail, labels: ['Elephant'] } } as DomainEvent;
      expect(view([inconsistent]).labels).toStrictEqual(['car']);
    });

    it('a success with nothing detected has empty labels and label_details', () => {
      expect(view([labelsDetected([])])).toMatchObject({ status: 'succeeded', labels: [], label_details: [] });
    });
  });

  describe('callback', () => {
    const succeededWithCallback = () => view([blobRequested(), blobCreated(), labelsDetected()]);

    it('pending → delivered records attempts, last attempt time and status code', () => {
      expect(reduceBlobView(succeededWithCallback(), callbackDelivered(2), LATER)).toMatchObject({
        callback: {
          url: CALLBACK_URL,
          status: 'delivered',
          attempts: 2,
          last_attempt_at: '2026-11-27T12:03:00.000Z',
          last_status_code: 200,
        },
        updated_at: LATER,
      });
    });

    it('pending → failed records what the webhooks service knows, and nothing it does not', () => {
      const next = reduceBlobView(succeededWithCallback(), callbackFailedWithoutAttempt(), LATER);
      expect(next?.callback).toStrictEqual({ url: CALLBACK_URL, status: 'failed', attempts: 0 });
    });

    it('failed → delivered: a redrive from the DLQ succeeded', () => {
      const failed = view([labelsDetected(), callbackFailed(8)]);
      expect(reduceBlobView(failed, callbackDelivered(1, '2026-11-29T00:00:00.000Z'), LATER)?.callback).toStrictEqual({
        url: CALLBACK_URL,
        status: 'delivered',
        attempts: 1,
        last_attempt_at: '2026-11-29T00:00:00.000Z',
        last_status_code: 200,
      });
    });

    it('delivered stays delivered: a failure report arriving after the success changes nothing', () => {
      const delivered = view([labelsDetected(), callbackDelivered()]);
      expect(reduceBlobView(delivered, callbackFailed(), LATER)).toBeUndefined();
      expect(reduceBlobView(delivered, callbackDelivered(3, '2026-11-30T00:00:00.000Z'), LATER)).toBeUndefined();
    });

    it('failed → a later failure (a redrive that failed again) replaces the earlier one', () => {
      const failed = view([labelsDetected(), callbackFailed(8, '2026-11-28T12:00:00.000Z', 500)]);
      const refailed = reduceBlobView(failed, callbackFailed(1, '2026-11-29T12:00:00.000Z', 410), LATER);
      expect(refailed?.callback).toStrictEqual({
        url: CALLBACK_URL,
        status: 'failed',
        attempts: 1,
        last_attempt_at: '2026-11-29T12:00:00.000Z',
        last_status_code: 410,
      });
    });

    it('failed ignores an older failure that arrives late', () => {
      const failed = view([labelsDetected(), callbackFailed(1, '2026-11-29T12:00:00.000Z')]);
      expect(reduceBlobView(failed, callbackFailed(8, '2026-11-28T12:00:00.000Z'), LATER)).toBeUndefined();
    });

    it('compares attempt times as instants, not as strings', () => {
      const failed = view([labelsDetected(), callbackFailed(8, '2026-11-28T12:00:00.500Z')]);
      expect(reduceBlobView(failed, callbackFailed(8, '2026-11-28T12:00:00Z'), LATER)).toBeUndefined();
    });

    it('failed falls back to the attempt count when a report has no attempt time', () => {
      const failed = view([labelsDetected(), callbackFailedWithoutAttempt()]);
      expect(reduceBlobView(failed, callbackFailedWithoutAttempt(), LATER)).toBeUndefined();
      expect(reduceBlobView(failed, callbackFailed(3), LATER)?.callback).toMatchObject({
        status: 'failed',
        attempts: 3,
      });
    });

    it('CallbackDelivered before LabelsDetected: the delivery survives the later status change', () => {
      const processing = view([blobCreated(), callbackDelivered()]);
      expect(processing.callback?.status).toBe('delivered');
      expect(reduceBlobView(processing, labelsDetected(), LATER)).toMatchObject({
        status: 'succeeded',
        callback: { status: 'delivered', attempts: 1, last_status_code: 200 },
      });
    });

    it('a callback outcome for a blob with no view yet changes nothing (the caller keeps it)', () => {
      expect(reduceBlobView(undefined, callbackDelivered(), NOW)).toBeUndefined();
      expect(reduceBlobView(undefined, callbackFailed(), NOW)).toBeUndefined();
    });

    it('a callback outcome for a blob that asked for no callback changes nothing', () => {
      const withoutCallback = view([labelsDetected()]);
      delete withoutCallback.callback;
      expect(reduceBlobView(withoutCallback, callbackDelivered(), LATER)).toBeUndefined();
      expect(reduceBlobView(withoutCallback, callbackFailed(), LATER)).toBeUndefined();
    });

    it('the callback and its progress are kept through every forward move', () => {
      const awaiting = view([blobRequested(), callbackFailedWithoutAttempt()]);
      expect(fold([blobCreated(), labelsDetected()], LATER, awaiting)).toMatchObject({
        status: 'succeeded',
        callback: { status: 'failed', attempts: 0 },
        updated_at: LATER,
      });
    });
  });

  it('isCallbackOutcomeEvent tells callback reports from lifecycle events', () => {
    expect(
      [
        callbackDelivered(),
        callbackFailed(),
        blobRequested(),
        blobCreated(),
        labelsDetected(),
        recognitionFailed(),
      ].map(isCallbackOutcomeEvent),
    ).toStrictEqual([true, true, false, false, false, false]);
  });
});

describe('reduceBlobView with features beyond labels', () => {
  const LINE = { text: 'STOP', confidence: 98.2, bounding_box: { left: 0.1, top: 0.1, width: 0.3, height: 0.1 } };
  const FACE = {
    confidence: 99.1,
    bounding_box: { left: 0.4, top: 0.2, width: 0.2, height: 0.3 },
    age_range: { low: 30, high: 40 },
    emotions: [{ type: 'calm' as const, confidence: 80 }],
  };

  it('shows exactly the requested features: text and faces without labels', () => {
    const options = { min_confidence: 30, max_labels: 20, features: ['text' as const, 'faces' as const] };
    const event: DomainEvent = {
      detailType: 'LabelsDetected',
      detail: {
        ...blobFacts(false),
        options,
        text: [LINE],
        faces: [FACE],
        model: MODEL,
        completed_at: '2026-11-27T12:02:00.000Z',
      },
    };

    const view = reduceBlobView(undefined, event, NOW);

    expect(view).toMatchObject({ status: 'succeeded', text: [LINE], faces: [FACE], options });
    expect(view).not.toHaveProperty('labels');
    expect(view).not.toHaveProperty('label_details');
    expect(blobViewSchema.strict().parse(view)).toStrictEqual(view);
  });

  it('echoes features as labels for events from before features existed', () => {
    const { features: _absent, ...legacyOptions } = OPTIONS;
    const event: DomainEvent = {
      detailType: 'BlobRequested',
      detail: {
        ...blobFacts(false),
        options: legacyOptions,
        content_type: 'image/jpeg',
        expires_at: '2026-11-27T12:10:00.000Z',
      },
    };

    expect(reduceBlobView(undefined, event, NOW)?.options).toEqual({ ...legacyOptions, features: ['labels'] });
  });

  it('reads a view stored before features existed as one that asked for labels', () => {
    const stored = { ...reduceBlobView(undefined, blobRequested(false), NOW) } as Record<string, unknown>;
    stored.options = { min_confidence: 30, max_labels: 20 };

    expect(parseStoredBlobView(stored).options.features).toEqual(['labels']);
    expect(() => blobViewSchema.parse(stored)).toThrow();
  });
});
