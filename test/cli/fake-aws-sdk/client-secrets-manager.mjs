// A stand-in for the part of @aws-sdk/client-secrets-manager that src/core/config uses. Secrets
// come from ORG_DATA_TEST_FAKE_SECRETS (JSON: ARN → secret text); an unknown ARN fails like AWS.
export class GetSecretValueCommand {
  constructor(input) {
    this.input = input;
  }
}

export class SecretsManagerClient {
  constructor(config) {
    this.region = config.region;
  }

  async send(command) {
    const secrets = JSON.parse(process.env.ORG_DATA_TEST_FAKE_SECRETS ?? '{}');
    const arn = command.input.SecretId;
    if (!arn.includes(`:secretsmanager:${this.region}:`)) throw new Error('wrong region');
    const secret = secrets[arn];
    if (secret === undefined) {
      throw Object.assign(new Error(`Secrets Manager can't find the specified secret ${arn}`), {
        name: 'ResourceNotFoundException',
      });
    }
    return { SecretString: secret };
  }
}
