// What an integrator's Node backend does with the PCO token broker, using only the AWS SDK for
// JavaScript (LambdaClient, InvokeCommand) and fetch:
//
//   LAMBDA_ENDPOINT=http://127.0.0.1:3000 PCO_API=https://api.planningcenteronline.com \
//     node broker.mjs <broker function name or ARN> <organization id>
//
// 1. a fresh PCO access token for the organization (the broker picks the person and says which),
// 2. a call to PCO's API with it (GET /people/v2/me),
// 3. the organization's connections,
// 4. a disconnect of the person the token acted as, then the same token request again.
// Prints one JSON line with what each step answered (never a token).
import { LambdaClient, InvokeCommand } from "@aws-sdk/client-lambda";

const [functionName, organizationId] = process.argv.slice(2);
if (!functionName || !organizationId) {
  console.error("usage: node broker.mjs <function name or ARN> <organization id>");
  process.exit(2);
}
const lambda = new LambdaClient({
  region: process.env.AWS_REGION ?? "us-east-1",
  ...(process.env.LAMBDA_ENDPOINT ? { endpoint: process.env.LAMBDA_ENDPOINT } : {}),
});

// One broker command; the answer is always a JSON object ({error, error_description, ...} when refused).
async function broker(command) {
  const answer = await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      Payload: new TextEncoder().encode(JSON.stringify(command)),
    }),
  );
  if (answer.FunctionError) {
    throw new Error(`broker failed: ${answer.FunctionError}`);
  }
  return JSON.parse(new TextDecoder().decode(answer.Payload));
}

const token = await broker({ operation: "access_token", organization_id: organizationId });
if (token.error) {
  console.log(JSON.stringify({ token }));
  process.exit(1);
}
const me = await fetch(`${process.env.PCO_API}/people/v2/me`, {
  headers: { Authorization: `Bearer ${token.access_token}` },
});
const person = me.ok ? (await me.json()).data.id : null;
const connections = await broker({ operation: "connections", organization_id: organizationId });
const disconnected = await broker({
  operation: "disconnect",
  organization_id: organizationId,
  person_id: token.person_id,
});
const after = await broker({ operation: "access_token", organization_id: organizationId });
console.log(
  JSON.stringify({
    token: {
      keys: Object.keys(token).sort(),
      person_id: token.person_id,
      person_selected: token.person_selected,
      expires_in: token.expires_in,
      scopes: token.scopes,
    },
    pco_me: { status: me.status, person },
    connections,
    disconnected,
    after,
  }),
);
