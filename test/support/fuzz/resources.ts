import { INDIVIDUAL_DE, pdfBytes, upload } from '../compliance-fixtures';
import type { TestClient } from '../test-app';
import type { FuzzOperation } from './operations';

/**
 * Real resources of the caller's account for an operation's `{id}`, so generated bodies that
 * pass validation reach the service and the database instead of stopping at a 404. Operations
 * not listed here get a placeholder id. A failed creation fails the suite (never a silent
 * fall-back to less coverage).
 */
export async function realIds(op: FuzzOperation, client: TestClient): Promise<Record<string, string>> {
  const created = async (res: Promise<{ status: number; body: { id?: string } }>, what: string): Promise<string> => {
    const { status, body } = await res;
    if (status !== 201 || !body.id) throw new Error(`fuzz fixture: creating ${what} answered ${status} ${JSON.stringify(body)}`);
    return body.id;
  };
  const endUser = () => created(client.post('/v1/compliance/end-users').send(INDIVIDUAL_DE), 'an end-user');
  const document = (endUserId?: string) =>
    created(upload(client, pdfBytes(), endUserId ? { type: 'passport', end_user_id: endUserId } : { type: 'passport' }), 'a document');
  const bundle = async () => {
    const eu = await endUser();
    const doc = await document(eu);
    return created(
      client.post('/v1/compliance/bundles').send({ end_user_id: eu, document_ids: [doc], country: 'DE', number_type: 'local' }),
      'a bundle',
    );
  };
  const template = op.template;
  if (template.startsWith('/v1/compliance/end-users/{id}')) return { id: await endUser() };
  if (template.startsWith('/v1/compliance/documents/{id}')) return { id: await document() };
  if (template.startsWith('/v1/compliance/bundles/{id}') || template.startsWith('/v1/admin/bundles/{id}')) return { id: await bundle() };
  if (template.startsWith('/v1/sip-gateways/{id}')) {
    const body = { name: 'Fuzz SBC', host: 'sbc1.example.com', username: 'fuzz-trunk', password: 'a long sip password 42' };
    return { id: await created(client.post('/v1/sip-gateways').send(body), 'a SIP gateway') };
  }
  if (template.startsWith('/v1/api-keys/{id}')) return { id: await created(client.post('/v1/api-keys').send({ name: 'fuzz key' }), 'an API key') };
  if (template.startsWith('/v1/admin/accounts/{id}')) {
    const account = await client.get('/v1/account');
    if (account.status !== 200) throw new Error(`fuzz fixture: GET /v1/account answered ${account.status}`);
    return { id: account.body.id as string };
  }
  return {};
}
