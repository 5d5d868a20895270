/**
 * The webhook secret could not be read or has no usable value. The message names the secret id and the
 * problem, never the value.
 */
export class WebhookSecretError extends Error {
  override readonly name = 'WebhookSecretError';
  readonly secretId: string;

  constructor(message: string, secretId: string, options?: ErrorOptions) {
    super(message, options);
    this.secretId = secretId;
  }
}
