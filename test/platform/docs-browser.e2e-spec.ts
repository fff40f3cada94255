import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { cdrRecord, ingestOk } from '../support/cdr-fixtures';
import { pdfBytes } from '../support/compliance-fixtures';
import { seedApiKey, seedUser } from '../support/seed';
import { startTestApp, type TestApp } from '../support/test-app';

/** Debian's chromium (.ci/run installs it); CHROMIUM_PATH points elsewhere. No browser download. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Swagger UI at /docs in a real headless Chromium, as a newcomer uses it: authorise with an API
 * key, "Try it out" on GET /v1/cdrs, and the local server (not production) answers 200.
 */
describe('Swagger UI in a real browser', () => {
  let t: TestApp;
  let browser: Browser;

  /** /docs, then Authorize → bearer → the key, as a newcomer does it. */
  async function openAuthorized(page: Page, key: string): Promise<void> {
    await page.goto(`${t.url}/docs`);
    await page.locator('button.btn.authorize').first().click();
    const bearer = page.locator('.auth-container').filter({ has: page.locator('h4', { hasText: /^bearer\b/ }) });
    await bearer.locator('input').fill(key);
    await bearer.locator('button.authorize').click();
    await bearer.getByText('Authorized').waitFor();
    await page.locator('.dialog-ux button.close-modal').first().click();
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (or set CHROMIUM_PATH)`);
    t = await startTestApp();
    // Playwright gives every launch a fresh, empty user-data-dir.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('authorises with a bearer key and lists CDRs with "Try it out" against this server', async () => {
    const owner = await seedUser(t, { apiKeysEnabled: true });
    await ingestOk(t, [cdrRecord(owner.accountId, { from: '+441234567890' })]);
    const key = await seedApiKey(t, owner.accountId, ['cdrs:read']);

    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await openAuthorized(page, key);

    const operation = page.locator('#operations-cdrs-listCdrs');
    await operation.locator('.opblock-summary').first().click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();

    const live = operation.locator('.live-responses-table .response .response-col_status');
    await live.first().waitFor({ timeout: 20_000 });
    expect((await live.first().innerText()).trim()).toBe('200');
    const requestUrl = await operation.locator('.request-url pre').first().innerText();
    // The local server, not production; with the pre-filled parameters only (no filter that hides the CDRs).
    expect(requestUrl.trim()).toBe(`${t.url}/v1/cdrs?limit=20`);
    const body = await operation.locator('.live-responses-table .response-col_description pre').first().innerText();
    expect(JSON.parse(body)).toMatchObject({ object: 'list', data: [expect.objectContaining({ from: '+441234567890' })] });
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('"Try it out" with the documented examples: createEndUser (individual, then business) and an upload with end_user_id left empty', async () => {
    const owner = await seedUser(t, { apiKeysEnabled: true });
    const key = await seedApiKey(t, owner.accountId);
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await openAuthorized(page, key);

    const status = async (operation: ReturnType<typeof page.locator>): Promise<string> => {
      const live = operation.locator('.live-responses-table .response .response-col_status');
      await live.first().waitFor({ timeout: 20_000 });
      return (await live.first().innerText()).trim();
    };

    const create = page.locator('#operations-compliance-createEndUser');
    await create.locator('.opblock-summary').first().click();
    await create.getByRole('button', { name: 'Try it out' }).click();
    await create.getByRole('button', { name: 'Execute' }).click();
    expect(await status(create)).toBe('201');
    await create.locator('.examples-select select').first().selectOption('business');
    await create.getByRole('button', { name: 'Clear' }).click();
    await create.getByRole('button', { name: 'Execute' }).click();
    expect(await status(create)).toBe('201');
    const business = JSON.parse(await create.locator('.live-responses-table .response-col_description pre').first().innerText());
    expect(business).toMatchObject({ type: 'business', business_name: 'Muster GmbH' });

    const upload = page.locator('#operations-compliance-uploadDocument');
    await upload.locator('.opblock-summary').first().click();
    await upload.getByRole('button', { name: 'Try it out' }).click();
    await upload.locator('input[type=file]').setInputFiles({ name: 'passport.pdf', mimeType: 'application/pdf', buffer: pdfBytes() });
    await upload.locator('select:has(option[value="passport"])').first().selectOption('passport');
    await upload.getByRole('button', { name: 'Execute' }).click();
    const uploaded = await status(upload);
    // The empty optional field goes out as `end_user_id=` and is read as "no end-user".
    const curl = await upload.locator('.curl-command, .curl').first().innerText();
    expect({ uploaded, curl }).toEqual({ uploaded: '201', curl: expect.stringContaining("-F 'end_user_id='") });
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
