export async function purgeExpiredAuthState(_env: Env) {
  return {}
}
