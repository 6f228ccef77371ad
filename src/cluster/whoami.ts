// The Kubernetes identity of a kubeconfig's credentials, as `kubectl auth whoami` asks for it: a
// SelfSubjectReview (authentication.k8s.io/v1, GA since 1.28). Each executed change records it,
// so the audit trail says which credentials ran the change, not only who approved it.
import { ApiException, AuthenticationV1Api, type KubeConfig } from '@kubernetes/client-node';

export interface KubeIdentity {
  username: string;
  groups: string[];
  uid?: string;
}

/** The server's message in a failed answer: a metav1.Status' message, or the first line of the text. */
function serverMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.split('\n')[0]?.trim() || undefined;
    }
  }
  if (typeof parsed === 'object' && parsed !== null) {
    const message = (parsed as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message.split('\n')[0];
  }
  return undefined;
}

function describe(error: unknown): string {
  if (error instanceof ApiException) {
    const code = Number(error.code);
    // client-node puts the answer's body in `body`, or only the spec's name for the code in the message.
    const message = serverMessage(error.body) ?? /^Message: (.+)$/m.exec(error.message)?.[1];
    if (code === 404)
      return 'who am I: the server does not serve SelfSubjectReview (authentication.k8s.io/v1, Kubernetes 1.28+)';
    return `who am I: ${code}${message ? ` ${message}` : ''}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a TLS error …).
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const why = cause?.code ?? cause?.message;
  return `who am I: ${message.split('\n')[0] || 'request failed'}${why ? ` (${why})` : ''}`;
}

/** Who the current context's credentials are; a one-line error instead of throwing. */
export async function whoAmI(kubeConfig: KubeConfig): Promise<KubeIdentity | { error: string }> {
  try {
    const api = kubeConfig.makeApiClient(AuthenticationV1Api);
    const review = await api.createSelfSubjectReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    const user = review.status?.userInfo;
    if (!user?.username) return { error: 'who am I: the server answered without a username' };
    return { username: user.username, groups: user.groups ?? [], ...(user.uid ? { uid: user.uid } : {}) };
  } catch (error) {
    return { error: describe(error) };
  }
}
