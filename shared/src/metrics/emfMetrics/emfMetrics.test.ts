import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { captureLogs, type CapturedLogs } from '../../testing/captureLogs.js';
import { buildEmfMetrics, createServiceMetrics, publishMetrics } from './emfMetrics.js';

const context = { functionName: 'imgrec-recognition-dev-onBlobCreated', awsRequestId: 'r1' } as Context;

/** The metrics of every EMF document written: name, value and dimensions. */
const emitted = (logs: CapturedLogs) =>
  logs.lines
    .filter((line) => line._aws !== undefined)
    .flatMap((line) => {
      const { CloudWatchMetrics } = line._aws as {
        CloudWatchMetrics: { Metrics: { Name: string }[]; Dimensions: string[][] }[];
      };
      return CloudWatchMetrics.flatMap((directive) =>
        directive.Metrics.map(({ Name }) => ({
          name: Name,
          // Counts stored under one name are flushed as a list of values, which CloudWatch adds up.
          value: [line[Name]].flat().reduce((sum: number, value) => sum + Number(value), 0),
          dimensions: Object.fromEntries(directive.Dimensions.flat().map((key) => [key, line[key]])),
        })),
      );
    });

describe('EMF metrics (aws mode)', () => {
  let logs: CapturedLogs;

  beforeEach(() => {
    logs = captureLogs();
  });

  afterEach(() => logs.restore());

  const handlerCounting = (counts: (metrics: ReturnType<typeof buildEmfMetrics>) => void) => {
    const powertools = createServiceMetrics('recognition');
    const metrics = buildEmfMetrics(powertools);
    return middy(async () => counts(metrics)).use(publishMetrics(powertools, 'aws'));
  };

  it('flushes the counts of an invocation when it ends, under the imgrec namespace and the service', async () => {
    await handlerCounting((metrics) => {
      metrics.count('labels_detected');
      metrics.count('labels_detected');
    })({}, context);
    expect(emitted(logs)).toEqual([{ name: 'labels_detected', value: 2, dimensions: { service: 'recognition' } }]);
    expect(logs.lines[0]?._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: 'imgrec' }] });
  });

  it('sends a count with a dimension on its own, so the code splits only that counter', async () => {
    await handlerCounting((metrics) => {
      metrics.count('recognition_failures', { code: 'image_too_large' });
      metrics.count('labels_detected');
    })({}, context);
    expect(emitted(logs)).toEqual(
      expect.arrayContaining([
        { name: 'recognition_failures', value: 1, dimensions: { service: 'recognition', code: 'image_too_large' } },
        { name: 'labels_detected', value: 1, dimensions: { service: 'recognition' } },
      ]),
    );
  });

  it('stays quiet when an invocation counted nothing, which is normal for some batches', async () => {
    await middy(async () => undefined).use(publishMetrics(createServiceMetrics('recognition'), 'aws'))({}, context);
    expect(logs.lines).toEqual([]);
  });

  it('publishes nothing in local mode, where Prometheus counters keep the counts', async () => {
    const powertools = new PowertoolsMetrics({ namespace: 'imgrec', serviceName: 'recognition' });
    await middy(async () => undefined).use(publishMetrics(powertools, 'local'))({}, context);
    expect(logs.lines).toEqual([]);
  });
});
