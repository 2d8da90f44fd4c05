import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deployDocBlock, substitute } from './doc-blocks.js'
import { Child, freePorts, untilListening } from './process.js'

const REPO = fileURLToPath(new URL('../../../../', import.meta.url))
const SIGNALING_BIN = join(REPO, 'apps/signaling/dist/main.js')

/**
 * docs/deploy.md's cluster example, run as written: Redis, two signaling nodes, coturn and nginx
 * in front, all on loopback. Only these change from the documented text: ports (8081, 8082,
 * 6379, 9101, 9102, 443, 3478 → free ones), `call.example.com` → 127.0.0.1, the certificate and
 * secret paths → a temporary directory (`peerlane-signaling` on PATH is this checkout's bin), and for
 * coturn the TLS certificate lines (no TLS listener here) and the loopback deny rule (every
 * participant of the test is on 127.0.0.1).
 */
export class Deployment {
  private constructor(
    private readonly dir: string,
    private readonly ports: { https: number; nodes: [number, number]; metrics: [number, number]; redis: number; turn: number },
    readonly redis: Child,
    readonly turn: Child,
    readonly nodes: [Child, Child],
    readonly nginx: Child,
    private readonly startNode: (index: 0 | 1) => Child,
  ) {}

  static async start(): Promise<Deployment> {
    const dir = mkdtempSync(join(tmpdir(), 'peerlane-deploy-'))
    const [https, node1, node2, metrics1, metrics2, redisPort, turnPort] = await freePorts(7)
    const ports = { https: https!, nodes: [node1!, node2!] as [number, number], metrics: [metrics1!, metrics2!] as [number, number], redis: redisPort!, turn: turnPort! }
    // `peerlane-signaling` on PATH, as installing the package puts it there.
    mkdirSync(join(dir, 'bin'))
    writeFileSync(join(dir, 'bin', 'peerlane-signaling'), `#!/bin/sh\nexec node "${SIGNALING_BIN}" "$@"\n`)
    chmodSync(join(dir, 'bin', 'peerlane-signaling'), 0o755)
    const turnSecret = randomBytes(24).toString('base64url')
    writeFileSync(join(dir, 'turn-secret'), turnSecret)
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-subj', '/CN=peerlane-deploy-test', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' })

    const nodePort = (index: 0 | 1) => [new RegExp(`\\b808${index + 1}\\b`, 'g'), String(ports.nodes[index])] as const
    const redis = new Child('redis', 'sh', ['-c', `exec ${substitute(deployDocBlock('redis'), [[/\b6379\b/g, String(ports.redis)]])}`])
    await untilListening(ports.redis, redis)

    const turnConf = substitute(deployDocBlock('coturn'), [
      ['listening-port=3478', `listening-port=${ports.turn}\nlistening-ip=127.0.0.1\nrelay-ip=127.0.0.1`],
      [/^tls-listening-port=.*$/m, 'no-tls\nno-dtls'],
      ['static-auth-secret=REPLACE-WITH-THE-SHARED-SECRET', `static-auth-secret=${turnSecret}`],
      [/^cert=.*$/m, ''],
      [/^pkey=.*$/m, ''],
      ['denied-peer-ip=127.0.0.0-127.255.255.255', 'allow-loopback-peers'],
      [/^log-file=.*$/m, 'log-file=stdout'],
    ])
    writeFileSync(join(dir, 'turnserver.conf'), `${turnConf}\npidfile=${join(dir, 'turnserver.pid')}\nuserdb=${join(dir, 'turndb')}\ncli-password=unused\n`)
    const turn = new Child('coturn', 'turnserver', ['-c', join(dir, 'turnserver.conf')])

    const node = (index: 0 | 1) => {
      const command = substitute(deployDocBlock(`node-${index + 1}`), [
        nodePort(index),
        [/\b6379\b/g, String(ports.redis)],
        ['/var/lib/peerlane/resume-secret', join(dir, 'resume-secret')],
        ['/etc/peerlane/turn-secret', join(dir, 'turn-secret')],
        ['https://call.example.com', `https://127.0.0.1:${ports.https}`],
        ['call.example.com:3478', `127.0.0.1:${ports.turn}`],
        [/\b910[12]\b/, String(ports.metrics[index])],
      ])
      return new Child(`node ${index + 1}`, 'sh', ['-c', `exec ${command}`], { cwd: REPO, env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}` } })
    }
    const nodes: [Child, Child] = [node(0), node(1)]
    await Promise.all([untilListening(ports.nodes[0], nodes[0]), untilListening(ports.nodes[1], nodes[1])])

    const site = substitute(deployDocBlock('nginx'), [
      nodePort(0),
      nodePort(1),
      ['listen 443 ssl', `listen 127.0.0.1:${ports.https} ssl`],
      ['/etc/letsencrypt/live/call.example.com/fullchain.pem', join(dir, 'cert.pem')],
      ['/etc/letsencrypt/live/call.example.com/privkey.pem', join(dir, 'key.pem')],
    ])
    writeFileSync(join(dir, 'peerlane.conf'), site)
    // What Debian's /etc/nginx/nginx.conf provides around conf.d, in the test's own directory.
    writeFileSync(
      join(dir, 'nginx.conf'),
      `user root;
daemon off;
worker_processes 1;
pid DIR/nginx.pid;
error_log stderr warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path DIR/client-body;
  proxy_temp_path DIR/proxy;
  fastcgi_temp_path DIR/fastcgi;
  uwsgi_temp_path DIR/uwsgi;
  scgi_temp_path DIR/scgi;
  include DIR/peerlane.conf;
}
`.replaceAll('DIR', dir),
    )
    const nginx = new Child('nginx', 'nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'])
    await untilListening(ports.https, nginx)
    if (!turn.running) throw new Error(`coturn exited\n${turn.log}`)
    return new Deployment(dir, ports, redis, turn, nodes, nginx, node)
  }

  /** Starts a stopped or killed node again, with its documented command. */
  async restartNode(index: 0 | 1): Promise<void> {
    if (this.nodes[index].running) throw new Error(`node ${index + 1} is still running`)
    this.nodes[index] = this.startNode(index)
    await untilListening(this.ports.nodes[index], this.nodes[index])
  }

  /** The test's self-signed certificate for 127.0.0.1, and its key (PEM files). */
  get certificate(): { cert: string; key: string } {
    return { cert: join(this.dir, 'cert.pem'), key: join(this.dir, 'key.pem') }
  }

  /** The address users open: nginx, over https. */
  get url(): string {
    return `https://127.0.0.1:${this.ports.https}`
  }

  /** A node's own address, bypassing the balancer. */
  nodeUrl(index: 0 | 1): string {
    return `http://127.0.0.1:${this.ports.nodes[index]}`
  }

  nodeWebSocketUrl(index: 0 | 1): string {
    return `ws://127.0.0.1:${this.ports.nodes[index]}/ws`
  }

  /** The node's `peerlane_signaling_connections` gauge (open WebSockets), from its metrics listener. */
  async connections(index: 0 | 1): Promise<number> {
    const response = await fetch(`http://127.0.0.1:${this.ports.metrics[index]}/metrics`)
    const match = /^peerlane_signaling_connections (\d+)/m.exec(await response.text())
    return Number(match?.[1] ?? Number.NaN)
  }

  get logs(): string {
    return [this.redis, this.turn, ...this.nodes, this.nginx].map((child) => child.log).join('\n')
  }

  async stop(): Promise<void> {
    await Promise.all([this.nginx, ...this.nodes, this.turn, this.redis].map((child) => child.stop()))
    rmSync(this.dir, { recursive: true, force: true })
  }
}
