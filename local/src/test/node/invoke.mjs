// Invokes one function of the stack the way an integrator's Node backend does: the AWS SDK for
// JavaScript's LambdaClient and InvokeCommand, nothing of this project's code.
//
//   LAMBDA_ENDPOINT=http://127.0.0.1:3000 node invoke.mjs <function name or ARN> '<JSON command>'
//
// Without LAMBDA_ENDPOINT the SDK's own endpoint for AWS_REGION is used (a deployed stack, with
// the caller's IAM credentials). Prints one JSON line: {status, functionError, payload}.
import { LambdaClient, InvokeCommand } from "@aws-sdk/client-lambda";

const [functionName, command] = process.argv.slice(2);
if (!functionName || !command) {
  console.error("usage: node invoke.mjs <function name or ARN> '<JSON command>'");
  process.exit(2);
}
const client = new LambdaClient({
  region: process.env.AWS_REGION ?? "us-east-1",
  ...(process.env.LAMBDA_ENDPOINT ? { endpoint: process.env.LAMBDA_ENDPOINT } : {}),
});
const answer = await client.send(
  new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(command) }),
);
const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : "";
console.log(
  JSON.stringify({
    status: answer.StatusCode,
    functionError: answer.FunctionError ?? null,
    payload: text ? JSON.parse(text) : null,
  }),
);
