import { describe, expect, it } from '@jest/globals';
import { ConfigError, LOCAL_CALLBACK_ALLOW_HOSTS } from '@imgrec/shared';
import { uploadsConfigFromEnv } from './config.js';

const AWS_ENV = {
  IMGREC_MODE: 'aws',
  IMGREC_UPLOADS_TABLE: 'imgrec-dev-UploadsTable',
  IMGREC_IMAGES_BUCKET: 'imgrec-dev-images',
  IMGREC_EVENT_BUS_NAME: 'imgrec-dev',
};

describe('uploadsConfigFromEnv', () => {
  it('needs no setting in local mode, the default, where callbacks to this machine are allowed', () => {
    expect(uploadsConfigFromEnv({})).toStrictEqual({
      mode: 'local',
      allowHosts: LOCAL_CALLBACK_ALLOW_HOSTS,
      uploadUrlTtlSeconds: 600,
      recordRetentionDays: 90,
    });
  });

  it('reads the table, bucket and bus in aws mode, where no callback host is exempt by default', () => {
    expect(uploadsConfigFromEnv(AWS_ENV)).toStrictEqual({
      mode: 'aws',
      allowHosts: [],
      uploadUrlTtlSeconds: 600,
      recordRetentionDays: 90,
      tableName: 'imgrec-dev-UploadsTable',
      bucket: 'imgrec-dev-images',
      eventBusName: 'imgrec-dev',
    });
  });

  it('reads the callback allow-list in either mode', () => {
    const env = { IMGREC_CALLBACK_ALLOW_HOSTS: 'hooks.internal:8443' };
    expect(uploadsConfigFromEnv(env).allowHosts).toStrictEqual(['hooks.internal:8443']);
    expect(uploadsConfigFromEnv({ ...AWS_ENV, ...env }).allowHosts).toStrictEqual(['hooks.internal:8443']);
  });

  it('reads the upload URL lifetime and the record retention in either mode', () => {
    const env = { IMGREC_UPLOAD_URL_TTL_S: '1', IMGREC_RECORD_RETENTION_DAYS: '0.5' };
    expect(uploadsConfigFromEnv(env)).toMatchObject({ uploadUrlTtlSeconds: 1, recordRetentionDays: 0.5 });
    expect(uploadsConfigFromEnv({ ...AWS_ENV, ...env })).toMatchObject({
      uploadUrlTtlSeconds: 1,
      recordRetentionDays: 0.5,
    });
    expect(uploadsConfigFromEnv({ IMGREC_UPLOAD_URL_TTL_S: '600' }).uploadUrlTtlSeconds).toBe(600);
  });

  it.each([
    ['a missing table', { ...AWS_ENV, IMGREC_UPLOADS_TABLE: undefined }, 'IMGREC_UPLOADS_TABLE'],
    ['a missing bucket', { ...AWS_ENV, IMGREC_IMAGES_BUCKET: '' }, 'IMGREC_IMAGES_BUCKET'],
    ['a missing bus', { ...AWS_ENV, IMGREC_EVENT_BUS_NAME: undefined }, 'IMGREC_EVENT_BUS_NAME'],
    ['a malformed allow-list entry', { IMGREC_CALLBACK_ALLOW_HOSTS: 'https://hooks.internal/' }, 'IMGREC_CALLBACK'],
    ['an unknown mode', { IMGREC_MODE: 'cloud' }, 'IMGREC_MODE'],
    ['an upload URL lifetime of no time', { IMGREC_UPLOAD_URL_TTL_S: '0' }, 'IMGREC_UPLOAD_URL_TTL_S'],
    ['an upload URL lifetime past 10 minutes', { IMGREC_UPLOAD_URL_TTL_S: '601' }, 'IMGREC_UPLOAD_URL_TTL_S'],
    ['an upload URL lifetime in part seconds', { IMGREC_UPLOAD_URL_TTL_S: '1.5' }, 'IMGREC_UPLOAD_URL_TTL_S'],
    ['an upload URL lifetime that is not a number', { IMGREC_UPLOAD_URL_TTL_S: '10m' }, 'IMGREC_UPLOAD_URL_TTL_S'],
    ['a record retention of no days', { IMGREC_RECORD_RETENTION_DAYS: '0' }, 'IMGREC_RECORD_RETENTION_DAYS'],
  ])('refuses %s, naming the setting', (_case, env, name) => {
    expect(() => uploadsConfigFromEnv(env)).toThrow(ConfigError);
    expect(() => uploadsConfigFromEnv(env)).toThrow(name);
  });
});
