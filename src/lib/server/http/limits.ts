import { TokenBucket } from '../rate-limit.ts';
import type { Config } from '../config.ts';

let signIn: TokenBucket | null = null;
let verify: TokenBucket | null = null;
let portal: TokenBucket | null = null;

/** Sign-in posts per client address: a burst of TILTS_SIGNIN_PER_MINUTE, then evenly spread over the minute. */
export function signInBucket(config: Pick<Config, 'signInPerMinute'>): TokenBucket {
  signIn ??= new TokenBucket(config.signInPerMinute, 60_000 / config.signInPerMinute);
  return signIn;
}

/**
 * Portal sign-in and activation posts per client address: the same allowance
 * as the intranet's, but a bucket of its own, so that visitors of the public
 * portal never use up the intranet's.
 */
export function portalBucket(config: Pick<Config, 'signInPerMinute'>): TokenBucket {
  portal ??= new TokenBucket(config.signInPerMinute, 60_000 / config.signInPerMinute);
  return portal;
}

/** Certificate look-ups per client address: a burst of TILTS_VERIFY_PER_MINUTE, then evenly spread over the minute. */
export function verifyBucket(config: Pick<Config, 'verifyPerMinute'>): TokenBucket {
  verify ??= new TokenBucket(config.verifyPerMinute, 60_000 / config.verifyPerMinute);
  return verify;
}
