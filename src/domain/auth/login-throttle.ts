import { createHash } from 'node:crypto';
import { ThrottledError } from '../errors.js';
import type { AttemptLimit, LoginAttemptStore } from '../ports.js';
import { throttleAddress } from './client-address.js';

/** How many sign-in attempts each counter allows per window (config.ts reads them). */
export interface LoginLimits {
  /** Attempts at one account from one client address. */
  perAccountAddress: number;
  /** Attempts at one account from all addresses together; must exceed perAccountAddress. */
  perAccount: number;
  /** Attempts from one client address at all accounts together. */
  perAddress: number;
  /** A counter's window: a full counter refuses attempts until its window, begun by its first attempt, ends. */
  windowMs: number;
}

/** One sign-in attempt's place in the counters, held from before the password check until its outcome. */
export interface ReservedAttempt {
  pair: string;
  account: string;
  address: string;
}

/** Counter keys are hashes: the table of attempts holds no e-mail address or client address. */
function counterKey(kind: string, value: string): string {
  return createHash('sha256').update(`${kind}\0${value}`).digest('hex');
}

/**
 * Slows password guessing with three counters per attempt: the account from this address,
 * the account from everywhere, and this address at every account. An attempt takes its
 * place in all three before the password is checked, atomically in the store, so a burst of
 * concurrent guesses gets no more checks than the limits allow: the rest are refused (429)
 * without a check.
 *
 * Why these three: a burst from one address fills only its own (account, address) counter,
 * which locks that address out of that account and no one else; the account-wide counter
 * allows more than one address can spend, so only guesses from several addresses can
 * lock the account itself, and then for one window at most (minutes, never hours). The
 * address counter caps one address spraying many accounts. A right password clears its
 * account's counters and takes back its own place in the address counter (not the
 * address's earlier failures, which a guesser with an account of their own could
 * otherwise wipe by signing in between guesses).
 */
export class LoginThrottle {
  constructor(private readonly store: LoginAttemptStore, private readonly limits: LoginLimits) {
    if (limits.perAccount <= limits.perAccountAddress) {
      throw new RangeError('The per-account sign-in limit must exceed the per-account-and-address limit, or one address could lock an account.');
    }
  }

  /** Takes the attempt's place in every counter, or throws ThrottledError (with the seconds to wait) when one is full. */
  async reserve(email: string, clientAddress: string, now = Date.now()): Promise<ReservedAttempt> {
    const account = email.trim().toLowerCase();
    const address = throttleAddress(clientAddress);
    const attempt: ReservedAttempt = {
      pair: counterKey('account+address', `${account}\0${address}`),
      account: counterKey('account', account),
      address: counterKey('address', address),
    };
    const { perAccountAddress, perAccount, perAddress, windowMs } = this.limits;
    const limits: AttemptLimit[] = [
      { key: attempt.pair, limit: perAccountAddress, windowMs },
      { key: attempt.account, limit: perAccount, windowMs },
      { key: attempt.address, limit: perAddress, windowMs },
    ];
    const outcome = await this.store.reserve(limits, now);
    if (!outcome.reserved) {
      const seconds = Math.max(1, Math.ceil(outcome.retryAfterMs / 1000));
      throw new ThrottledError(`Too many sign-in attempts; try again in ${seconds} seconds.`, seconds);
    }
    return attempt;
  }

  /** The password was right: the account's counters start again; the address gives this attempt back. */
  async succeeded(attempt: ReservedAttempt): Promise<void> {
    await this.store.clear([attempt.pair, attempt.account]);
    await this.store.release([attempt.address]);
  }

  /** The attempt never reached a verdict on the password (a server error): it is given back everywhere. */
  async abandoned(attempt: ReservedAttempt): Promise<void> {
    await this.store.release([attempt.pair, attempt.account, attempt.address]);
  }
}
