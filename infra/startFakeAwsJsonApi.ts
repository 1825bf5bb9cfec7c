import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAwsJsonApi {
  endpoint: string;
  /** Every request so far: its X-Amz-Target (e.g. `AWSEvents.PutEvents`) and JSON body. */
  requests: { target: string; body: Record<string, unknown> }[];
  stop(): Promise<void>;
}

/**
 * A stand-in for AWS services that speak the JSON protocol (EventBridge, Rekognition), for the SDK clients inside a
 * bundle (point AWS_ENDPOINT_URL_<SERVICE> at it). Each target's answer comes from `answers`; an unknown target
 * gets a 400 UnknownOperationException, as AWS would answer.
 */
export const startFakeAwsJsonApi = async (
  answers: Record<string, (body: Record<string, unknown>) => unknown>,
): Promise<FakeAwsJsonApi> => {
  const requests: FakeAwsJsonApi['requests'] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      requests.push({ target, body });
      const answer = answers[target];
      response.writeHead(answer ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(answer ? answer(body) : { __type: 'UnknownOperationException' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
