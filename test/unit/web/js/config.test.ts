import { ConfigError, loadWebConfig, parseWebConfig } from "../../../../web/js/config.js";

const good = {
  region: "us-east-1",
  userPoolClientId: "c",
  cognitoEndpoint: "http://127.0.0.1:4100/",
  webSocketUrl: "ws://127.0.0.1:4200/local",
  webSocketProtocol: "mta.v1",
};

describe("parseWebConfig", () => {
  it("accepts the web server's config and drops unknown fields", () => {
    expect(parseWebConfig({ ...good, extra: "x" })).toEqual(good);
  });

  it.each([
    [null, "not an object"],
    [{ ...good, userPoolClientId: "" }, "no userPoolClientId"],
    [{ ...good, webSocketUrl: "https://x" }, "not a ws:// or wss:// URL"],
    [{ ...good, cognitoEndpoint: "javascript:alert(1)" }, "not an http(s) URL"],
  ])("refuses %j", (raw, message) => {
    expect(() => parseWebConfig(raw)).toThrow(ConfigError);
    expect(() => parseWebConfig(raw)).toThrow(message);
  });
});

describe("loadWebConfig", () => {
  it("fetches /config.json without caching", async () => {
    const fetch = jest.fn(async () => ({ ok: true, status: 200, json: async () => good }));
    await expect(loadWebConfig(fetch)).resolves.toEqual(good);
    expect(fetch).toHaveBeenCalledWith("/config.json", { cache: "no-store" });
  });

  it("explains a missing or unreachable config", async () => {
    await expect(loadWebConfig(async () => ({ ok: false, status: 404, json: async () => ({}) }))).rejects.toThrow("/config.json answered 404");
    await expect(loadWebConfig(async () => { throw new TypeError("offline"); })).rejects.toThrow("cannot load /config.json");
  });
});
