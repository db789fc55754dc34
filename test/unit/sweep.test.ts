import { describe, expect, it } from 'vitest';
import { KomboPermanentError, KomboUnavailableError } from '../../lambdas/core/kombo/errors';
import type { KomboRecord } from '../../lambdas/core/kombo/responses';
import { toRecordItem } from '../../lambdas/core/sync/record-item';
import { DEFAULT_ENGINE_SETTINGS } from '../../lambdas/core/sync/settings';
import { employee, engineHarness, fullJob, INTEGRATION, RESOURCE } from '../support/engine-harness';
import { type ScriptedAnswer, scriptedKombo } from '../support/scripted-kombo';

const partition = { integrationId: INTEGRATION, resource: RESOURCE };
const EARLIER = new Date('2026-11-20T00:00:00.000Z');

/** A mirror holding `held` (synced a week ago), and a Kombo that lists `upstream`. */
function sweepHarness(
  held: readonly KomboRecord[],
  upstream: readonly KomboRecord[],
  byIds?: (ids: readonly string[]) => ScriptedAnswer,
) {
  const kombo = scriptedKombo((query) => {
    if (query.ids)
      return byIds
        ? byIds(query.ids)
        : { records: upstream.filter((record) => query.ids?.includes(record.id)), next: null };
    return { records: [...upstream], next: null };
  });
  const h = engineHarness(kombo.source);
  for (const record of held)
    h.records.put(toRecordItem(INTEGRATION, RESOURCE, record, { now: EARLIER, tombstoneTtlSeconds: 86_400 }));
  const live = () =>
    h.records
      .items(partition)
      .filter((item) => item.data_encoding !== 'tombstone')
      .map((item) => item.id);
  return { ...h, kombo, live };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, n) => employee(from + n));

describe('the sweep after a full walk', () => {
  it('tombstones what vanished upstream and keeps what Kombo still lists', async () => {
    const h = sweepHarness(range(0, 20), range(0, 18));
    expect(await h.run(fullJob())).toMatchObject({ outcome: 'completed' });
    expect(h.live()).toEqual(range(0, 18).map((record) => record.id));
    expect(h.state.cursorOf(INTEGRATION, RESOURCE)?.lastWalk?.walk.sweep).toMatchObject({
      live: 20,
      candidates: 2,
      swept: 2,
      braked: false,
    });
  });

  it('writes back a candidate Kombo still has when asked by id (the walk missed it) instead of sweeping it', async () => {
    const missed = employee(5);
    const h = sweepHarness(
      range(0, 12),
      range(0, 12).filter((record) => record.id !== missed.id),
      (ids) => ({
        records: ids.includes(missed.id) ? [missed] : [],
        next: null,
      }),
    );
    await h.run(fullJob());
    expect(h.live()).toContain(missed.id);
    expect(h.state.cursorOf(INTEGRATION, RESOURCE)?.lastWalk?.walk.sweep).toMatchObject({ recovered: 1, swept: 0 });
  });

  it('lets a small resource sweep: one vanished record of four is below the minimum for the brake', async () => {
    const h = sweepHarness(range(0, 4), range(0, 3));
    await h.run(fullJob());
    expect(h.live()).toHaveLength(3);
    expect(h.telemetry.counted('SweepBraked')).toBe(0);
  });

  it('brakes when the candidates are both over the share and over the minimum', async () => {
    const h = sweepHarness(range(0, 40), range(0, 28));
    await h.run(fullJob());
    expect(h.live()).toHaveLength(40);
    expect(h.telemetry.counted('SweepBraked')).toBe(1);
    expect(h.state.cursorOf(INTEGRATION, RESOURCE)?.lastWalk?.walk.sweep).toMatchObject({
      candidates: 12,
      braked: true,
    });
  });

  it('does not brake over the share when the candidates are no more than the minimum', async () => {
    const h = sweepHarness(range(0, 40), range(0, 30));
    await h.run(fullJob());
    expect(DEFAULT_ENGINE_SETTINGS.sweepBrakeMinRecords).toBe(10);
    expect(h.live()).toHaveLength(30);
  });

  for (const [answer, error] of [
    ['404 (older Kombo docs)', new KomboPermanentError('Kombo answered 404: not found', null, 404)],
    [
      '400 PLATFORM.INPUT_INVALID',
      new KomboPermanentError('Kombo answered 400 PLATFORM.INPUT_INVALID', 'PLATFORM.INPUT_INVALID', 400),
    ],
  ] as const) {
    it(`splits an ids request Kombo answers with ${answer} down to single ids, and sweeps the unknown ones`, async () => {
      const kept = range(0, 15);
      const h = sweepHarness(range(0, 20), kept.slice(0, 12), (ids) => {
        const known = kept.filter((record) => ids.includes(record.id));
        return known.length === ids.length ? { records: known, next: null } : error;
      });
      expect(await h.run(fullJob())).toMatchObject({ outcome: 'completed' });
      // 12, 13, 14 were missed by the walk and are still known: written back; 15–19 are gone.
      expect(h.live()).toEqual(kept.map((record) => record.id));
      expect(h.state.cursorOf(INTEGRATION, RESOURCE)?.lastWalk?.walk.sweep).toMatchObject({ recovered: 3, swept: 5 });
      const singles = h.kombo.requests.filter((request) => request.query.ids?.length === 1);
      expect(singles.length).toBeGreaterThanOrEqual(5);
    });
  }

  it('continues in a new invocation when Kombo fails mid-sweep, and finishes the sweep there', async () => {
    let failOnce = true;
    const upstream = range(0, 10);
    const h = sweepHarness(range(0, 12), upstream, (ids) => {
      if (failOnce) {
        failOnce = false;
        return new KomboUnavailableError('Kombo answered 503', 'PLATFORM.UNKNOWN_ERROR', 503);
      }
      return { records: upstream.filter((record) => ids.includes(record.id)), next: null };
    });
    expect(await h.run(fullJob())).toMatchObject({ outcome: 'continued' });
    expect(h.state.walks.get(`${INTEGRATION}#${RESOURCE}`)?.sweep).toMatchObject({ phase: 'sweep' });
    expect(await h.run(h.sent[0]!.job)).toMatchObject({ outcome: 'completed' });
    expect(h.live()).toHaveLength(10);
  });

  it('a resumed sweep that meets a 5xx after a step continues later: sweep steps count as progress', async () => {
    let idsRequests = 0;
    const upstream = range(0, 4);
    const h = sweepHarness(range(0, 12), upstream, (ids) =>
      ++idsRequests === 2
        ? new KomboUnavailableError('Kombo answered 503', 'PLATFORM.UNKNOWN_ERROR', 503)
        : { records: upstream.filter((record) => ids.includes(record.id)), next: null },
    );
    // Time runs short right after the walk's only page and a count step: the sweep goes on in the next invocation.
    let calls = 0;
    expect(
      await h.run(fullJob(), () => (calls++ < 3 ? 300_000 : DEFAULT_ENGINE_SETTINGS.timeMarginMs - 1)),
    ).toMatchObject({ outcome: 'continued' });
    expect(h.state.walks.get(`${INTEGRATION}#${RESOURCE}`)).toMatchObject({
      pages: 1,
      next: null,
      sweep: { phase: 'count' },
    });
    // Resumed: it counts, sweeps a step, then Kombo fails on the second step's recheck.
    expect(await h.run(h.sent[0]!.job)).toMatchObject({ outcome: 'continued' });
    expect(h.state.walks.get(`${INTEGRATION}#${RESOURCE}`)?.sweep).toMatchObject({
      phase: 'sweep',
      swept: expect.any(Number),
    });
    expect(await h.run(h.sent[1]!.job)).toMatchObject({ outcome: 'completed' });
    expect(h.live()).toHaveLength(4);
  });
});
