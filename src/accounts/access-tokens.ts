import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { unauthenticated } from '../domain/errors';
import { ROLES, type Role } from '../domain/roles';

const ALGORITHM = 'HS256';
const ISSUER = 'delivery-aggregator';
const AUDIENCE = 'delivery-aggregator-api';

export interface AccessTokenClaims {
  userId: string;
  role: Role;
}

export class AccessTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(claims: AccessTokenClaims): Promise<string> {
    return new SignJWT({ role: claims.role })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      const role = payload['role'];
      if (typeof payload.sub !== 'string' || !ROLES.includes(role as Role)) throw unauthenticated();
      return { userId: payload.sub, role: role as Role };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        throw unauthenticated('The access token has expired.');
      throw unauthenticated('The access token is invalid.');
    }
  }
}
