// Types for /vendor/purify.js, which local/hosting/page-server.ts serves from the pinned
// `dompurify` package (its ES module build). The page imports the URL; tsc reads this file.
export { default } from "dompurify";
export * from "dompurify";
