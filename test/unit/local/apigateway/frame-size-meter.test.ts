import { FrameSizeMeter } from "../../../../local/apigateway/frame-size-meter";

/** A masked client frame header (+ mask) for a payload of `len` bytes. */
function header(len: number, opcode = 0x1, fin = true): Buffer {
  const first = (fin ? 0x80 : 0) | opcode;
  if (len < 126) return Buffer.from([first, 0x80 | len, 0, 0, 0, 0]);
  if (len < 65536) {
    const b = Buffer.from([first, 0x80 | 126, 0, 0, 0, 0, 0, 0]);
    b.writeUInt16BE(len, 2);
    return b;
  }
  const b = Buffer.alloc(14);
  b[0] = first;
  b[1] = 0x80 | 127;
  b.writeBigUInt64BE(BigInt(len), 2);
  return b;
}
const frame = (len: number, opcode = 0x1) => Buffer.concat([header(len, opcode), Buffer.alloc(len)]);

describe("FrameSizeMeter", () => {
  it("lets frames up to the limit through, across arbitrary chunk boundaries", () => {
    const tripped = jest.fn();
    const meter = new FrameSizeMeter(1000, tripped);
    const bytes = Buffer.concat([frame(10), frame(1000), frame(200), frame(5, 0x9)]);
    for (let i = 0; i < bytes.length; i += 7) meter.push(bytes.subarray(i, i + 7));
    expect(tripped).not.toHaveBeenCalled();
  });

  it("reports the first oversized data frame once, even split mid-header", () => {
    const tripped = jest.fn();
    const meter = new FrameSizeMeter(1000, tripped);
    const bytes = Buffer.concat([frame(10), frame(70000), frame(2000)]);
    meter.push(bytes.subarray(0, 17));
    meter.push(bytes.subarray(17, 19));
    meter.push(bytes.subarray(19));
    expect(tripped).toHaveBeenCalledTimes(1);
    expect(tripped).toHaveBeenCalledWith(70000);
  });
});
