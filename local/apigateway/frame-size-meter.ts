/**
 * Watches the raw bytes a WebSocket client sends and reports the first data frame whose
 * payload exceeds a limit. `ws` only enforces a per-MESSAGE limit (maxPayload); API
 * Gateway also refuses single FRAMES over 32 KB, so we read frame headers ourselves.
 * Needs permessage-deflate off (lengths are then payload lengths). Pure state machine.
 */
export class FrameSizeMeter {
  private pending: Buffer = Buffer.alloc(0);
  private skip = 0;
  private tripped = false;

  constructor(
    private readonly limitBytes: number,
    private readonly onOversizedFrame: (payloadBytes: number) => void,
  ) {}

  push(chunk: Buffer): void {
    let data = chunk;
    while (!this.tripped && data.length > 0) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, data.length);
        this.skip -= n;
        data = data.subarray(n);
        continue;
      }
      const buf = this.pending.length ? Buffer.concat([this.pending, data]) : data;
      const header = readFrameHeader(buf);
      if (header === undefined) {
        this.pending = Buffer.from(buf);
        return;
      }
      this.pending = Buffer.alloc(0);
      // Control frames (opcode >= 8) are at most 125 bytes and are not API Gateway messages.
      if (header.opcode < 0x8 && header.payloadBytes > this.limitBytes) {
        this.tripped = true;
        this.onOversizedFrame(header.payloadBytes);
        return;
      }
      this.skip = header.payloadBytes;
      data = buf.subarray(header.headerBytes);
    }
  }
}

function readFrameHeader(buf: Buffer): { opcode: number; payloadBytes: number; headerBytes: number } | undefined {
  if (buf.length < 2) return undefined;
  const opcode = buf[0] & 0x0f;
  const masked = (buf[1] & 0x80) !== 0;
  let payloadBytes = buf[1] & 0x7f;
  let offset = 2;
  if (payloadBytes === 126) {
    if (buf.length < 4) return undefined;
    payloadBytes = buf.readUInt16BE(2);
    offset = 4;
  } else if (payloadBytes === 127) {
    if (buf.length < 10) return undefined;
    payloadBytes = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  if (masked) offset += 4;
  if (buf.length < offset) return undefined;
  return { opcode, payloadBytes, headerBytes: offset };
}
