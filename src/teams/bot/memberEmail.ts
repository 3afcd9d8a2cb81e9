import type { TurnContext } from "@microsoft/agents-hosting";
import type { ConnectorClient } from "@microsoft/agents-hosting";

/**
 * The email of the person who sent the activity, as Teams knows them: the connector's member look-up (`GET
 * /v3/conversations/{id}/members/{userId}`, a TeamsChannelAccount with `email` and `userPrincipalName`). Undefined
 * when Teams does not say.
 *
 * @example
 * await teamsMemberEmail(context) // "senco@oakfield.example"
 */
export async function teamsMemberEmail(context: TurnContext): Promise<string | undefined> {
  const from = context.activity.from?.id;
  const conversation = context.activity.conversation?.id;
  const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
  if (!from || !conversation || !client) return undefined;
  const member = (await client.getConversationMember(from, conversation)) as { email?: unknown; userPrincipalName?: unknown };
  const email = typeof member.email === "string" && member.email.includes("@") ? member.email : typeof member.userPrincipalName === "string" ? member.userPrincipalName : undefined;
  return email?.trim().toLowerCase();
}
