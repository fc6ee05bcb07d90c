/** Row values that test/secrets.test.ts writes and that must never appear in errors or logs. */
export const CANARIES = Object.freeze([
  'canary-email-7f3a9c@leak.example.com',
  'CANARY-SUBJECT-5b2e11',
  'CANARY-EMPLOYEE-77',
] as const);
