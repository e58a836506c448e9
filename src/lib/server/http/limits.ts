import { TokenBucket } from '../rate-limit.ts';
import type { Config } from '../config.ts';

let signIn: TokenBucket | null = null;
let verify: TokenBucket | null = null;

/** Sign-in posts per client address: a burst of TILTS_SIGNIN_PER_MINUTE, then evenly spread over the minute. */
export function signInBucket(config: Pick<Config, 'signInPerMinute'>): TokenBucket {
  signIn ??= new TokenBucket(config.signInPerMinute, 60_000 / config.signInPerMinute);
  return signIn;
}

/** Certificate look-ups per client address: a burst of TILTS_VERIFY_PER_MINUTE, then evenly spread over the minute. */
export function verifyBucket(config: Pick<Config, 'verifyPerMinute'>): TokenBucket {
  verify ??= new TokenBucket(config.verifyPerMinute, 60_000 / config.verifyPerMinute);
  return verify;
}
