// The in-memory ledger of the fuzz and bench tests, held to the contract the DynamoDB ledger keeps on
// moto (ledger-contract.int.test.ts).
import { InMemoryLedger } from '#shared/ledger/in-memory-ledger.ts';
import { ledgerContract } from './ledger-contract.ts';

ledgerContract('InMemoryLedger', ({ leaseMs, clock }) => new InMemoryLedger(leaseMs, clock));
