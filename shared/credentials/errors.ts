/**
 * The HAWK secret could not be read or is not of the expected shape. The message names the secret id and
 * the problem, never the value.
 */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  readonly secretId: string;

  constructor(message: string, secretId: string, options?: ErrorOptions) {
    super(message, options);
    this.secretId = secretId;
  }
}
