import { describe, expect, it } from '@jest/globals';
import { PrometheusMetrics } from './prometheusMetrics.js';

describe('PrometheusMetrics (local mode)', () => {
  it('serves every counter in Prometheus text, at zero before anything happened', async () => {
    const text = await new PrometheusMetrics().text();
    expect(text).toContain('# TYPE imgrec_callbacks_failed_total counter');
    expect(text).toContain('# HELP imgrec_blobs_created_total Blobs created by POST /blobs');
  });

  it('counts per service and per error code', async () => {
    const metrics = new PrometheusMetrics();
    const recognition = metrics.forService('recognition');
    recognition.count('recognition_failures', { code: 'empty_image' });
    recognition.count('recognition_failures', { code: 'empty_image' });
    recognition.count('recognition_failures', { code: 'image_too_large' });
    metrics.forService('uploads').count('blobs_created');
    const text = await metrics.text();
    expect(text).toContain('imgrec_recognition_failures_total{service="recognition",code="empty_image"} 2');
    expect(text).toContain('imgrec_recognition_failures_total{service="recognition",code="image_too_large"} 1');
    expect(text).toContain('imgrec_blobs_created_total{service="uploads"} 1');
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });
});
