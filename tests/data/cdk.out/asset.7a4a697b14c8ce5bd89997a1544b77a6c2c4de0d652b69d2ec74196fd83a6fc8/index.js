// The items Lambda (Node.js, CommonJS). CORS headers for the allowed origins
// on success and on its own errors; /crash throws, so API Gateway answers
// 502 through DEFAULT_5XX, which the stack gives no CORS headers.
const ALLOWED = new Set((process.env.ALLOWED_ORIGINS || "").split(",").filter(Boolean));

const cors = (event) => {
  const headers = event.headers || {};
  const origin = headers.origin || headers.Origin;
  if (!ALLOWED.has(origin)) return { Vary: "Origin" };
  return { "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true", Vary: "Origin" };
};

exports.handler = async (event) => {
  if (event.resource === "/crash") throw new Error("crash on purpose");
  const status = event.httpMethod === "POST" ? 201 : 200;
  return {
    statusCode: status,
    headers: { "Content-Type": "application/json", ...cors(event) },
    body: JSON.stringify({ items: [{ id: 1, name: "apple" }], method: event.httpMethod }),
  };
};
