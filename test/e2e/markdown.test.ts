/**
 * Answers are rendered as Markdown (web/js/markdown.js) in the real browser with the real
 * libraries the page server maps under /vendor/: the formatting a model writes shows as
 * formatting, and a corpus of Markdown and HTML attacks puts no script, handler, remote
 * image, SVG or unsafe link on the page. The corpus runs through the page's own module
 * (page.evaluate imports it), and a subset travels the whole way: an order's item names
 * (tenant data an attacker could have planted) → the action group → the agent's answer →
 * the streamed answer bubble. A streamed answer re-renders in place, never blanking (no
 * flicker).
 */
import type { Page } from "playwright-core";
import { browserSuite } from "./support/browser-suite";
import { SLOW_MARKER } from "../../local/bedrock/agent-runtime";
import { answerTimeline, ask, finishedAnswer, recordAnswerTimeline, signIn, waitForConnected } from "./support/chat-page";
import { withOperatorClients } from "../support/stack/aws-clients";
import { addOrderFor, type TestOrder } from "../support/stack/orders";

jest.setTimeout(30_000);

/** Each entry is one attack; every one of them must leave `window.__xss` unset. */
const XSS_CORPUS: readonly string[] = [
  "[click](javascript:window.__xss=1)",
  "[click](JaVaScRiPt:window.__xss=2)",
  "[click]( javascript:window.__xss=3)",
  "[click](&#106;avascript:window.__xss=4)",
  "[click](java\tscript:window.__xss=5)",
  "<javascript:window.__xss=6>",
  "[ref][r]\n\n[r]: javascript:window.__xss=7",
  "[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9ODwvc2NyaXB0Pg==)",
  "[vb](vbscript:msgbox(9))",
  "<script>window.__xss=10</script>",
  "<img src=x onerror=\"window.__xss=11\">",
  "![x](x \"onerror\")",
  "![tracker](https://evil.example/pixel.png)",
  "<svg onload=\"window.__xss=12\"><circle r=1 /></svg>",
  "<svg><script>window.__xss=13</script></svg>",
  "<math><mi xlink:href=\"javascript:window.__xss=14\">x</mi></math>",
  "<iframe src=\"javascript:window.__xss=15\"></iframe>",
  "<a href=\"javascript:window.__xss=16\">raw link</a>",
  "<details open ontoggle=\"window.__xss=17\">x</details>",
  "<style>body{background:url(javascript:window.__xss=18)}</style>",
  "`<img src=x onerror=window.__xss=19>`",
  "```html\n<script>window.__xss=20</script>\n<img src=x onerror=window.__xss=21>\n```",
  "**<img src=x onerror=window.__xss=22>**",
  "- item <b onmouseover=\"window.__xss=23\">bold</b>",
  "| a | b |\n|---|---|\n| <img src=x onerror=window.__xss=24> | [x](javascript:window.__xss=25) |",
  "[x](https://ok.example \"\\\" onmouseover=\\\"window.__xss=26\")",
  "<form action=\"javascript:window.__xss=27\"><button>go</button></form>",
  "<object data=\"data:text/html,<script>window.__xss=28</script>\"></object>",
  "<noscript><p title=\"</noscript><img src=x onerror=window.__xss=29>\">",
];

/** Everything an attack could have left behind in `root`. */
function findUnsafe(page: Page, selector: string): Promise<string[]> {
  return page.$eval(selector, (root) => {
    const problems: string[] = [];
    for (const node of Array.from(root.querySelectorAll("*"))) {
      const tag = node.tagName.toLowerCase();
      if (["script", "img", "svg", "math", "iframe", "object", "embed", "style", "form", "input", "button", "details", "noscript", "link", "meta", "base"].includes(tag)) {
        problems.push(`<${tag}>`);
      }
      for (const attr of Array.from(node.attributes)) {
        if (/^on/i.test(attr.name) || attr.name === "style" || attr.name === "src" || (attr.name.includes("href") && tag !== "a")) {
          problems.push(`${tag}[${attr.name}]`);
        }
      }
      if (tag === "a") {
        const href = node.getAttribute("href") ?? "";
        if (!/^(https?:|mailto:)/i.test(href)) problems.push(`a[href=${href}]`);
        if (node.getAttribute("target") !== "_blank") problems.push("a without target=_blank");
        if (node.getAttribute("rel") !== "noopener noreferrer") problems.push("a without rel=noopener noreferrer");
      }
    }
    return problems;
  });
}


/** The page (no sign-in needed), with the rendered corpus appended to #messages. */
async function renderInPage(page: Page, sources: readonly string[]): Promise<void> {
  await page.goto(suite.stack.webUrl);
  // A string, not a function: Jest's transform would turn a function's import() into require().
  await page.evaluate(`(async (texts) => {
    const { renderMarkdown } = await import("/js/markdown.js");
    const host = document.createElement("div");
    host.id = "corpus";
    document.body.append(host);
    for (const text of texts) {
      const item = document.createElement("div");
      item.className = "text markdown";
      item.append(renderMarkdown(text));
      host.append(item);
    }
  })(${JSON.stringify(sources)})`);
}

const suite = browserSuite();

test("Markdown renders lists, emphasis, code, tables and safe links", async () => {
  const context = await suite.browser.newContext();
  try {
    const page = await context.newPage();
    const markdown = [
      "You have **2** orders and *one* return:",
      "",
      "- first",
      "- second with `code`",
      "",
      "1. one",
      "2. two",
      "",
      "```",
      "const x = 1 < 2;",
      "```",
      "",
      "| order | status |",
      "|---|---|",
      "| ord-1 | shipped |",
      "",
      "See [the policy](https://example.com/returns) or [mail us](mailto:help@example.com).",
      "line one",
      "line two",
    ].join("\n");
    await renderInPage(page, [markdown]);
    const shape = await page.$eval("#corpus .markdown", (root) => ({
      strong: root.querySelector("strong")?.textContent,
      em: root.querySelector("em")?.textContent,
      ul: root.querySelectorAll("ul > li").length,
      ol: root.querySelectorAll("ol > li").length,
      code: root.querySelector("li code")?.textContent,
      pre: root.querySelector("pre code")?.textContent,
      cells: Array.from(root.querySelectorAll("table td")).map((td) => td.textContent),
      links: Array.from(root.querySelectorAll("a")).map((a) => [a.getAttribute("href"), a.getAttribute("target"), a.getAttribute("rel")]),
      breaks: root.querySelectorAll("br").length,
    }));
    expect(shape).toEqual({
      strong: "2",
      em: "one",
      ul: 2,
      ol: 2,
      code: "code",
      pre: "const x = 1 < 2;\n",
      cells: ["ord-1", "shipped"],
      links: [
        ["https://example.com/returns", "_blank", "noopener noreferrer"],
        ["mailto:help@example.com", "_blank", "noopener noreferrer"],
      ],
      breaks: 2,
    });
    await expect(findUnsafe(page, "#corpus")).resolves.toEqual([]);
  } finally {
    await context.close();
  }
});

test("a corpus of Markdown and HTML attacks renders as text and runs nothing", async () => {
  const context = await suite.browser.newContext();
  try {
    const page = await context.newPage();
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    await renderInPage(page, XSS_CORPUS);
    await expect(page.locator("#corpus .markdown").count()).resolves.toBe(XSS_CORPUS.length);
    await expect(findUnsafe(page, "#corpus")).resolves.toEqual([]);
    // Hover and click everything that is left: no handler or javascript: URL may run.
    for (const link of await page.locator("#corpus a, #corpus b").all()) await link.hover();
    await page.waitForTimeout(200); // an image error or load handler would have fired by now
    await expect(page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).resolves.toBeUndefined();
    expect(requests.filter((url) => url.includes("evil.example") || url.endsWith("/x"))).toEqual([]);
    // The attack text is still readable: raw HTML shows as text, not silently dropped.
    const text = await page.textContent("#corpus");
    expect(text).toContain("<script>window.__xss=10</script>");
    expect(text).toContain("<svg onload=");
  } finally {
    await context.close();
  }
});

test("an order whose item names are Markdown and HTML attacks streams into the answer as safe text", async () => {
  const items = [
    "[click](javascript:window.__xss=101)",
    "<img src=x onerror=window.__xss=102>",
    "![t](https://evil.example/t.png)",
    "<svg onload=window.__xss=103>",
    "[d](data:text/html,<script>window.__xss=104</script>)",
    "**Bold lamp**",
  ];
  const order: TestOrder = { orderId: "ord-md-1", orderDate: "2026-11-02T08:00:00Z", total: 7, currency: "EUR", status: "shipped", items };
  await withOperatorClients(suite.stack, (operator) => addOrderFor(operator, "tenant3-user", order));
  const context = await suite.browser.newContext();
  try {
    const page = await context.newPage();
    await signIn(page, suite.stack, "tenant3-user");
    await waitForConnected(page);
    const answerId = await ask(page, "List my orders");
    const answer = await finishedAnswer(page, answerId);
    expect(answer.phase).toBe("done");
    const bubble = `.message.assistant[data-answer-id="${answerId}"]`;
    // The allowed path: the answer is formatted (a list, the order id and item in bold).
    await expect(page.locator(`${bubble} .text li strong`, { hasText: "ord-md-1" }).count()).resolves.toBe(1);
    await expect(page.locator(`${bubble} .text strong`, { hasText: "Bold lamp" }).count()).resolves.toBe(1);
    expect(answer.text).toContain("<img src=x onerror=window.__xss=102>");
    // The denial: nothing executable or remote came out of it.
    // The answer's own text (its Copy button and time are the page's, not the answer's).
    await expect(findUnsafe(page, `${bubble} .text`)).resolves.toEqual([]);
    await page.waitForTimeout(200);
    await expect(page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).resolves.toBeUndefined();
  } finally {
    await context.close();
  }
});

test("a streamed answer re-renders in place as it grows: its text never blanks and its element is never replaced", async () => {
  const context = await suite.browser.newContext();
  try {
    const page = await context.newPage();
    await signIn(page, suite.stack, "tenant3-user");
    await waitForConnected(page);
    await recordAnswerTimeline(page);
    const answerId = await ask(page, `What is the return policy? ${SLOW_MARKER}`);
    const text = `.message.assistant[data-answer-id="${answerId}"] .text`;
    await page.$eval(text, (node) => node.setAttribute("data-first-render", "kept"));
    const answer = await finishedAnswer(page, answerId, 30_000);
    expect(answer.phase).toBe("done");
    const lengths = (await answerTimeline(page, answerId)).map((s) => s.textLength);
    const first = lengths.findIndex((n) => n > 0);
    // Streamed in several steps (the allowed path), and never empty once it had text.
    expect(new Set(lengths.slice(first)).size).toBeGreaterThanOrEqual(3);
    expect(lengths.slice(first).filter((n) => n === 0)).toEqual([]);
    // The same element all along: swapped contents, not a new node per chunk.
    await expect(page.getAttribute(text, "data-first-render")).resolves.toBe("kept");
  } finally {
    await context.close();
  }
});
