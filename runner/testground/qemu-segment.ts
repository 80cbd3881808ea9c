// The private Ethernet segment shared by the guests of one qemu ground: a
// small learning switch in this process, with one UDP port on 127.0.0.1 per
// guest NIC. QEMU sends each Ethernet frame of such a NIC as one datagram
// (`-netdev socket,udp=127.0.0.1:PORT,localaddr=127.0.0.1:0`), so frames
// never leave loopback, any number of guests and NICs share one segment (a
// point-to-point socket link would join only two), and tagged 802.1Q frames
// pass untouched for VLAN trunks.
//
// The guest side binds an ephemeral port, so there is no port to race for: a
// switch port learns its guest's address from the first frame it receives
// (guests send router solicitations and ARP as soon as a link is up), and
// frames for a port whose guest has not spoken yet are dropped, as on a link
// that is still down.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

interface SwitchPort {
  socket: Socket;
  peer?: { address: string; port: number };
}

const BROADCAST_BIT = 0x01;

export class PrivateSegment {
  private readonly ports: SwitchPort[] = [];
  /** Source MAC -> the port it was last seen on. */
  private readonly macs = new Map<string, SwitchPort>();
  private closed = false;
  /** Frames switched so far, for diagnostics. */
  frames = 0;

  /** A new switch port; give the returned UDP port to one guest NIC. */
  async addPort(): Promise<number> {
    const socket = createSocket('udp4');
    const port: SwitchPort = { socket };
    socket.on('message', (frame, from) => this.receive(port, frame, from));
    // A send to a guest that is gone raises ECONNREFUSED here; a switch just drops the frame.
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.removeListener('error', reject);
        resolve();
      });
    });
    this.ports.push(port);
    return socket.address().port;
  }

  private receive(from: SwitchPort, frame: Buffer, rinfo: RemoteInfo): void {
    if (frame.length < 14 || rinfo.address !== '127.0.0.1') return;
    from.peer = { address: rinfo.address, port: rinfo.port };
    this.frames++;
    this.macs.set(frame.subarray(6, 12).toString('hex'), from);
    const multicast = ((frame[0] ?? 0) & BROADCAST_BIT) !== 0;
    const known = multicast ? undefined : this.macs.get(frame.subarray(0, 6).toString('hex'));
    const targets = known ? [known] : this.ports;
    for (const port of targets) {
      if (port !== from && port.peer) port.socket.send(frame, port.peer.port, port.peer.address);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.ports) p.socket.close();
  }
}
