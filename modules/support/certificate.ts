// What a certbot-managed certificate looks like on the target, read with
// openssl from CONFIG/live/NAME/cert.pem without contacting any ACME server
// (and without certbot, whose every run writes logs and takes locks).
import { sh, type Command } from '../../runner/quote.js';

export interface CertificateInfo {
  /** Subject alternative names (DNS and IP entries), as listed in the certificate. */
  domains: string[];
  keyType: 'rsa' | 'ecdsa' | 'other';
  /** openssl's notAfter text, e.g. 'Nov 23 12:39:38 2031 GMT'. */
  notAfter: string;
  /** Expires within the renewal window. */
  due: boolean;
}

export interface CertbotFiles {
  /** null: no certificate in live/. */
  cert: CertificateInfo | null;
  /** A renewal configuration exists (certbot knows the name, even if live/ is gone). */
  renewalConf: boolean;
}

/** One read-only script: the live certificate's SANs, key type, end date and whether it is due. */
export function certificateQueryCommand(configDir: string, name: string, renewWithinSeconds: number): Command {
  return sh`d=${configDir}; n=${name}
if [ -f "$d/renewal/$n.conf" ]; then echo renewal-conf; fi
c="$d/live/$n/cert.pem"
[ -f "$c" ] || exit 0
echo cert
openssl x509 -in "$c" -noout -enddate || exit 1
if openssl x509 -in "$c" -noout -checkend ${String(renewWithinSeconds)} >/dev/null; then echo due=no; else echo due=yes; fi
openssl x509 -in "$c" -noout -text -certopt no_header,no_version,no_serial,no_signame,no_validity,no_subject,no_issuer,no_sigdump,no_aux | grep -e 'Public Key Algorithm:' -e 'DNS:' -e 'IP Address:'
true`;
}

export function parseCertificateQuery(stdout: string): CertbotFiles {
  const lines = stdout.split('\n').map((l) => l.trim());
  const renewalConf = lines.includes('renewal-conf');
  if (!lines.includes('cert')) return { cert: null, renewalConf };
  const algorithm = lines.find((l) => l.startsWith('Public Key Algorithm:')) ?? '';
  const domains = lines
    .filter((l) => /^(DNS|IP Address):/.test(l))
    .flatMap((l) => l.split(/,\s*/))
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ''));
  return {
    renewalConf,
    cert: {
      domains,
      keyType: /rsaEncryption/.test(algorithm) ? 'rsa' : /id-ecPublicKey/.test(algorithm) ? 'ecdsa' : 'other',
      notAfter: (lines.find((l) => l.startsWith('notAfter=')) ?? '').slice('notAfter='.length),
      due: lines.includes('due=yes'),
    },
  };
}
