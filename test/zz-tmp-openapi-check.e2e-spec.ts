import { startTestApp } from '/work/main/test/support/test-app';
it('openapi', async () => {
  const t = await startTestApp();
  const res = await t.http().get('/docs/openapi.json');
  const doc = res.body;
  console.log(res.status, JSON.stringify(doc.paths['/v1/api-keys']?.post?.security), JSON.stringify(doc.paths['/v1/admin/accounts/{id}']?.patch?.security), JSON.stringify(doc.components.schemas.CreateApiKeyDto).slice(0, 600));
  await t.close();
});
