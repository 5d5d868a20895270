// Webhook signature vectors: Coindirect's own (from its samples-java-webhook-validator repository; see
// docs/coindirect.md, "Webhooks") and vectors derived with the same algorithm.
import { readFileSync } from 'node:fs';

/** Coindirect's WHV sample: a pay-in statusChanged webhook, 1,365 bytes, one line, no trailing newline. */
export const WHV = {
  registeredUrl: 'https://webhook.site/866ccda9-636d-40fb-acd2-37b40601a3eb',
  contentType: 'application/json',
  secret: 'ODFjZWIyODctYjE3NC00NDc0LTk2M2QtYTlmOWZhODRhZTQ2NjFhYmUxYzMtYWNlZC00ZTJlLWI2ODctYmRmNTY3NDdlZWY3',
  body: readFileSync(new URL('../../fixtures/webhooks/whv-sample-webhook.body', import.meta.url)),
  bodySha256: '5099356e5916c47998bb5803d85911c68843fbb5b5e98df79aefc87520bbaf00',
  signature: '4e783cfe17791e349be75a6374da168806f480cb2f60ae6b602cc531cf1ff672',
} as const;

/** Derived vectors: one payout body, signed for two registered URLs. */
export const DERIVED = {
  secret: 'my-test-merchant-secret',
  contentType: 'application/json',
  body: '{"source":"payment","event":"statusChanged","data":{"uuid":"11111111-2222-3333-4444-555555555555","type":"OUT","status":"COMPLETE"}}',
  urls: [
    {
      registeredUrl: 'https://example.com/hooks/coindirect',
      signature: '567045e99cb5d538ccd840589ecdcdf301dcc49dc743e6dc3e3c6f268e869fcc',
    },
    {
      registeredUrl: 'https://example.com/hooks/coindirect?env=prod',
      signature: '2ded0c2305dc3062ef3923bc4b79f25db38e9fc3f02ac5cf486e2bcdab98b660',
    },
  ],
} as const;
