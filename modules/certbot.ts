// certbot: one named certificate from an ACME server. plan reads the live
// certificate with openssl (never certbot, never the network): ok when it
// has the wanted domains and key type and is not within renew_before_days of
// expiry; otherwise apply runs `certbot certonly --cert-name NAME` (forcing
// renewal when a certificate exists, so a changed domain list or key type is
// re-issued at once). `server` has no default: a default would be a public
// CA, and a test or a staging inventory must never reach one by omission.
import { defineModule, ModuleFailure, type Plan } from '../runner/module-api.js';
import { sh, type Command } from '../runner/quote.js';
import { certificateQueryCommand, parseCertificateQuery, type CertbotFiles } from './support/certificate.js';

interface CertbotState {
  command: Command | null;
}

const path = (description: string) => ({ type: 'string', pattern: '^/', description }) as const;

export default defineModule({
  name: 'certbot',
  summary: 'Obtain, re-issue or delete a certificate with certbot (webroot, standalone, or DNS hooks for wildcards) from an explicit ACME server.',
  changedWhen: 'the certificate was missing, had other domains or key type, was within renew_before_days of expiry (issued again), or was deleted.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['cert_name', 'server'],
    properties: {
      cert_name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'The certificate name (its directory under live/).' },
      domains: {
        type: 'array',
        minItems: 1,
        items: { type: 'string', pattern: '^[A-Za-z0-9*][^\\s,]*$' },
        description: 'The domains (SAN list); the first is the subject. Compared as a set with the live certificate. Required with state=present.',
      },
      state: { enum: ['present', 'absent'], default: 'present', description: 'absent deletes the certificate and its renewal configuration (certbot delete).' },
      server: {
        type: 'string',
        pattern: '^https?://',
        description: "The ACME directory URL, e.g. https://acme-v02.api.letsencrypt.org/directory. Required on purpose: there is no default, so nothing ever reaches a public CA unless a playbook names it.",
      },
      authenticator: {
        enum: ['webroot', 'standalone', 'manual'],
        default: 'webroot',
        description: 'webroot: challenge files under webroot_path (a running web server serves them); standalone: certbot listens itself; manual: DNS-01 through manual_auth_hook (needed for wildcards, e.g. a hook that updates the DNS zone).',
      },
      manual_auth_hook: { type: 'string', description: 'manual: the command that publishes the challenge (certbot sets CERTBOT_DOMAIN and CERTBOT_VALIDATION), e.g. a script adding the _acme-challenge TXT record.' },
      manual_cleanup_hook: { type: 'string', description: 'manual: the command that removes the challenge afterwards.' },
      webroot_path: path('The web server document root for the webroot authenticator.'),
      http_01_port: { type: 'integer', minimum: 1, maximum: 65535, description: 'The port the standalone authenticator listens on (default 80).' },
      email: { type: 'string', pattern: '^[^-\\s]\\S*@\\S+$', description: 'The ACME account contact; without it the account is registered without one.' },
      key_type: { enum: ['ecdsa', 'rsa'], default: 'ecdsa', description: 'The private key type; a different key type re-issues the certificate.' },
      renew_before_days: { type: 'integer', minimum: 0, default: 30, description: 'Issue again when the certificate expires within this many days.' },
      deploy_hook: { type: 'string', description: 'Shell command certbot runs after each successful issuance or renewal (recorded for renewals); it takes effect at the next issuance.' },
      pre_hook: { type: 'string', description: 'Shell command run before obtaining the certificate (recorded for renewals).' },
      post_hook: { type: 'string', description: 'Shell command run after obtaining the certificate (recorded for renewals).' },
      config_dir: { ...path('certbot --config-dir.'), default: '/etc/letsencrypt' },
      work_dir: { ...path('certbot --work-dir.'), default: '/var/lib/letsencrypt' },
      logs_dir: { ...path('certbot --logs-dir.'), default: '/var/log/letsencrypt' },
      ca_bundle: path("CA bundle on the target to trust for the ACME server's own TLS certificate (REQUESTS_CA_BUNDLE), e.g. for a private CA."),
      environment: { type: 'object', additionalProperties: { type: 'string' }, default: {}, description: 'Extra environment for certbot (e.g. proxy settings).' },
    },
  },
  async plan(host, params): Promise<Plan<CertbotState>> {
    const name = params.cert_name;
    const live = `${params.config_dir}/live/${name}`;
    const query = certificateQueryCommand(params.config_dir, name, params.renew_before_days * 86400);
    const found: CertbotFiles = parseCertificateQuery((await host.check(query)).stdout);
    const result = { cert_name: name, fullchain: `${live}/fullchain.pem`, privkey: `${live}/privkey.pem`, cert: `${live}/cert.pem`, chain: `${live}/chain.pem` };
    const dirs = ['--config-dir', params.config_dir, '--work-dir', params.work_dir, '--logs-dir', params.logs_dir];
    const describe = (c: { domains: readonly string[]; keyType: string }, expiry: string) => `domains: ${c.domains.join(' ')}\nkey_type: ${c.keyType}\nexpires: ${expiry}\n`;

    if (params.state === 'absent') {
      if (!found.cert && !found.renewalConf) return { changes: [], result };
      return {
        changes: [`delete certificate ${name}`],
        diff: [{ label: `certificate ${name}`, before: found.cert ? describe(found.cert, found.cert.notAfter) : 'renewal configuration only\n', after: '' }],
        state: { command: sh`certbot delete --non-interactive --cert-name ${name} ${dirs}` },
        result,
      };
    }

    if (!params.domains) throw new ModuleFailure('domains is required with state=present');
    if (params.authenticator === 'webroot' && !params.webroot_path) throw new ModuleFailure('the webroot authenticator needs webroot_path');
    if (params.authenticator === 'manual' && !params.manual_auth_hook) throw new ModuleFailure('the manual authenticator needs manual_auth_hook (the command that publishes the DNS challenge)');
    const wildcards = params.domains.filter((d) => d.startsWith('*'));
    if (wildcards.length && params.authenticator !== 'manual') throw new ModuleFailure(`${wildcards.join(', ')}: a wildcard needs a DNS-01 challenge: use authenticator: manual with manual_auth_hook`);
    const wanted = { domains: params.domains, keyType: params.key_type };
    const current = found.cert;
    const sameSet = (a: readonly string[], b: readonly string[]) => [...new Set(a)].sort().join(' ') === [...new Set(b)].sort().join(' ');
    const reasons: string[] = [];
    if (!current) reasons.push(`issue certificate ${name} for ${params.domains.join(', ')}`);
    else {
      if (!sameSet(current.domains, params.domains)) reasons.push(`re-issue certificate ${name}: domains ${current.domains.join(', ')} -> ${params.domains.join(', ')}`);
      if (current.keyType !== params.key_type) reasons.push(`re-issue certificate ${name}: key type ${current.keyType} -> ${params.key_type}`);
      if (current.due) reasons.push(`renew certificate ${name}: expires ${current.notAfter}, within ${params.renew_before_days} days`);
    }
    if (reasons.length === 0) return { changes: [], result: { ...result, domains: current?.domains, expires: current?.notAfter } };

    const challenge = challengeArgs(params);
    const hooks = (['pre_hook', 'post_hook', 'deploy_hook'] as const).flatMap((k) => (params[k] !== undefined ? [`--${k.replace('_', '-')}`, params[k]] : []));
    const command = sh`certbot certonly --non-interactive --agree-tos --no-random-sleep-on-renew --server ${params.server} --cert-name ${name} -d ${params.domains.join(',')} --key-type ${params.key_type} ${challenge} ${params.email ? ['--email', params.email] : ['--register-unsafely-without-email']} ${current ? ['--force-renewal'] : []} ${hooks} ${dirs}`;
    return {
      changes: reasons,
      diff: [{ label: `certificate ${name}`, before: current ? describe(current, current.notAfter) : '', after: describe(wanted, '(new certificate)') }],
      state: { command },
      result,
    };
  },
  async apply(host, params, plan) {
    const { command } = plan.state as CertbotState;
    if (command) {
      const env = { ...params.environment, ...(params.ca_bundle ? { REQUESTS_CA_BUNDLE: params.ca_bundle } : {}) };
      await host.check(command, { env });
    }
    return { result: plan.result };
  },
});

function challengeArgs(params: { authenticator: string; webroot_path?: string; http_01_port?: number; manual_auth_hook?: string; manual_cleanup_hook?: string }): string[] {
  if (params.authenticator === 'webroot') return ['--webroot', '-w', params.webroot_path ?? ''];
  if (params.authenticator === 'standalone') return ['--standalone', ...(params.http_01_port ? ['--http-01-port', String(params.http_01_port)] : [])];
  return ['--manual', '--preferred-challenges', 'dns', '--manual-auth-hook', params.manual_auth_hook ?? '', ...(params.manual_cleanup_hook ? ['--manual-cleanup-hook', params.manual_cleanup_hook] : [])];
}
