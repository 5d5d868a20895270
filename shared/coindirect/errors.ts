/**
 * A request that got no HTTP response. `phase` is what matters for money: `connect` means the request
 * never left this process, `sent` means Coindirect may have received (and acted on) it.
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly phase: 'connect' | 'sent';
  readonly code: string;

  constructor(message: string, phase: 'connect' | 'sent', code: string, options?: ErrorOptions) {
    super(message, options);
    this.phase = phase;
    this.code = code;
  }
}
