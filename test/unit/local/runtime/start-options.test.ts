/**
 * `npm start -- --port-base N` / LOCAL_PORT_BASE: one validated base moves every port;
 * bad or unknown arguments are refused with a specific error (index.ts prints the usage
 * and exits 2), and without either the stack keeps its familiar ports.
 */
import {
  DEFAULT_PORT_BASE,
  parsePortBase,
  parseStartOptions,
  portsFrom,
  PORT_OFFSETS,
  START_USAGE,
  StartOptionsError,
} from "../../../../local/runtime/start-options";

function refusal(fn: () => unknown): StartOptionsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StartOptionsError) return error;
    throw error;
  }
  throw new Error("expected a StartOptionsError");
}

describe("portsFrom", () => {
  it("keeps today's ports for the default base", () => {
    expect(portsFrom(DEFAULT_PORT_BASE)).toEqual({
      web: 4500,
      apiGateway: 4510,
      cognito: 4520,
      dynamodb: 4530,
      sts: 4540,
      lambda: 4550,
      bedrockAgentRuntime: 4560,
      control: 4570,
      s3: 4580,
      bedrockAgent: 4590,
    });
  });

  it("puts the page at N and the WebSocket API at N+10, all below 65536 at the highest base", () => {
    const ports = portsFrom(6000);
    expect(ports.web).toBe(6000);
    expect(ports.apiGateway).toBe(6010);
    expect(new Set(Object.values(ports)).size).toBe(Object.keys(PORT_OFFSETS).length);
    expect(Math.max(...Object.values(portsFrom(65000)))).toBeLessThan(65536);
  });
});

describe("parsePortBase", () => {
  it("accepts integers from 1024 to 65000", () => {
    expect(parsePortBase("1024", "--port-base")).toBe(1024);
    expect(parsePortBase("65000", "--port-base")).toBe(65000);
    expect(parsePortBase(" 5500 ", "LOCAL_PORT_BASE")).toBe(5500);
  });

  it.each(["1023", "65001", "0", "-4500", "4500.5", "4.5e3", "0x1194", "abc", "", "99999999999"])("refuses %j", (text) => {
    const error = refusal(() => parsePortBase(text, "--port-base"));
    expect(error.code).toBe("INVALID_PORT_BASE");
    expect(error.message).toContain("--port-base must be an integer from 1024 to 65000");
  });
});

describe("parseStartOptions", () => {
  it("defaults to 4500 without the flag or the environment", () => {
    expect(parseStartOptions([], {})).toEqual({ portBase: 4500, help: false });
    expect(parseStartOptions([], { LOCAL_PORT_BASE: "" })).toEqual({ portBase: 4500, help: false });
  });

  it("reads --port-base N, --port-base=N and LOCAL_PORT_BASE, the flag winning", () => {
    expect(parseStartOptions(["--port-base", "5500"], {}).portBase).toBe(5500);
    expect(parseStartOptions(["--port-base=5600"], {}).portBase).toBe(5600);
    expect(parseStartOptions([], { LOCAL_PORT_BASE: "5700" }).portBase).toBe(5700);
    expect(parseStartOptions(["--port-base", "5500"], { LOCAL_PORT_BASE: "5700" }).portBase).toBe(5500);
  });

  it("names the source of a bad value", () => {
    expect(refusal(() => parseStartOptions(["--port-base", "80"], {})).message).toMatch(/^--port-base must be/);
    expect(refusal(() => parseStartOptions([], { LOCAL_PORT_BASE: "eighty" })).message).toMatch(/^LOCAL_PORT_BASE must be/);
  });

  it("refuses a missing value and unknown arguments", () => {
    expect(refusal(() => parseStartOptions(["--port-base"], {})).code).toBe("MISSING_VALUE");
    expect(refusal(() => parseStartOptions(["--port-base", "--help"], {})).code).toBe("MISSING_VALUE");
    const unknown = refusal(() => parseStartOptions(["--port", "5500"], {}));
    expect(unknown.code).toBe("UNKNOWN_ARGUMENT");
    expect(unknown.message).toBe('unknown argument "--port"');
    expect(refusal(() => parseStartOptions(["5500"], {})).code).toBe("UNKNOWN_ARGUMENT");
  });

  it("asks for help with --help or -h, and the usage names the option and its range", () => {
    expect(parseStartOptions(["--help"], {}).help).toBe(true);
    expect(parseStartOptions(["-h"], {}).help).toBe(true);
    expect(START_USAGE).toContain("--port-base N");
    expect(START_USAGE).toContain("1024-65000");
    expect(START_USAGE).toContain("LOCAL_PORT_BASE");
  });
});

describe("parseStartOptions --config", () => {
  it("takes a stack configuration file with --config FILE or --config=FILE, none by default", () => {
    expect(parseStartOptions(["--config", "stacks/budget.yaml"], {})).toEqual({ portBase: 4500, help: false, configFile: "stacks/budget.yaml" });
    expect(parseStartOptions(["--config=other.yaml", "--port-base", "5500"], {})).toEqual({ portBase: 5500, help: false, configFile: "other.yaml" });
    expect(parseStartOptions([], {}).configFile).toBeUndefined();
  });

  it("refuses --config without a file name", () => {
    expect(refusal(() => parseStartOptions(["--config"], {})).message).toBe("--config needs a file name");
    expect(refusal(() => parseStartOptions(["--config", "--port-base", "5500"], {})).code).toBe("MISSING_VALUE");
    expect(refusal(() => parseStartOptions(["--config="], {})).code).toBe("MISSING_VALUE");
  });

  it("names the option in the usage", () => {
    expect(START_USAGE).toContain("--config FILE");
  });
});
