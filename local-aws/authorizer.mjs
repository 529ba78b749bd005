// The local AWS's IAM decisions: one JSON request a line on stdin, one answer a line on stdout.
// The evaluation is @cloud-copilot/iam-simulate's (identity policies, every condition operator,
// the action and the resource ARN checked against the IAM service definitions); this file only
// carries requests to it.
//
// Request: {"policies": [{"name", "policy"}], "principal": ARN, "action": "svc:Action",
//           "resource": ARN, "account": "123456789012", "context": {"iam:PolicyARN": "..."},
//           "resourcePolicy": a policy document, where the resource has one (a KMS key's)}
// Answer:  {"decision": "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied" | "Invalid",
//           "detail": "..."}
import { createInterface } from 'node:readline'
import { runSimulation } from '@cloud-copilot/iam-simulate'

async function decide(request) {
  const simulation = {
    identityPolicies: request.policies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.account },
      contextVariables: request.context || {},
    },
  }
  if (request.resourcePolicy) simulation.resourcePolicy = request.resourcePolicy
  const answer = await runSimulation(simulation, {})
  if (answer.resultType === 'error') {
    return { decision: 'Invalid', detail: JSON.stringify(answer.errors) }
  }
  return { decision: answer.overallResult }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  if (!line.trim()) continue
  let answer
  try {
    answer = await decide(JSON.parse(line))
  } catch (error) {
    answer = { decision: 'Invalid', detail: String(error) }
  }
  process.stdout.write(JSON.stringify(answer) + '\n')
}
