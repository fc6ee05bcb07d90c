/**
 * Row values that test/secrets.test.ts writes, and a plaintext that the encryption canary test
 * (test/contexts/integrations/encryption-keys/encryption-canaries.test.ts) encrypts, and a
 * sensitive form value (test/contexts/forms/submissions/submissions.test.ts), that must
 * never appear in errors or logs (the global teardown scans every log line for them).
 */
export const CANARIES = Object.freeze([
  'canary-email-7f3a9c@leak.example.com',
  'CANARY-SUBJECT-5b2e11',
  'CANARY-EMPLOYEE-77',
  'CANARY-PLAINTEXT-9d4c1e-whsec',
  'CANARY-SENSITIVE-FIELD-3e8a41',
] as const);
