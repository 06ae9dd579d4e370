import { afterEach, describe, expect, it, vi } from 'vitest'
import { recordEvent } from '../../src/lib/metrics'
import { api, createUser } from '../helpers'
import { apiWith } from './util'

afterEach(() => vi.restoreAllMocks())

/** A stand-in Analytics Engine binding that keeps what is written. */
function testDataset() {
  const points: AnalyticsEngineDataPoint[] = []
  return { points, binding: { writeDataPoint: vi.fn((p: AnalyticsEngineDataPoint) => void points.push(p ?? {})) } }
}

describe('metrics', () => {
  it('writes one Analytics Engine data point per request: route template, status class, method, latency', async () => {
    const ds = testDataset()
    const res = await apiWith({ METRICS: ds.binding, ENVIRONMENT: 'test' }, 'GET', '/api/v1/products/prd_does_not_exist')
    expect(res.status).toBe(404)
    const request = ds.points.find((p) => p.blobs?.[0] === 'request')!
    // The route template, not the raw path, so ids never become metric labels.
    expect(request.blobs).toEqual(['request', expect.stringMatching(/^\/api\/v1\/products\/:\w+$/), '4xx', 'GET', 'test', '404'])
    expect(request.indexes).toEqual([request.blobs![1]])
    expect(request.doubles![0]).toBe(1)
    expect(request.doubles![1]).toBeGreaterThanOrEqual(0)
  })

  it('counts catalog cache hits and misses', async () => {
    const ds = testDataset()
    await apiWith({ METRICS: ds.binding }, 'GET', '/api/v1/products?limit=1')
    await apiWith({ METRICS: ds.binding }, 'GET', '/api/v1/products?limit=1')
    const cache = ds.points.filter((p) => p.blobs?.[1] === 'cache.lookup').map((p) => p.blobs![2])
    expect(cache.length).toBe(2)
    expect(cache.every((c) => c === 'hit' || c === 'miss')).toBe(true)
  })

  it('recordEvent writes a business event and never throws when the binding fails', () => {
    const ds = testDataset()
    recordEvent(
      { METRICS: ds.binding as unknown as AnalyticsEngineDataset, ENVIRONMENT: 'test' },
      { name: 'payment.succeeded', label: 'ok', detail: 'stripe', value: 4999 },
    )
    expect(ds.points[0]).toEqual({
      blobs: ['event', 'payment.succeeded', 'ok', 'stripe', 'test'],
      doubles: [1, 4999],
      indexes: ['payment.succeeded'],
    })
    const broken = {
      writeDataPoint: () => {
        throw new Error('down')
      },
    } as unknown as AnalyticsEngineDataset
    expect(() => recordEvent({ METRICS: broken }, { name: 'x' })).not.toThrow()
  })

  it('GET /metrics is Prometheus text for staff only', async () => {
    await api('GET', '/health')
    const customer = await createUser('customer')
    expect((await api('GET', '/metrics', { headers: customer.auth })).status).toBe(403)
    expect((await api('GET', '/metrics')).status).toBe(401)
    const staff = await createUser('staff')
    const res = await api<string>('GET', '/metrics', { headers: staff.auth })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toContain('text/plain; version=0.0.4')
    expect(res.body).toContain('# TYPE edge_commerce_requests_total counter')
    expect(res.body).toMatch(/edge_commerce_requests_total\{route="\/health",method="GET",status="200"\} \d+/)
    expect(res.body).toMatch(/edge_commerce_request_duration_ms_bucket\{route="\/health",le="\+Inf"\} \d+/)
  })

  it('no access line for an ordinary request; the request id stays on the response', async () => {
    const log = vi.spyOn(console, 'log')
    const res = await api('GET', '/health')
    expect(res.headers.get('X-Request-Id')).toBeTruthy()
    expect(log.mock.calls.filter((c) => String(c[0]).includes('"msg":"request"'))).toHaveLength(0)
  })
})
