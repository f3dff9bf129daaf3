// Node.js test Lambda: ?do=sleep|spin|exit|raise|context|print misbehaves on demand.
import { writeFileSync } from "node:fs";

export const handler = async (event, context) => {
  const query = event.queryStringParameters ?? {};
  if (query.do === "sleep") {
    await new Promise((resolve) => setTimeout(resolve, Number(query.seconds ?? 5) * 1000));
  }
  if (query.do === "spin") {
    if (query.pidfile) writeFileSync(query.pidfile, String(process.pid));  // who to watch being killed
    for (;;) { /* a busy loop: only a kill stops it */ }
  }
  if (query.do === "exit") process.exit(3);
  if (query.do === "raise") throw new TypeError("Cannot read properties of undefined (reading 'id')");
  if (query.do === "print") console.log("this goes to the log, not the protocol");
  if (query.do === "context") {
    return { statusCode: 200, body: JSON.stringify({
      functionName: context.functionName, requestId: context.awsRequestId,
      remaining: context.getRemainingTimeInMillis(), pid: process.pid }) };
  }
  return { statusCode: 200, body: "node" };
};
