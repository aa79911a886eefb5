import { createHash, randomBytes } from 'node:crypto';
import { BadRequestError, UnauthorizedError } from '../errors.js';
import type { Stores, TokenKind, UserRecord } from '../ports.js';
import { assertSafeName, isSafeName } from '../names.js';
import { LoginThrottle } from './login-throttle.js';
import { hashPassword, verifyPassword } from './passwords.js';

const TOKEN_PREFIX: Record<TokenKind, string> = { access: 'cnp_a_', api: 'cnp_k_' };
/** Most characters in an API token's label. */
export const TOKEN_LABEL_MAX_CHARS = 200;

/** Tokens are looked up by their SHA-256; the token itself is shown once and never stored. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** An e-mail address: one @, no spaces, and nothing the name rule refuses (names.ts). */
export function isValidEmail(email: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(email) && email.length <= 254 && isSafeName(email);
}

/** A token just issued: its only appearance in plain text. */
export interface IssuedToken {
  token: string;
  label: string | null;
  createdAt: string;
}

export interface AuthServiceOptions {
  accessTokenTtlSeconds: number;
}

/** Sign-in, token issue and token checks. */
export class AuthService {
  // Per account: 5 wrong passwords lock it for a while. Per client address the bar is
  // higher, since many people can share one office or proxy address.
  private readonly accountThrottle = new LoginThrottle(5);
  private readonly addressThrottle = new LoginThrottle(30);
  // A hash to verify against when the e-mail is unknown, so both cases take as long.
  private readonly dummyHash = hashPassword(randomBytes(16).toString('hex'));

  constructor(private readonly stores: Stores, private readonly options: AuthServiceOptions) {}

  /** Creates a user or resets their password. */
  async upsertUser(email: string, password: string, isAdmin: boolean): Promise<UserRecord> {
    if (!isValidEmail(email)) throw new BadRequestError(`"${email}" is not an e-mail address.`, 'INVALID_EMAIL');
    if (password.length < 8) throw new BadRequestError('A password needs at least 8 characters.', 'WEAK_PASSWORD');
    return this.stores.users.upsert({ email, passwordHash: await hashPassword(password), isAdmin });
  }

  /** POST /refresh_token: e-mail and password for a short-lived bearer token. */
  async signIn(email: string, password: string, clientAddress: string): Promise<{ accessToken: string; expiresIn: number }> {
    const account = [email.toLowerCase()];
    const address = [clientAddress];
    this.accountThrottle.assertAllowed(account);
    this.addressThrottle.assertAllowed(address);
    const user = await this.stores.users.findByEmail(email);
    const ok = user ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, await this.dummyHash), false);
    if (!user || !ok) {
      this.accountThrottle.recordFailure(account);
      this.addressThrottle.recordFailure(address);
      throw new UnauthorizedError('Wrong e-mail or password.');
    }
    this.accountThrottle.recordSuccess(account);
    const ttl = this.options.accessTokenTtlSeconds;
    const { token: accessToken } = await this.issueToken(user.id, 'access', null, ttl);
    await this.stores.tokens.deleteExpired(new Date().toISOString());
    return { accessToken, expiresIn: ttl };
  }

  /** A long-lived token for scripts (`canopy token create`, POST /api_tokens from the dashboard). */
  async createApiToken(email: string, label: string | null): Promise<IssuedToken> {
    const user = await this.stores.users.findByEmail(email);
    if (!user) throw new BadRequestError(`No user with e-mail ${email}; add one with "canopy users add".`, 'UNKNOWN_USER');
    if (label !== null) assertSafeName('label', label, { maxChars: TOKEN_LABEL_MAX_CHARS });
    return this.issueToken(user.id, 'api', label, null);
  }

  private async issueToken(userId: string, kind: TokenKind, label: string | null, ttlSeconds: number | null): Promise<IssuedToken> {
    const token = TOKEN_PREFIX[kind] + randomBytes(32).toString('base64url');
    const now = new Date();
    const createdAt = now.toISOString();
    await this.stores.tokens.insert({
      hash: tokenHash(token), userId, kind, label, createdAt,
      expiresAt: ttlSeconds === null ? null : new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
    });
    return { token, label, createdAt };
  }

  /** Resolves a bearer token to its user, or throws 401. */
  async authenticate(token: string | undefined): Promise<UserRecord> {
    if (!token) throw new UnauthorizedError();
    const record = await this.stores.tokens.findByHash(tokenHash(token));
    if (!record || (record.expiresAt !== null && record.expiresAt <= new Date().toISOString())) throw new UnauthorizedError();
    const user = await this.stores.users.findById(record.userId);
    if (!user) throw new UnauthorizedError();
    return user;
  }
}
