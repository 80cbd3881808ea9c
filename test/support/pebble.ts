// A private ACME server inside a test host: Debian's pebble on the host's
// loopback, with a throw-away CA (made here with openssl) for its own TLS
// certificate. Challenges always validate (PEBBLE_VA_ALWAYS_VALID), so no
// web server is needed, and nothing leaves the host's network namespace.
// PEBBLE_WFE_NONCEREJECT=0: pebble rejects 5% of valid anti-replay nonces by
// default, on purpose, which made certbot fail one test run in twenty or so.
// roles/certs/tests/default/prepare.yml starts pebble the same way.
import type { HostGround } from '../../runner/testground/driver.js';

export interface Pebble {
  /** The ACME directory URL, for certbot --server. */
  server: string;
  /** The CA that signed pebble's TLS certificate, a path inside the host (REQUESTS_CA_BUNDLE). */
  caBundle: string;
  /** Kill pebble by its PID. Idempotent. */
  stop(): Promise<void>;
}

const DIR = '/srv/pebble';

const START = `set -e
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
d=${DIR}; mkdir -p "$d"; cd "$d"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=drover-test-ca -keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.pem 2>/dev/null
cat > config.json <<EOF
{"pebble": {"listenAddress": "127.0.0.1:14000", "managementListenAddress": "127.0.0.1:15000",
  "certificate": "$d/server.pem", "privateKey": "$d/server.key", "httpPort": 5002, "tlsPort": 5001,
  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
EOF
# Output to a file: the daemon must not hold the pipe this command's caller waits on.
PEBBLE_VA_NOSLEEP=1 PEBBLE_VA_ALWAYS_VALID=1 PEBBLE_WFE_NONCEREJECT=0 setsid pebble -config config.json </dev/null >pebble.log 2>&1 &
echo $!
for i in $(seq 1 100); do curl -fsS --cacert ca.pem https://127.0.0.1:14000/dir >/dev/null 2>&1 && exit 0; sleep 0.1; done
echo "pebble did not answer: $(cat pebble.log)" >&2; exit 1`;

export async function startPebble(ground: HostGround, host: string): Promise<Pebble> {
  const r = await ground.exec(host, ['sh', '-c', START]);
  const pid = Number.parseInt(r.stdout, 10);
  let stopped = false;
  const stop = async () => {
    if (stopped || !Number.isInteger(pid)) return;
    stopped = true;
    await ground.exec(host, ['kill', String(pid)]);
  };
  if (r.rc !== 0) {
    await stop();
    throw new Error(`pebble in ${host}: ${r.stderr.trim()}`);
  }
  return { server: 'https://127.0.0.1:14000/dir', caBundle: `${DIR}/ca.pem`, stop };
}
