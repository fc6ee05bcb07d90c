// Test only (loaded with `node --import`): resolves `@aws-sdk/client-secrets-manager` to the
// fake beside this file, so the CLI's real secret path (createAwsSecretFetcher importing the
// SDK) runs without AWS. Nothing in src/ knows about it.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
