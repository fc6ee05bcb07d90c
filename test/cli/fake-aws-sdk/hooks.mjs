// Module resolution hook of register.mjs.
const FAKE = new URL('./client-secrets-manager.mjs', import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === '@aws-sdk/client-secrets-manager') return { url: FAKE, shortCircuit: true };
  return next(specifier, context);
}
