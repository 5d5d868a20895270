// The ledger's observable behaviour, as one suite run against every implementation: the DynamoDB
// `Ledger` on moto (ledger-contract.int.test.ts: the reference) and the `InMemoryLedger` of the fuzz and
// bench tests (in-memory-ledger-contract.test.ts). Only the public methods are used, with a pinned clock
// moved by hand, so whatever one implementation does that the other does not shows up as a failure here.
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ClaimResult, Completion } from '#shared/ledger/ledger.ts';
import type { PendingEvent } from '#shared/ledger/pending-events.ts';
import type { LedgerRecord } from '#shared/ledger/record.ts';
import type { DailyLimitLedgerPort, LedgerPort } from '#shared/processing/ports.ts';
import { BTC_ADDRESS, btcPayout, MERCHANT_ID } from '../coindirect/payout-fixtures.ts';

/** What the contract needs: the worker's port, and a consistent read to look at the outcome. */
export interface ContractLedger extends LedgerPort, DailyLimitLedgerPort {
  get(reference: string): Promise<LedgerRecord | undefined>;
}

export interface ContractSettings {
  readonly leaseMs: number;
  /** The ledger's clock: every test starts at `CONTRACT_NOW` and moves it by hand. */
  readonly clock: () => number;
}

/** Builds the ledger under test (called once per test, after any `beforeAll` of the caller). */
export type MakeLedger = (settings: ContractSettings) => ContractLedger;

export const CONTRACT_NOW = 1_800_000_000_000;
const NOW = CONTRACT_NOW;
const LEASE_MS = 60_000;
const DIGEST = 'a'.repeat(64);
const OTHER_DIGEST = 'b'.repeat(64);
const iso = (ms: number) => new Date(ms).toISOString();

const claimedFresh: ClaimResult = { kind: 'claimed', mustReconcile: false };
const reconcileFrom = (lastSendAttemptAt: number): ClaimResult => ({
  kind: 'claimed',
  mustReconcile: true,
  lastSendAttemptAt,
});

export function ledgerContract(name: string, makeLedger: MakeLedger): void {
  describe(`${name}: the ledger contract`, () => {
    let time = NOW;
    let ledger: ContractLedger;
    let reference = '';

    beforeEach(() => {
      time = NOW;
      ledger = makeLedger({ leaseMs: LEASE_MS, clock: () => time });
      // One reference per test: the implementations on moto share one table.
      reference = `ref-contract-${randomUUID()}`;
    });

    /** Moves the clock to `offsetMs` after the test's start. */
    const at = (offsetMs: number) => {
      time = NOW + offsetMs;
    };
    const claim = (owner: string, digest = DIGEST) =>
      ledger.claim({ payout: btcPayout({ reference }), digest, owner, messageId: `m-${owner}` });
    const mark = (owner: string, leaseValidForMs = 15_000) =>
      ledger.markSendAttempted({ reference, owner, leaseValidForMs });
    const complete = (owner: string, completion: Completion, events?: readonly PendingEvent[]) =>
      ledger.complete({ reference, owner, completion, ...(events === undefined ? {} : { events }) });
    const release = (owner: string, lastError = 'HTTP 503') =>
      ledger.release({ reference, owner, lastError });
    const recordInvalid = (messageId: string, events?: readonly PendingEvent[]) =>
      ledger.recordInvalid({
        reference,
        messageId,
        reasonCode: 'INVALID_MESSAGE',
        reason: `amount: bad in ${messageId}`,
        ...(events === undefined ? {} : { events }),
      });
    const record = async (): Promise<LedgerRecord> => {
      const found = await ledger.get(reference);
      if (found === undefined) throw new Error(`no ledger item for ${reference}`);
      return found;
    };
    const event = (transition: string): PendingEvent => ({
      eventId: `${reference}:${transition}`,
      detailType: 'PayoutRejected',
      detail: { eventId: `${reference}:${transition}`, reference },
    });
    const rejected: Completion = { state: 'REJECTED', reasonCode: 'MER-PAY-2027', reason: 'bad address' };
    const submitted: Completion = { state: 'SUBMITTED', uuid: 'cd-uuid-1', coindirectStatus: 'PROCESSING' };

    describe('claim', () => {
      it('claims a new reference for leaseMs and records the payout it is for', async () => {
        // Act
        const result = await claim('owner-a');

        // Assert
        expect(result).toEqual(claimedFresh);
        expect({ ...(await record()) }).toEqual({
          reference,
          state: 'CLAIMED',
          digest: DIGEST,
          leaseOwner: 'owner-a',
          leaseUntil: NOW + LEASE_MS,
          sendAttempted: false,
          attempts: 1,
          conflictCount: 0,
          messageId: 'm-owner-a',
          amount: '40.1',
          currency: 'EUR',
          merchantId: MERCHANT_ID,
          destinationCurrency: 'BTC',
          destinationAddress: BTC_ADDRESS,
          metadata: {},
          pendingEvents: [],
          createdAt: iso(NOW),
          updatedAt: iso(NOW),
        });
      });

      it('claims a REJECTED reference again, whatever content it had, and drops the old reason', async () => {
        // Arrange
        await claim('owner-a', OTHER_DIGEST);
        await complete('owner-a', rejected);
        at(1_000);

        // Act
        const result = await claim('owner-b', DIGEST);

        // Assert
        expect(result).toEqual(claimedFresh);
        const after = await record();
        expect(after).toMatchObject({
          state: 'CLAIMED',
          digest: DIGEST,
          leaseOwner: 'owner-b',
          leaseUntil: NOW + 1_000 + LEASE_MS,
          attempts: 2,
          createdAt: iso(NOW),
          updatedAt: iso(NOW + 1_000),
        });
        expect(after.reasonCode).toBeUndefined();
        expect(after.reason).toBeUndefined();
      });

      it('claims a reference recorded as an invalid message', async () => {
        // Arrange
        await recordInvalid('m-1');

        // Act
        const result = await claim('owner-a');

        // Assert
        expect(result).toEqual(claimedFresh);
        expect(await record()).toMatchObject({ state: 'CLAIMED', attempts: 1, leaseOwner: 'owner-a' });
      });

      it('takes over a CLAIMED reference with the same content once its lease has expired', async () => {
        // Arrange
        await claim('owner-a');
        at(LEASE_MS + 1);

        // Act
        const result = await claim('owner-b');

        // Assert
        expect(result).toEqual(claimedFresh);
        expect(await record()).toMatchObject({
          leaseOwner: 'owner-b',
          leaseUntil: NOW + LEASE_MS + 1 + LEASE_MS,
          attempts: 2,
          messageId: 'm-owner-b',
        });
      });

      it('takes over a released lease at once', async () => {
        // Arrange
        await claim('owner-a');
        await release('owner-a');

        // Act
        const result = await claim('owner-b');

        // Assert
        expect(result).toEqual(claimedFresh);
        expect(await record()).toMatchObject({ leaseOwner: 'owner-b', lastError: 'HTTP 503' });
      });

      it('answers busy with the lease time left, at least a second, up to the lease’s last millisecond', async () => {
        // Arrange
        await claim('owner-a');
        const answers: ClaimResult[] = [];

        // Act
        at(18_000);
        answers.push(await claim('owner-b'));
        at(LEASE_MS - 10);
        answers.push(await claim('owner-b'));
        at(LEASE_MS);
        answers.push(await claim('owner-b'));

        // Assert
        expect(answers).toEqual([
          { kind: 'busy', retryInMs: 42_000 },
          { kind: 'busy', retryInMs: 1_000 },
          { kind: 'busy', retryInMs: 1_000 },
        ]);
        expect(await record()).toMatchObject({ leaseOwner: 'owner-a', attempts: 1 });
      });

      it('answers conflict for a CLAIMED reference with other content, live or expired', async () => {
        // Arrange
        await claim('owner-a', OTHER_DIGEST);

        // Act
        const live = await claim('owner-b');
        at(LEASE_MS + 1);
        const expired = await claim('owner-b');

        // Assert
        expect(live).toMatchObject({ kind: 'conflict', record: { state: 'CLAIMED', digest: OTHER_DIGEST } });
        expect(expired).toMatchObject({
          kind: 'conflict',
          record: { state: 'CLAIMED', digest: OTHER_DIGEST },
        });
        expect(await record()).toMatchObject({ leaseOwner: 'owner-a', attempts: 1 });
      });

      it('answers alreadySubmitted for the same content SUBMITTED, and conflict for other content', async () => {
        // Arrange
        await claim('owner-a');
        await complete('owner-a', submitted);

        // Act
        const same = await claim('owner-b');
        const other = await claim('owner-c', OTHER_DIGEST);

        // Assert
        expect(same).toMatchObject({
          kind: 'alreadySubmitted',
          record: { state: 'SUBMITTED', uuid: 'cd-uuid-1' },
        });
        expect(other).toMatchObject({ kind: 'conflict', record: { state: 'SUBMITTED' } });
      });

      it('answers conflict for a reference in CONFLICT, even with the same content', async () => {
        // Arrange
        await claim('owner-a');
        await complete('owner-a', { state: 'CONFLICT', reasonCode: 'REFERENCE_CONFLICT', reason: 'amount' });

        // Act
        const result = await claim('owner-b');

        // Assert
        expect(result).toMatchObject({ kind: 'conflict', record: { state: 'CONFLICT', reason: 'amount' } });
      });

      const endings: ReadonlyArray<readonly [string, () => Promise<unknown>]> = [
        ['its lease expired', async () => at(LEASE_MS + 5_000)],
        ['its holder released it', () => release('owner-a')],
        ['it was completed REJECTED', () => complete('owner-a', rejected)],
      ];
      it.each(endings)(
        'asks to reconcile from lastSendAttemptAt when a send was marked and %s',
        async (_label, end) => {
          // Arrange
          await claim('owner-a');
          at(1_000);
          await mark('owner-a');
          await end();

          // Act
          const next = await claim('owner-b');
          await release('owner-b');
          const third = await claim('owner-c');

          // Assert: `sendAttempted` and its time survive every later claim.
          expect(next).toEqual(reconcileFrom(NOW + 1_000));
          expect(third).toEqual(reconcileFrom(NOW + 1_000));
          expect(await record()).toMatchObject({ sendAttempted: true, lastSendAttemptAt: NOW + 1_000 });
        },
      );

      it('recognises its own live claim when the holder claims again (a retry after a lost response)', async () => {
        // Arrange
        await claim('owner-a');
        at(5_000);

        // Act
        const again = await claim('owner-a');
        await mark('owner-a');
        const afterSend = await claim('owner-a');

        // Assert: the lease is neither renewed nor counted twice.
        expect(again).toEqual(claimedFresh);
        expect(afterSend).toEqual(reconcileFrom(NOW + 5_000));
        expect(await record()).toMatchObject({
          leaseOwner: 'owner-a',
          leaseUntil: NOW + LEASE_MS,
          attempts: 1,
        });
      });
    });

    describe('markSendAttempted', () => {
      it('marks a send, and when, while the lease stays valid for at least the given time', async () => {
        // Arrange
        await claim('owner-a');
        at(LEASE_MS - 15_000);

        // Act
        const marked = await mark('owner-a', 15_000);

        // Assert
        expect(marked).toBe(true);
        expect(await record()).toMatchObject({
          state: 'CLAIMED',
          sendAttempted: true,
          lastSendAttemptAt: NOW + LEASE_MS - 15_000,
          updatedAt: iso(NOW + LEASE_MS - 15_000),
        });
      });

      it('refuses, writing nothing, when the lease would end less than the given time from now', async () => {
        // Arrange
        await claim('owner-a');
        at(LEASE_MS - 15_000 + 1);

        // Act
        const marked = await mark('owner-a', 15_000);

        // Assert
        expect(marked).toBe(false);
        const after = await record();
        expect(after.sendAttempted).toBe(false);
        expect(after.lastSendAttemptAt).toBeUndefined();
      });

      it('refuses anyone who does not hold the lease', async () => {
        // Arrange
        await claim('owner-a');

        // Act
        const answers = { otherOwner: await mark('owner-b') };
        await release('owner-a');
        const released = await mark('owner-a');
        await claim('owner-b');
        await complete('owner-b', rejected);
        const completed = await mark('owner-b');
        const missing = await ledger.markSendAttempted({
          reference: `${reference}-missing`,
          owner: 'owner-a',
          leaseValidForMs: 1,
        });

        // Assert
        expect({ ...answers, released, completed, missing }).toEqual({
          otherOwner: false,
          released: false,
          completed: false,
          missing: false,
        });
        expect((await record()).sendAttempted).toBe(false);
      });
    });

    describe('complete', () => {
      it('records SUBMITTED with the uuid, Coindirect’s status and rank, opens it for the sweep and drops the lease', async () => {
        // Arrange
        await claim('owner-a');
        at(2_000);

        // Act
        const written = await complete('owner-a', submitted);

        // Assert
        expect(written).toBe(true);
        const after = await record();
        expect(after).toMatchObject({
          state: 'SUBMITTED',
          uuid: 'cd-uuid-1',
          coindirectStatus: 'PROCESSING',
          statusRank: 2,
          openSince: NOW + 2_000,
          completedBy: 'owner-a',
          updatedAt: iso(NOW + 2_000),
        });
        expect(after.leaseOwner).toBeUndefined();
        expect(after.leaseUntil).toBeUndefined();
      });

      it('keeps Coindirect’s uuid and status on a CONFLICT it holds, with the reason', async () => {
        // Arrange
        await claim('owner-a');

        // Act
        const written = await complete('owner-a', {
          state: 'CONFLICT',
          reasonCode: 'REFERENCE_CONFLICT',
          reason: 'amount differs',
          uuid: 'cd-uuid-9',
          coindirectStatus: 'PENDING',
        });

        // Assert
        expect(written).toBe(true);
        expect(await record()).toMatchObject({
          state: 'CONFLICT',
          uuid: 'cd-uuid-9',
          coindirectStatus: 'PENDING',
          statusRank: 1,
          openSince: NOW,
          reasonCode: 'REFERENCE_CONFLICT',
          reason: 'amount differs',
        });
      });

      it('records REJECTED with its reason and nothing for the sweep', async () => {
        // Arrange
        await claim('owner-a');

        // Act
        const written = await complete('owner-a', rejected);

        // Assert
        expect(written).toBe(true);
        const after = await record();
        expect(after).toMatchObject({ state: 'REJECTED', reasonCode: 'MER-PAY-2027', reason: 'bad address' });
        expect(after.uuid).toBeUndefined();
        expect(after.openSince).toBeUndefined();
        expect(after.leaseOwner).toBeUndefined();
      });

      it('records the events it is given as pending markers, opening a REJECTED item for the sweep', async () => {
        // Arrange
        await claim('owner-a');
        at(3_000);

        // Act
        const written = await complete('owner-a', rejected, [event('rejected')]);

        // Assert
        expect(written).toBe(true);
        expect(await record()).toMatchObject({
          state: 'REJECTED',
          pendingEvents: [event('rejected')],
          eventsVersion: 1,
          openSince: NOW + 3_000,
        });
      });

      it('is refused to anyone but the lease holder, also after a takeover', async () => {
        // Arrange
        await claim('owner-a');

        // Act
        const byOther = await complete('owner-b', submitted);
        at(LEASE_MS + 1);
        await claim('owner-b');
        const byFormerHolder = await complete('owner-a', submitted);

        // Assert
        expect([byOther, byFormerHolder]).toEqual([false, false]);
        expect(await record()).toMatchObject({ state: 'CLAIMED', leaseOwner: 'owner-b' });
      });

      it('counts a repeated final write by the same holder as done, and nothing else (a lost response)', async () => {
        // Arrange
        await claim('owner-a');
        await complete('owner-a', rejected);

        // Act
        const answers = {
          same: await complete('owner-a', rejected),
          otherState: await complete('owner-a', submitted),
          otherOwner: await complete('owner-b', rejected),
        };

        // Assert
        expect(answers).toEqual({ same: true, otherState: false, otherOwner: false });
        expect(await record()).toMatchObject({ state: 'REJECTED', completedBy: 'owner-a' });
      });
    });

    describe('release', () => {
      it('gives the lease back and keeps the error', async () => {
        // Arrange
        await claim('owner-a');
        at(4_000);

        // Act
        const released = await release('owner-a', 'HTTP 502');

        // Assert
        expect(released).toBe(true);
        const after = await record();
        expect(after).toMatchObject({ state: 'CLAIMED', lastError: 'HTTP 502', updatedAt: iso(NOW + 4_000) });
        expect(after.leaseOwner).toBeUndefined();
        expect(after.leaseUntil).toBeUndefined();
      });

      it('is refused to anyone but the lease holder, and once released', async () => {
        // Arrange
        await claim('owner-a');

        // Act
        const byOther = await release('owner-b');
        const byHolder = await release('owner-a');
        const again = await release('owner-a');

        // Assert
        expect([byOther, byHolder, again]).toEqual([false, true, false]);
      });

      it('takes the claim back out of attempts with undoAttempt (an attempt that made no request)', async () => {
        // Arrange
        await claim('owner-a');
        await release('owner-a');
        at(1_000);
        await claim('owner-b');

        // Act
        const released = await ledger.release({
          reference,
          owner: 'owner-b',
          lastError: 'no request slot before the deadline',
          undoAttempt: true,
        });

        // Assert
        expect(released).toBe(true);
        const after = await record();
        expect(after).toMatchObject({ attempts: 1, lastError: 'no request slot before the deadline' });
        expect(after.leaseOwner).toBeUndefined();
        expect(after.sendAttempted).toBeFalsy();
      });

      it('takes the claim’s attempt back with undoAttempt, leaving earlier attempts and sendAttempted as they were', async () => {
        // Arrange: one attempt that marked a send and gave up, then a claim given back as paused.
        await claim('owner-a');
        await mark('owner-a');
        await release('owner-a');
        await claim('owner-b');

        // Act
        const released = await ledger.release({
          reference,
          owner: 'owner-b',
          lastError: 'not sent: payouts are paused',
          undoAttempt: true,
        });

        // Assert
        expect(released).toBe(true);
        expect(await record()).toMatchObject({
          state: 'CLAIMED',
          attempts: 1,
          sendAttempted: true,
          lastError: 'not sent: payouts are paused',
        });
      });

      it('undoes nothing for anyone but the lease holder', async () => {
        // Arrange
        await claim('owner-a');

        // Act
        const byOther = await ledger.release({
          reference,
          owner: 'owner-b',
          lastError: 'x',
          undoAttempt: true,
        });

        // Assert
        expect(byOther).toBe(false);
        expect(await record()).toMatchObject({ attempts: 1, leaseOwner: 'owner-a' });
      });
    });

    describe('daily limits', () => {
      // One currency per test: the implementations on moto share one table, and so its counters.
      let currency = '';
      const DAY = '2027-01-15';
      beforeEach(() => {
        currency = `T${randomUUID().replaceAll('-', '').slice(0, 8).toUpperCase()}`;
      });
      const reserve = (owner: string, amount: string, limit = '100', day = DAY) =>
        ledger.reserveDailyAmount({ reference, owner, currency, amount, limit, day });
      const total = async (day = DAY) => (await ledger.dailyTotal(currency, day)).total;

      it('reads a day nothing was reserved on as 0', async () => {
        // Act + Assert
        expect(await ledger.dailyTotal(currency, DAY)).toEqual({ currency, day: DAY, total: '0' });
      });

      it('reserves the amount exactly and records the reservation on the payout', async () => {
        // Arrange
        await claim('owner-a');

        // Act
        const result = await reserve('owner-a', '0.1');

        // Assert
        const reservation = { currency, day: DAY, amount: '0.1' };
        expect(result).toEqual({ kind: 'reserved', reservation, total: '0.1' });
        expect(await total()).toBe('0.1');
        expect((await record()).limitReservation).toEqual(reservation);
        expect(await total('2027-01-16')).toBe('0');
      });

      it('adds reservations of different payouts exactly, up to the limit itself', async () => {
        // Arrange
        const first = reference;
        await claim('owner-a');
        await reserve('owner-a', '33.33');
        reference = `${first}-2`;
        await claim('owner-b');

        // Act
        const fits = await reserve('owner-b', '66.67');

        // Assert
        expect(fits).toMatchObject({ kind: 'reserved', total: '100' });
        expect(await total()).toBe('100');
      });

      it('refuses an amount that does not fit, counting nothing and recording nothing', async () => {
        // Arrange
        const first = reference;
        await claim('owner-a');
        await reserve('owner-a', '99.99');
        reference = `${first}-2`;
        await claim('owner-b');

        // Act
        const result = await reserve('owner-b', '0.02');

        // Assert
        expect(result).toEqual({ kind: 'overLimit', total: '99.99' });
        expect(await total()).toBe('99.99');
        expect((await record()).limitReservation).toBeUndefined();
      });

      it('never counts a payout twice: a later delivery finds its reservation, even on another day', async () => {
        // Arrange
        await claim('owner-a');
        await reserve('owner-a', '40');
        await release('owner-a');
        await claim('owner-b');

        // Act
        const again = await reserve('owner-b', '40', '100', '2027-01-16');

        // Assert
        expect(again).toEqual({ kind: 'alreadyReserved', reservation: { currency, day: DAY, amount: '40' } });
        expect([await total(), await total('2027-01-16')]).toEqual(['40', '0']);
      });

      it('counts nothing for anyone but the lease holder', async () => {
        // Arrange
        await claim('owner-a');

        // Act
        const result = await reserve('owner-b', '10');

        // Assert
        expect(result).toEqual({ kind: 'leaseLost' });
        expect(await total()).toBe('0');
        expect((await record()).limitReservation).toBeUndefined();
      });

      it('gives a reservation back exactly once, to the lease holder only', async () => {
        // Arrange
        const first = reference;
        await claim('owner-a');
        await reserve('owner-a', '12.5');
        reference = `${first}-2`;
        await claim('owner-b');
        await reserve('owner-b', '40.1');

        // Act
        const byOther = await ledger.releaseDailyAmount({ reference, owner: 'owner-a' });
        const byHolder = await ledger.releaseDailyAmount({ reference, owner: 'owner-b' });
        const again = await ledger.releaseDailyAmount({ reference, owner: 'owner-b' });

        // Assert
        expect(byOther).toBeUndefined();
        expect(byHolder).toEqual({ currency, day: DAY, amount: '40.1' });
        expect(again).toBeUndefined();
        expect(await total()).toBe('12.5');
        expect((await record()).limitReservation).toBeUndefined();
      });

      it('releases nothing for a payout that never reserved', async () => {
        // Arrange
        await claim('owner-a');

        // Act + Assert
        expect(await ledger.releaseDailyAmount({ reference, owner: 'owner-a' })).toBeUndefined();
      });
    });

    describe('recordInvalid', () => {
      it('records a REJECTED item for a new reference', async () => {
        // Act
        const written = await recordInvalid('m-1');

        // Assert
        expect(written).toBe(true);
        expect({ ...(await record()) }).toEqual({
          reference,
          state: 'REJECTED',
          reasonCode: 'INVALID_MESSAGE',
          reason: 'amount: bad in m-1',
          messageId: 'm-1',
          sendAttempted: false,
          attempts: 0,
          conflictCount: 0,
          metadata: {},
          pendingEvents: [],
          createdAt: iso(NOW),
          updatedAt: iso(NOW),
        });
      });

      it('replaces a REJECTED item no POST may have left for', async () => {
        // Arrange
        await claim('owner-a');
        await complete('owner-a', rejected);
        at(1_000);

        // Act
        const written = await recordInvalid('m-2');

        // Assert
        expect(written).toBe(true);
        const after = await record();
        expect(after).toMatchObject({
          state: 'REJECTED',
          messageId: 'm-2',
          reason: 'amount: bad in m-2',
          attempts: 0,
        });
        expect(after.digest).toBeUndefined();
      });

      const sentStates: ReadonlyArray<readonly [string, () => Promise<unknown>]> = [
        ['CLAIMED', async () => undefined],
        ['CLAIMED and released', () => release('owner-a')],
        ['REJECTED', () => complete('owner-a', rejected)],
        ['SUBMITTED', () => complete('owner-a', submitted)],
      ];
      describe.each([
        ['without events', undefined],
        ['with events', [{ eventId: 'x:rejected', detailType: 'PayoutRejected', detail: {} }]],
      ])('%s', (_label, events) => {
        it.each(sentStates)('never replaces an item that may have been sent: %s', async (_state, end) => {
          // Arrange
          await claim('owner-a');
          await mark('owner-a');
          await end();
          const before = await record();
          at(1_000);

          // Act
          const written = await recordInvalid('m-2', events);

          // Assert
          expect(written).toBe(false);
          expect(await record()).toEqual(before);
        });

        it.each([
          ['CLAIMED', async () => undefined],
          ['SUBMITTED', () => complete('owner-a', submitted)],
          ['CONFLICT', () => complete('owner-a', { state: 'CONFLICT', reasonCode: 'X', reason: 'y' })],
        ])('never replaces an item in another state: %s', async (_state, end) => {
          // Arrange
          await claim('owner-a');
          await end();
          const before = await record();

          // Act
          const written = await recordInvalid('m-2', events);

          // Assert
          expect(written).toBe(false);
          expect(await record()).toEqual(before);
        });
      });

      it('carries over the markers still pending on the REJECTED item it replaces', async () => {
        // Arrange
        await recordInvalid('m-1', [event('rejected:m-1')]);
        at(7_000);

        // Act
        const written = await recordInvalid('m-2', [event('rejected:m-2')]);

        // Assert
        expect(written).toBe(true);
        expect(await record()).toMatchObject({
          messageId: 'm-2',
          pendingEvents: [event('rejected:m-1'), event('rejected:m-2')],
          eventsVersion: 2,
          openSince: NOW,
        });
      });
    });

    describe('noteConflict', () => {
      it('counts each conflicting message on an existing item and keeps the last reason', async () => {
        // Arrange
        await claim('owner-a');
        await complete('owner-a', submitted);

        // Act
        await ledger.noteConflict(reference, 'amount differs');
        await ledger.noteConflict(reference, 'address differs');

        // Assert
        expect(await record()).toMatchObject({
          state: 'SUBMITTED',
          conflictCount: 2,
          lastConflictReason: 'address differs',
        });
      });

      it('creates nothing for a reference without an item', async () => {
        // Act
        await ledger.noteConflict(reference, 'amount differs');

        // Assert
        expect(await ledger.get(reference)).toBeUndefined();
      });
    });
  });
}
