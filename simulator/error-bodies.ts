// The bodies of the simulator's error answers. Codes and messages follow docs/coindirect.md ("Error codes and how each is classified");
// where no source gives a Coindirect-style code, the BVNK one is used in both styles.
import { json, type SimResponse } from './http-io.ts';
import type { ErrorStyle } from './types.ts';

export type Problem =
  | 'duplicateReference'
  | 'invalidAddress'
  | 'protocolRequired'
  | 'unknownCurrency'
  | 'unknownMerchant'
  | 'merchantIdMissing'
  | 'paymentNotFound'
  | 'insufficientFunds';

interface ErrorItem {
  readonly parameter: string;
  readonly code: string;
  readonly message: string;
}

type Styled = Readonly<Record<ErrorStyle, ErrorItem>>;

function both(item: ErrorItem): Styled {
  return { coindirect: item, bvnk: item };
}

const PROBLEMS: Readonly<Record<Problem, Styled>> = {
  duplicateReference: {
    coindirect: { parameter: 'reference', code: 'unique', message: 'Duplicate Reference' },
    bvnk: { parameter: 'reference', code: 'MER-PAY-2010', message: 'Reference already exists' },
  },
  invalidAddress: {
    coindirect: {
      parameter: 'payOutInstruction',
      code: 'invalidPayout',
      message: 'Invalid Instruction for Payout',
    },
    bvnk: {
      parameter: 'payOutInstruction',
      code: 'MER-PAY-2027',
      message: 'Address failed validation for the currency, protocol or tag',
    },
  },
  unknownCurrency: {
    coindirect: {
      parameter: 'payOutInstruction',
      code: 'invalidPayout',
      message: 'Invalid Instruction for Payout',
    },
    bvnk: { parameter: 'payOutDetails.currency', code: 'MER-PAY-2019', message: 'Currency not found' },
  },
  // No source shows a Coindirect-style code for an unknown merchant; `notFound` is this simulator's guess.
  unknownMerchant: {
    coindirect: { parameter: 'merchantId', code: 'notFound', message: 'Merchant not found' },
    bvnk: { parameter: 'merchantId', code: 'MER-PAY-2006', message: 'Merchant not found' },
  },
  protocolRequired: both({
    parameter: 'payOutDetails.protocol',
    code: 'MER-PAY-2033',
    message: 'Currency has several protocols, one must be specified',
  }),
  merchantIdMissing: both({
    parameter: 'merchantId',
    code: 'MER-PAY-2043',
    message: 'merchantId or walletId missing',
  }),
  paymentNotFound: both({ parameter: 'uuid', code: 'MER-PAY-2008', message: 'payment not found' }),
  insufficientFunds: both({ parameter: 'amount', code: 'MER-PAY-2012', message: 'Insufficient funds' }),
};

export function problem(style: ErrorStyle, which: Problem): SimResponse {
  return json(400, { errorList: [PROBLEMS[which][style]] });
}

/** A duplicate reference refused with a code Coindirect does not document (the `duplicateReferenceCode` mode). */
export function customDuplicateReference(code: string): SimResponse {
  return json(400, { errorList: [{ parameter: 'reference', code, message: 'Duplicate reference' }] });
}

/** A request field that breaks the documented rules: MER-PAY-2000 in both styles. */
export function invalidParameter(parameter: string, message: string): SimResponse {
  return json(400, { errorList: [{ parameter, code: 'MER-PAY-2000', message }] });
}

export function unauthorized(message: string): SimResponse {
  return json(401, { code: 'UNAUTHORIZED', message });
}

/** Over the rate limit: the same answer as a reused nonce, plus when to come back. */
export function rateLimited(retryAfterSec: number): SimResponse {
  return json(
    429,
    { code: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded' },
    { 'retry-after': String(retryAfterSec) },
  );
}

/** hawk's header rides along: for a stale timestamp it carries the server's time (ts) and its MAC (tsm). */
export function unauthorizedWith(message: string, wwwAuthenticate: string | undefined): SimResponse {
  const response = unauthorized(message);
  return wwwAuthenticate === undefined
    ? response
    : { ...response, headers: { ...response.headers, 'www-authenticate': wwwAuthenticate } };
}

export function nonceReused(): SimResponse {
  return json(429, { code: 'TOO_MANY_REQUESTS', message: 'Nonce already used' });
}

export function forbidden(): SimResponse {
  return json(403, {
    code: 'MER-PAY-1000',
    status: 'Forbidden',
    message: 'Not authorised to perform this action',
    documentLink: '',
  });
}

export function serverError(status: number): SimResponse {
  return json(status, { code: 'INTERNAL', message: 'Internal server error (simulated)' });
}

export function notFoundRoute(path: string): SimResponse {
  return json(404, { code: 'NOT_FOUND', message: `No route for ${path}` });
}
