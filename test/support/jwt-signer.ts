/**
 * The test identity provider (Cognito-shaped tokens, JWKS, a JWKS server) for the tests;
 * it lives in local/cognito/ so the benchmarks can use it without importing test/.
 */
export * from "../../local/cognito/test-identity-provider";
