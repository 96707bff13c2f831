// Types for /vendor/marked.js, which local/hosting/page-server.ts serves from the pinned
// `marked` package (its ES module build). The page imports the URL; tsc reads this file.
export * from "marked";
