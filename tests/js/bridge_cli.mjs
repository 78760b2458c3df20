// Node's side of tests/test_engine.py: a JSON array of requests on stdin, the answers on stdout.
import { handle } from "./bridge.mjs";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const requests = JSON.parse(Buffer.concat(chunks).toString("utf8"));
process.stdout.write(JSON.stringify(requests.map(handle)));
