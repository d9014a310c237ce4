// Runs inside the sandbox under node: reads {"code", "inputs"} as JSON on stdin, calls main(inputs) and
// writes {"result": ...} or {"error": ...} as JSON on stdout. console output goes to stderr.
const chunks = [];
const write = (text) => process.stdout.write(text);
for (const name of ["log", "info", "warn", "debug"]) {
  console[name] = (...args) => process.stderr.write(args.map(String).join(" ") + "\n");
}
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", async () => {
  let answer;
  try {
    const request = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    const entry = new Function(request.code + "\n;return typeof main === 'function' ? main : undefined;")();
    if (typeof entry !== "function") {
      answer = { error: "The code must define a function named main" };
    } else {
      const result = await entry(request.inputs);
      if (result === null || typeof result !== "object" || Array.isArray(result)) {
        answer = { error: "main must return an object" };
      } else {
        answer = { result };
      }
    }
    write(JSON.stringify(answer));
  } catch (error) {
    write(JSON.stringify({ error: `${error && error.name}: ${error && error.message}` }));
  }
});
