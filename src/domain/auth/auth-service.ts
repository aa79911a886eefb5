import { createHash, randomBytes } from 'node:crypto';
import { BadRequestError, NotFoundError, UnauthorizedError } from '../errors.js';
import { newTokenId } from '../ids.js';
import { assertSafeName, isSafeName } from '../names.js';
import type { Stores, TokenKind, TokenRecord, UserRecord } from '../ports.js';
import { LoginThrottle, type LoginLimits } from './login-throttle.js';
import { hashPassword, verifyPassword } from './passwords.js';

const TOKEN_PREFIX: Record<TokenKind, string> = { access: 'cnp_a_', api: 'cnp_k_' };
/** Most characters in an API token's label. */
export const TOKEN_LABEL_MAX_CHARS = 200;

/** A token's last use is written at most this often: a write per request would cost more than the list is worth. */
const LAST_USED_RESOLUTION_MS = 60_000;

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
  id: string;
  token: string;
  label: string | null;
  createdAt: string;
}

/** What a list shows of an API token: never the token or its hash. */
export interface ApiTokenView {
  id: string;
  label: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

export function apiTokenView(token: TokenRecord): ApiTokenView {
  return { id: token.id, label: token.label, createdAt: token.createdAt, lastUsedAt: token.lastUsedAt };
}

export interface AuthServiceOptions {
  accessTokenTtlSeconds: number;
  loginLimits: LoginLimits;
}

/** Sign-in, token issue, token checks and the signed-in user's own API tokens. */
export class AuthService {
  private readonly throttle: LoginThrottle;
  // A hash to verify against when the e-mail is unknown, so both cases take as long.
  private readonly dummyHash = hashPassword(randomBytes(16).toString('hex'));

  constructor(private readonly stores: Stores, private readonly options: AuthServiceOptions) {
    this.throttle = new LoginThrottle(stores.loginAttempts, options.loginLimits);
  }

  /**
   * Creates a user or resets their password. A new password signs the user out everywhere
   * (their access tokens are revoked); their API tokens stay, as scripts' credentials that
   * are listed and revoked one by one.
   */
  async upsertUser(email: string, password: string, isAdmin: boolean): Promise<UserRecord> {
    if (!isValidEmail(email)) throw new BadRequestError(`"${email}" is not an e-mail address.`, 'INVALID_EMAIL');
    if (password.length < 8) throw new BadRequestError('A password needs at least 8 characters.', 'WEAK_PASSWORD');
    const existing = await this.stores.users.findByEmail(email);
    // Setting the same password again (CANOPY_ADMIN_PASSWORD at every start) is no change.
    const changed = existing !== null && !(await verifyPassword(password, existing.passwordHash));
    const user = await this.stores.users.upsert({ email, passwordHash: await hashPassword(password), isAdmin });
    if (changed) await this.stores.tokens.revoke({ userId: user.id, kind: 'access' });
    return user;
  }

  /** POST /refresh_token: e-mail and password for a short-lived bearer token. */
  async signIn(email: string, password: string, clientAddress: string): Promise<{ accessToken: string; expiresIn: number }> {
    // Counted before the check, so concurrent guesses cannot outrun the limits (login-throttle.ts).
    const attempt = await this.throttle.reserve(email, clientAddress);
    let user: UserRecord | null;
    let ok: boolean;
    try {
      user = await this.stores.users.findByEmail(email);
      ok = user ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, await this.dummyHash), false);
    } catch (err) {
      await this.throttle.abandoned(attempt);
      throw err;
    }
    if (!user || !ok) throw new UnauthorizedError('Wrong e-mail or password.');
    await this.throttle.succeeded(attempt);
    // Said only to whoever knows the password: to anyone else a disabled account looks like any other.
    if (user.disabledAt !== null) throw new UnauthorizedError('This account is disabled; ask an administrator.', 'ACCOUNT_DISABLED');
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

  /** The user's API tokens, oldest first. */
  async listApiTokens(userId: string): Promise<ApiTokenView[]> {
    return (await this.stores.tokens.list({ userId, kind: 'api' })).map(apiTokenView);
  }

  /** Revokes one of the user's API tokens; another user's token, or none, is a 404 alike. */
  async revokeApiToken(userId: string, tokenId: string): Promise<void> {
    const revoked = await this.stores.tokens.revoke({ id: tokenId, userId, kind: 'api' });
    if (revoked === 0) throw new NotFoundError(`You have no API token with the ID "${tokenId}".`, 'TOKEN_NOT_FOUND');
  }

  private async issueToken(userId: string, kind: TokenKind, label: string | null, ttlSeconds: number | null): Promise<IssuedToken> {
    const token = TOKEN_PREFIX[kind] + randomBytes(32).toString('base64url');
    const now = new Date();
    const createdAt = now.toISOString();
    const id = newTokenId();
    await this.stores.tokens.insert({
      id, hash: tokenHash(token), userId, kind, label, createdAt, lastUsedAt: null,
      expiresAt: ttlSeconds === null ? null : new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
    });
    return { id, token, label, createdAt };
  }

  /** Resolves a bearer token to its (enabled) user, or throws 401. */
  async authenticate(token: string | undefined): Promise<UserRecord> {
    if (!token) throw new UnauthorizedError();
    const record = await this.stores.tokens.findByHash(tokenHash(token));
    const now = new Date();
    if (!record || (record.expiresAt !== null && record.expiresAt <= now.toISOString())) throw new UnauthorizedError();
    const user = await this.stores.users.findById(record.userId);
    if (!user) throw new UnauthorizedError();
    if (user.disabledAt !== null) throw new UnauthorizedError('This account is disabled; its tokens do not work. Ask an administrator.', 'ACCOUNT_DISABLED');
    if (record.kind === 'api' && (record.lastUsedAt === null || now.getTime() - Date.parse(record.lastUsedAt) >= LAST_USED_RESOLUTION_MS)) {
      await this.stores.tokens.touch(record.id, now.toISOString());
    }
    return user;
  }
}
