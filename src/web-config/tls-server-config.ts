// tls_server_config → the TLS options Bun.serve applies, refusing every setting Bun.serve cannot honour.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { WebConfigProblem, booleanAt, mappingAt, refuseUnknownKeys, stringAt, stringListAt, type YamlMapping } from './yaml-fields.ts';

/**
 * The listener's TLS, in the shape of Bun.serve's `tls` option: PEM text read once at start, and the client
 * certificate policy as Bun spells it. Frozen.
 */
export interface TlsSettings {
  readonly cert: string;
  readonly key: string;
  /** PEM of the CAs that verify client certificates; only with `requestCert`. */
  readonly ca?: string;
  readonly requestCert: boolean;
  readonly rejectUnauthorized: boolean;
  /** OpenSSL `SSL_OP_NO_TLSv1_x` bits for min_version/max_version. */
  readonly secureOptions: number;
  /** OpenSSL cipher list for TLS 1.2, from cipher_suites; undefined = Bun's default. */
  readonly ciphers?: string;
  /** The Go name of the client auth type, for the start-up log. */
  readonly clientAuthType: string;
  /** The files read, for the check that tells the operator a changed certificate needs a restart. */
  readonly files: readonly string[];
}

const WHERE = 'tls_server_config';
const KEYS = [
  'cert', 'key', 'client_ca', 'cert_file', 'key_file', 'client_auth_type', 'client_ca_file', 'cipher_suites',
  'curve_preferences', 'min_version', 'max_version', 'prefer_server_cipher_suites', 'client_allowed_sans',
];
// Keys that switch TLS on, as exporter-toolkit's TLSConfig.IsEnabled counts them.
const ENABLING_KEYS = ['cert', 'key', 'client_ca', 'cert_file', 'key_file', 'client_auth_type', 'client_ca_file'];

// Bun (BoringSSL) speaks TLS 1.2 and 1.3 only; these bits switch one of them off (measured with `openssl s_client`).
const SSL_OP_NO_TLSv1_2 = 0x08000000;
const SSL_OP_NO_TLSv1_3 = 0x20000000;
const TLS_VERSIONS = ['TLS10', 'TLS11', 'TLS12', 'TLS13'];

/**
 * Go's names of the suites crypto/tls lists as secure (tls.CipherSuites(), the only names exporter-toolkit
 * takes) → OpenSSL's names, which Bun.serve's `ciphers` takes. Go lets a config choose TLS 1.2 suites only.
 */
export const CIPHER_NAMES: ReadonlyMap<string, string> = new Map([
  ['TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA'],
  ['TLS_RSA_WITH_AES_256_CBC_SHA', 'AES256-SHA'],
  ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'AES128-GCM-SHA256'],
  ['TLS_RSA_WITH_AES_256_GCM_SHA384', 'AES256-GCM-SHA384'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ECDHE-ECDSA-AES128-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ECDHE-ECDSA-AES256-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ECDHE-RSA-AES256-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305'],
  ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
]);
const TLS13_CIPHERS = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

/**
 * Reads the `tls_server_config` section: undefined when it switches TLS off (no certificate, key, CA or client
 * auth type), else the settings with the certificate, key and CA files read (relative paths from `dir`, the
 * web config file's directory, as the newest exporter-toolkit reads them). Throws WebConfigProblem for
 * anything unreadable, inconsistent, or that Bun.serve cannot apply.
 */
export function readTlsServerConfig(value: unknown, dir: string): TlsSettings | undefined {
  const section = mappingAt(value, WHERE);
  refuseUnknownKeys(section, KEYS, WHERE);
  const text = (key: string) => stringAt(section, key, WHERE);
  if (!ENABLING_KEYS.some((key) => text(key) !== '')) {
    // Go quietly serves plain HTTP then and drops the rest of the section; we name what would be dropped.
    const stray = KEYS.filter((key) => section[key] !== undefined && section[key] !== null);
    if (stray.length > 0) throw new WebConfigProblem(`${WHERE} sets ${stray.join(', ')} but no certificate: TLS would be off`);
    return undefined;
  }
  const files: string[] = [];
  const read = (key: string) => {
    const path = isAbsolute(text(key)) ? text(key) : join(dir, text(key));
    files.push(path);
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new WebConfigProblem(`failed to read ${key} (${path}): ${(error as Error).message}`);
    }
  };
  const pem = (inline: string, fileKey: string) => {
    if (text(inline) !== '' && text(fileKey) !== '') throw new WebConfigProblem(`${WHERE} sets both ${inline} and ${fileKey}: choose one`);
    return text(fileKey) !== '' ? read(fileKey) : text(inline);
  };
  const cert = pem('cert', 'cert_file');
  const key = pem('key', 'key_file');
  if (cert === '') throw new WebConfigProblem('missing one of cert or cert_file');
  if (key === '') throw new WebConfigProblem('missing one of key or key_file');
  checkKeyPair(cert, key);
  refuseUnsupported(section);
  const ca = pem('client_ca', 'client_ca_file');
  if (ca !== '') checkCertificates(ca);
  return Object.freeze({
    cert,
    key,
    ...(ca === '' ? {} : { ca }),
    ...clientAuthOf(text('client_auth_type'), ca !== ''),
    secureOptions: secureOptionsOf(versionAt(section, 'min_version', 'TLS12'), versionAt(section, 'max_version', 'TLS13')),
    ...ciphersOf(stringListAt(section, 'cipher_suites', WHERE)),
    files: Object.freeze(files),
  });
}

/** Go's client auth types as Bun.serve's `requestCert` / `rejectUnauthorized`, where Bun has the same behaviour. */
function clientAuthOf(type: string, hasCa: boolean): Pick<TlsSettings, 'requestCert' | 'rejectUnauthorized' | 'clientAuthType'> {
  const name = type === '' ? 'NoClientCert' : type;
  switch (name) {
    case 'NoClientCert':
      if (hasCa) throw new WebConfigProblem("client CA's have been configured without a Client Auth Policy");
      return { requestCert: false, rejectUnauthorized: false, clientAuthType: name };
    case 'RequestClientCert':
      // Asks for a certificate and accepts any or none, unverified: Go's RequestClientCert exactly.
      return { requestCert: true, rejectUnauthorized: false, clientAuthType: name };
    case 'RequireAndVerifyClientCert':
      // Go would verify against the system's roots without a CA; a client-certificate gate on the public
      // roots is almost surely a mistake, so it must be said.
      if (!hasCa) throw new WebConfigProblem('RequireAndVerifyClientCert needs client_ca_file or client_ca');
      return { requestCert: true, rejectUnauthorized: true, clientAuthType: name };
    case 'RequireAnyClientCert':
    case 'RequireClientCert':
      // Bun either verifies a certificate (and then requires it) or accepts any including none.
      throw new WebConfigProblem(`client_auth_type ${name} is not supported: Bun.serve cannot require a certificate without verifying it`);
    case 'VerifyClientCertIfGiven':
      throw new WebConfigProblem(`client_auth_type ${name} is not supported: Bun.serve refuses clients without a certificate when it verifies them`);
    default:
      throw new WebConfigProblem(`invalid ClientAuth: ${type}`);
  }
}

/** Settings Bun.serve has no way to apply: refused, never dropped. */
function refuseUnsupported(section: YamlMapping): void {
  if (stringListAt(section, 'client_allowed_sans', WHERE).length > 0) {
    throw new WebConfigProblem('client_allowed_sans is not supported: Bun.serve does not show the client certificate to the gateway');
  }
  if (stringListAt(section, 'curve_preferences', WHERE).length > 0) {
    throw new WebConfigProblem('curve_preferences is not supported: Bun.serve has no option to choose the curves');
  }
  // Go has ignored it since 1.17 (crypto/tls: "a legacy field and has no effect"); read only for its type.
  booleanAt(section, 'prefer_server_cipher_suites', WHERE, true);
}

function versionAt(section: YamlMapping, key: string, fallback: string): string {
  const version = stringAt(section, key, WHERE) || fallback;
  if (!TLS_VERSIONS.includes(version)) throw new WebConfigProblem(`unknown TLS version: ${version}`);
  return version;
}

function secureOptionsOf(min: string, max: string): number {
  if (min === 'TLS10' || min === 'TLS11' || max === 'TLS10' || max === 'TLS11') {
    throw new WebConfigProblem(`min_version ${min} / max_version ${max}: Bun.serve speaks TLS12 and TLS13 only`);
  }
  // 'TLS12' < 'TLS13' as text too.
  if (min > max) throw new WebConfigProblem(`min_version ${min} is above max_version ${max}`);
  return (min === 'TLS13' ? SSL_OP_NO_TLSv1_2 : 0) | (max === 'TLS12' ? SSL_OP_NO_TLSv1_3 : 0);
}

function ciphersOf(names: readonly string[]): Pick<TlsSettings, 'ciphers'> {
  if (names.length === 0) return {};
  const openssl = names.map((name) => {
    if (TLS13_CIPHERS.includes(name)) throw new WebConfigProblem(`cipher_suites: ${name} is a TLS 1.3 suite, which cannot be chosen`);
    const mapped = CIPHER_NAMES.get(name);
    if (mapped === undefined) throw new WebConfigProblem(`unknown cipher: ${name}`);
    return mapped;
  });
  return { ciphers: openssl.join(':') };
}

/** tls.X509KeyPair's check: both parse, and the key belongs to the (first) certificate. */
function checkKeyPair(cert: string, key: string): void {
  try {
    if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) throw new Error('private key does not match public key');
  } catch (error) {
    throw new WebConfigProblem(`failed to load X509KeyPair: ${(error as Error).message}`);
  }
}

/** Every PEM certificate block must parse, and there must be at least one. */
function checkCertificates(pem: string): void {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new WebConfigProblem('the client CA holds no PEM certificate');
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw new WebConfigProblem(`the client CA holds a certificate that does not parse: ${(error as Error).message}`);
    }
  }
}
