import { matchManagementPath } from "../../../local/management-api";

describe("matchManagementPath", () => {
  it("decodes the URI-encoded connection id under the stage", () => {
    expect(matchManagementPath("/dev/@connections/VLSD5fGa%2BIAM%2FCLBA%3D", "dev")).toEqual({ connectionId: "VLSD5fGa+IAM/CLBA=" });
  });
  it("rejects other stages, missing ids, nested paths and bad encoding", () => {
    expect(matchManagementPath("/prod/@connections/abc", "dev")).toBeUndefined();
    expect(matchManagementPath("/dev/@connections/", "dev")).toBeUndefined();
    expect(matchManagementPath("/dev/@connections/a/b", "dev")).toBeUndefined();
    expect(matchManagementPath("/dev/@connections/%E0%A4%A", "dev")).toBeUndefined();
  });
});
