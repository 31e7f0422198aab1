// temporary
import { spawn } from "node:child_process";
import autocannon from "autocannon";
const src = `const http=require("node:http");const body=JSON.stringify({ok:true});http.createServer((req,res)=>{req.resume();req.on("end",()=>{res.writeHead(200,{"Content-Type":"application/json","Content-Length":Buffer.byteLength(body)});res.end(body)})}).listen(0,"127.0.0.1",function(){console.log("port "+this.address().port)})`;
const child = spawn(process.execPath, ["-e", src], { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise<number>((r) => child.stdout.on("data", (c) => r(Number(/port (\d+)/.exec(String(c))![1]))));
const url = `http://127.0.0.1:${port}/api/v1/decisions`;
const body = () => `{"customer":"bench-${String(1 + Math.floor(Math.random() * 100000)).padStart(6, "0")}","topic":"newsletter","channel":"email"}`;
const headers = { "Content-Type": "application/json", Authorization: "Bearer msr_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" };
const a = await autocannon({ url, method: "POST", headers, connections: 50, duration: 5, requests: [{ setupRequest: (r) => ({ ...r, body: body() }) }] });
console.log("setupRequest", a.requests.average);
const pool = Array.from({ length: 4096 }, () => ({ method: "POST" as const, path: "/api/v1/decisions", headers, body: body() }));
const b = await autocannon({ url, method: "POST", headers, connections: 50, duration: 5, requests: pool });
console.log("prebuilt pool", b.requests.average);
const c = await autocannon({ url, method: "POST", headers, body: body(), connections: 50, duration: 5 });
console.log("fixed body", c.requests.average);
child.kill();
const child2 = spawn(process.execPath, ["-e", src], { stdio: ["ignore", "pipe", "inherit"] });
const port2 = await new Promise<number>((r) => child2.stdout.on("data", (c) => r(Number(/port (\d+)/.exec(String(c))![1]))));
const d = await autocannon({ url: `http://127.0.0.1:${port2}/api/v1/decisions`, method: "POST", headers, body: body(), connections: 50, duration: 5,
  setupClient: (client) => client.setRequests(Array.from({ length: 1024 }, () => ({ body: body() }))) });
console.log("setupClient pools", d.requests.average, d.non2xx);
child2.kill();
