/**
 * A minimal software WebAuthn authenticator (ES256, attestation "none") for server-side tests of
 * the ceremonies: it builds real authenticator data, CBOR and signatures, so the tests exercise
 * @simplewebauthn/server's verification rather than a mock of it. Browser tests use Chromium's
 * virtual authenticator instead.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { isoCBOR } from "@simplewebauthn/server/helpers";

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest();

export interface SoftAuthenticatorOptions {
  origin: string;
  rpId: string;
  /** Whether it makes discoverable credentials and verifies the user (a passkey-capable device). */
  passkey?: boolean;
  /** Override: reports a non-discoverable credential (credProps rk false) even when it verifies the user. */
  discoverable?: boolean;
}

export class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  private readonly privateKey: KeyObject;
  private readonly publicJwk: { x: string; y: string };
  counter = 0;
  /** The user.id of the registration options (base64url); a discoverable credential returns it. */
  userHandle: string | undefined;

  constructor(private readonly options: SoftAuthenticatorOptions) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.privateKey = privateKey;
    this.publicJwk = publicKey.export({ format: "jwk" }) as { x: string; y: string };
  }

  get id(): string {
    return b64url(this.credentialId);
  }

  private authData(includeCredential: boolean, rpId = this.options.rpId): Buffer {
    const uv = this.options.passkey ?? false;
    const flags = 0x01 | (uv ? 0x04 : 0) | (includeCredential ? 0x40 : 0);
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.counter);
    const parts = [sha256(rpId), Buffer.from([flags]), count];
    if (includeCredential) {
      const cose = isoCBOR.encode(
        new Map<number, number | Uint8Array>([
          [1, 2], // kty: EC2
          [3, -7], // alg: ES256
          [-1, 1], // crv: P-256
          [-2, Buffer.from(this.publicJwk.x, "base64url")],
          [-3, Buffer.from(this.publicJwk.y, "base64url")],
        ]),
      );
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(this.credentialId.length);
      parts.push(Buffer.alloc(16), idLength, this.credentialId, Buffer.from(cose));
    }
    return Buffer.concat(parts);
  }

  private clientData(type: string, challenge: string, origin = this.options.origin): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** navigator.credentials.create(); `userId` is the options' user.id (base64url). */
  register(challenge: string, userId?: string) {
    this.userHandle = userId;
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", this.authData(true)],
      ]) as never,
    );
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key" as const,
      response: {
        clientDataJSON: b64url(this.clientData("webauthn.create", challenge)),
        attestationObject: b64url(attestationObject),
        transports: ["usb" as const],
      },
      clientExtensionResults: { credProps: { rk: this.options.discoverable ?? this.options.passkey ?? false } },
    };
  }

  /**
   * navigator.credentials.get(); `origin` lets a test play a phishing site, `userHandle` a
   * response naming another account (null: none at all). A discoverable credential (passkey)
   * returns the user handle it was registered with, as authenticators do.
   */
  authenticate(challenge: string, overrides: { origin?: string; counter?: number; userHandle?: string | null } = {}) {
    this.counter = overrides.counter ?? this.counter + 1;
    const authenticatorData = this.authData(false);
    const clientDataJSON = this.clientData("webauthn.get", challenge, overrides.origin);
    const signature = sign("sha256", Buffer.concat([authenticatorData, sha256(clientDataJSON)]), this.privateKey);
    const userHandle = overrides.userHandle === undefined ? (this.options.passkey ? this.userHandle : undefined) : overrides.userHandle;
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key" as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authenticatorData),
        signature: b64url(signature),
        ...(userHandle ? { userHandle } : {}),
      },
      clientExtensionResults: {},
    };
  }
}
