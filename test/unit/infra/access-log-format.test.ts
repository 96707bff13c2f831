import { ACCESS_LOG_FIELDS, accessLogFormat } from "../../../infra/access-log-format";

describe("accessLogFormat", () => {
  it("is one JSON line of $context variables", () => {
    const parsed = JSON.parse(accessLogFormat());
    expect(parsed).toEqual(ACCESS_LOG_FIELDS);
    expect(accessLogFormat()).not.toContain("\n");
    for (const value of Object.values(parsed)) expect(value).toMatch(/^\$context\.[A-Za-z.]+$/);
  });

  it("has no query string, header, body or caller identity variable (tokens travel there)", () => {
    expect(accessLogFormat()).not.toMatch(/querystring|header|authorization|\$input|\$request|identity\.|body/i);
  });
});
