import { managementEndpoint, partitionOfArn } from "../../../infra/aws-context";

describe("partitionOfArn", () => {
  it.each([
    ["arn:aws:iam::123456789012:user/x", "aws"],
    ["arn:aws-cn:sts::123456789012:assumed-role/r/s", "aws-cn"],
    ["arn:aws-us-gov:iam::123456789012:root", "aws-us-gov"],
  ])("%s → %s", (arn, partition) => {
    expect(partitionOfArn(arn)).toBe(partition);
  });

  it("rejects a non-ARN", () => {
    expect(() => partitionOfArn("not-an-arn")).toThrow(/not an ARN/);
  });
});

describe("managementEndpoint", () => {
  it("builds the stage's management endpoint with the partition's DNS suffix", () => {
    expect(managementEndpoint("abc123", "eu-west-1", "dev", "amazonaws.com")).toBe("https://abc123.execute-api.eu-west-1.amazonaws.com/dev");
    expect(managementEndpoint("abc123", "cn-north-1", "dev", "amazonaws.com.cn")).toBe("https://abc123.execute-api.cn-north-1.amazonaws.com.cn/dev");
  });
});
