/**
 * The same behaviour from every CRM: each adapter against its vendor's simulator over loopback
 * HTTP, driven through `upsertContacts`, the logic the CRM Upsert node runs.
 */
import { attachMedia, imageKind, mediaTag } from '../../../lib/crm/media';
import type { CrmAdapter } from '../../../lib/crm/types';
import { upsertContacts } from '../../../lib/crm/upsert';
import { marketingConsentOf } from '../../../lib/crm/consent';
import { decode, noiseImage } from '../../../devkit/generators/images';
import type { ContactInput, UpsertOutcome } from '../../../lib/crm/upsert';
import { CRM_HARNESSES } from './harnesses';
import type { CrmHarness, RunningCrm } from './harnesses';

jest.setTimeout(60_000);

describe.each(CRM_HARNESSES.map((harness) => [harness.crm, harness] as [string, CrmHarness]))(
	'%s',
	(_name, harness) => {
		let crm: RunningCrm;
		let adapter: CrmAdapter;
		let names: CrmAdapter['fieldNames'];
		let phoneSeq = 0;

		beforeEach(async () => {
			crm = await harness.start();
			adapter = crm.adapter;
			names = adapter.fieldNames;
		});
		afterEach(async () => {
			await crm?.close();
		});

		/** A fresh Hong Kong mobile number per test, so tests never see each other's contacts. */
		const newPhone = () => {
			phoneSeq++;
			return `+8529${String(1000000 + phoneSeq * 7919).slice(-7)}`;
		};
		const national = (e164: string) => e164.slice(4);
		const upsert = (inputs: ContactInput[], opts = {}) =>
			upsertContacts(adapter, inputs, { defaultCountry: 'HK', ...opts });
		const one = async (input: Omit<ContactInput, 'ref'>, opts = {}) =>
			(await upsert([{ ref: 0, ...input }], opts))[0];
		const upserted = (outcome: UpsertOutcome) => {
			if (outcome.outcome !== 'upserted')
				throw new Error(`expected upserted, got ${JSON.stringify(outcome)}`);
			return outcome;
		};
		/** Writes a contact as a person would have typed it into the CRM. */
		const seed = async (properties: Record<string, unknown>) => {
			const [result] = await adapter.upsertMany([
				{ ref: 0, properties: { [names.lastName!]: 'Seeded', ...properties } },
			]);
			if (!result.ok) throw new Error(`seeding failed: ${result.error.message}`);
			return result.id;
		};

		it('creates one contact per new customer, and running the same input again changes nothing', async () => {
			const phone = newPhone();
			const input = {
				phone,
				name: 'Chan Tai Man',
				tags: ['price_inquiry'],
				interactionAt: Date.parse('2026-11-20T08:00:00Z'),
			};
			const first = upserted(await one(input));
			expect(first.action).toBe('created');
			expect(first.e164).toBe(phone);
			const again = upserted(await one(input));
			expect(again).toMatchObject({ id: first.id, action: 'unchanged', changed: [] });
			const found = await adapter.findByPhone([phone]);
			expect(found.get(phone)?.map((c) => c.id)).toEqual([first.id]);
		});

		it("keeps Meta's marketing consent from the trigger's preference events and the Sender's 131050 deferral", async () => {
			const phone = newPhone();
			const field = names.marketingConsent!;
			expect(field).toBeTruthy();
			const consent = async () =>
				(await adapter.findByPhone([phone])).get(phone)![0].properties[field];
			const preference = (value: string, optedOut: boolean) => ({
				kind: 'preference',
				category: 'marketing_messages',
				value,
				optedOut,
				customer: { e164: phone },
			});
			const fromItem = (item: unknown) => ({ phone, marketingConsent: marketingConsentOf(item) });

			const stopped = upserted(await one(fromItem(preference('stop', true))));
			expect(stopped.changed).toContain(field);
			expect(await consent()).toBe('opted_out');
			// A message says nothing about consent: the field keeps its value.
			const message = upserted(await one(fromItem({ kind: 'message', type: 'text' })));
			expect(message.changed).not.toContain(field);
			expect(await consent()).toBe('opted_out');
			upserted(await one(fromItem(preference('resume', false))));
			expect(await consent()).toBe('opted_in');
			// The Sender's Deferred item after Meta refused marketing (131050).
			const deferred = {
				customer: { e164: phone },
				whatsapp: { outcome: 'deferred', rule: 'optOut', code: 131050, retryAt: null },
			};
			upserted(await one(fromItem(deferred)));
			expect(await consent()).toBe('opted_out');
			expect(crm.rejected()).toBe(0);
		});

		it('names a customer who gave no name by their number, and by their name once known', async () => {
			const phone = newPhone();
			const { id } = upserted(await one({ phone }));
			const contact = async () => (await adapter.findByPhone([phone])).get(phone)![0];
			expect((await contact()).properties[names.lastName!]).toBe(phone);
			upserted(await one({ phone, name: '陳大文' }));
			expect((await contact()).id).toBe(id);
			expect((await contact()).properties[names.lastName!]).toBe('陳大文');
			// A profile name never overwrites a name someone typed into the CRM.
			upserted(await one({ phone, name: 'Big Man' }));
			expect((await contact()).properties[names.lastName!]).toBe('陳大文');
		});

		it('finds a contact whatever format the CRM holds its number in', async () => {
			const phone = newPhone();
			const digits = national(phone);
			const stored = `(852) ${digits.slice(0, 4)}-${digits.slice(4)}`;
			const id = await seed({ [names.phone!]: stored });
			const outcome = upserted(await one({ phone: `852-${digits}` }));
			expect(outcome).toMatchObject({ id, matchedBy: 'phone' });
			expect(outcome.action).not.toBe('created');
			// The number the CRM already holds is not rewritten in another format.
			expect(outcome.changed).not.toContain(names.phone);
		});

		it('finds a contact stored with its national number ("91234567") when asked for +852…, with no default country', async () => {
			const phone = newPhone();
			const id = await seed({ [names.phone!]: national(phone) });
			const found = await adapter.findByPhone([phone]);
			expect(found.get(phone)?.map((c) => c.id)).toEqual([id]);
		});

		it('sends a number held by two contacts to review with both, never picking one', async () => {
			const phone = newPhone();
			const a = await seed({ [names.phone!]: `+852 ${national(phone)}` });
			const b = await seed({ [names.mobilePhone ?? names.phone!]: national(phone) });
			const outcome = await one({ phone });
			expect(outcome).toMatchObject({ outcome: 'review', reason: 'ambiguous', matchedBy: 'phone' });
			if (outcome.outcome !== 'review') throw new Error('unreachable');
			expect(outcome.candidates?.map((c) => c.id).sort()).toEqual([a, b].sort());
		});

		it('keeps a value the CRM changed later and lists it for review; newer input wins', async () => {
			const phone = newPhone();
			const id = await seed({ [names.phone!]: phone, [names.firstName!]: 'Mei' });
			const stale = await one({
				phone,
				updatedAt: Date.now() - 3_600_000,
				properties: { [names.firstName!]: 'May' },
			});
			expect(stale).toMatchObject({ outcome: 'review', reason: 'conflict', id });
			if (stale.outcome !== 'review') throw new Error('unreachable');
			expect(stale.keptFromCrm).toEqual([
				expect.objectContaining({ field: names.firstName, crmValue: 'Mei', inputValue: 'May' }),
			]);
			expect(
				(await adapter.findByPhone([phone])).get(phone)?.[0].properties[names.firstName!],
			).toBe('Mei');

			const fresh = upserted(
				await one({
					phone,
					updatedAt: Date.now() + 60_000,
					properties: { [names.firstName!]: 'May' },
				}),
			);
			expect(fresh).toMatchObject({ id, action: 'updated' });
			expect(fresh.changed).toContain(names.firstName);
			expect(
				(await adapter.findByPhone([phone])).get(phone)?.[0].properties[names.firstName!],
			).toBe('May');
		});

		it('fails bad input item by item with a reason, and the rest of the batch still goes', async () => {
			const phone = newPhone();
			const outcomes = await upsert([
				{ ref: 0, name: 'Nobody' },
				{ ref: 1, phone: '12345' },
				{ ref: 2, phone },
				{ ref: 3, email: 'not-an-address' },
			]);
			expect(outcomes.map((o) => o.outcome)).toEqual(['failed', 'failed', 'upserted', 'failed']);
			const reasons = outcomes.map((o) => (o.outcome === 'failed' ? o.error.message : ''));
			expect(reasons[0]).toMatch(/no phone, email or WhatsApp user ID/);
			expect(reasons[1]).toMatch(/not a valid number/);
			expect(reasons[3]).toMatch(/not an address/);
		});

		it('creates one contact when two messages from a new customer arrive in one run', async () => {
			const phone = newPhone();
			const outcomes = await upsert([
				{ ref: 0, phone, interactionAt: Date.parse('2026-11-20T08:00:00Z') },
				{ ref: 1, phone: national(phone), interactionAt: Date.parse('2026-11-20T08:01:00Z') },
			]);
			const [a, b] = outcomes.map(upserted);
			expect(a.id).toBe(b.id);
			expect((await adapter.findByPhone([phone])).get(phone)).toHaveLength(1);
			// Both messages count, and both messages' tags are kept.
			const grouped = await upsert([
				{
					ref: 0,
					phone,
					tags: ['price_inquiry'],
					interactionAt: Date.parse('2026-11-20T09:00:00Z'),
				},
				{
					ref: 1,
					phone,
					tags: ['shipping_info'],
					interactionAt: Date.parse('2026-11-20T09:01:00Z'),
				},
			]);
			expect(grouped.map((o) => o.outcome)).toEqual(['upserted', 'upserted']);
			const contact = (await adapter.findByPhone([phone])).get(phone)![0];
			expect(String(contact.properties[names.tags!]).split(';').sort()).toEqual([
				'price_inquiry',
				'shipping_info',
			]);
			expect(Number(contact.properties[names.interactionCount!])).toBe(2 + 2);
			expect(Date.parse(String(contact.properties[names.lastInteractionAt!]))).toBe(
				Date.parse('2026-11-20T09:01:00Z'),
			);
		});

		it('adds tags without losing the CRM’s, and counts an interaction once', async () => {
			const phone = newPhone();
			const at = Date.parse('2026-11-21T09:30:00Z');
			const created = upserted(await one({ phone, tags: ['vip'], interactionAt: at }));
			await one({ phone, tags: ['price_inquiry'], interactionAt: at });
			const contact = (await adapter.findByPhone([phone])).get(phone)![0];
			expect(contact.id).toBe(created.id);
			expect(String(contact.properties[names.tags!]).split(';').sort()).toEqual([
				'price_inquiry',
				'vip',
			]);
			expect(Number(contact.properties[names.interactionCount!])).toBe(1);
			// A person's tag typed into the CRM stays when WhatsApp adds another.
			await adapter.upsertMany([
				{
					ref: 0,
					id: created.id,
					properties: { [names.tags!]: `${String(contact.properties[names.tags!])};called_back` },
				},
			]);
			const later = upserted(
				await one({ phone, tags: ['order_status'], interactionAt: at + 60_000 }),
			);
			expect(later.changed).toEqual(
				expect.arrayContaining([names.tags, names.interactionCount, names.lastInteractionAt]),
			);
			const after = (await adapter.findByPhone([phone])).get(phone)![0];
			expect(String(after.properties[names.tags!]).split(';').sort()).toEqual([
				'called_back',
				'order_status',
				'price_inquiry',
				'vip',
			]);
			expect(Number(after.properties[names.interactionCount!])).toBe(2);
			expect(crm.rejected()).toBe(0);
		});

		it('logs a message on the timeline once, however often it arrives', async () => {
			const phone = newPhone();
			const { id } = upserted(await one({ phone }));
			const log = {
				ref: 0,
				contactId: id,
				messageId: `wamid.behaviour-${adapter.crm}-${phone}`,
				direction: 'inbound' as const,
				at: Date.now(),
				body: '幾錢呀?',
				customer: { e164: phone },
			};
			const [first] = await adapter.logMessages([log]);
			const [second] = await adapter.logMessages([log]);
			expect(first).toMatchObject({ ok: true, duplicate: false });
			expect(second).toMatchObject({ ok: true, duplicate: true });
			if (first.ok && second.ok) expect(second.id).toBe(first.id);
			expect(crm.loggedMessages(id)).toHaveLength(1);
		});

		describe('attaching WhatsApp media', () => {
			const KB = 1024;
			let mediaSeq = 0;
			const wamid = (label: string) => `wamid.media-${adapter.crm}-${label}`;
			// HK numbers of their own (6xxx xxxx are all valid), apart from the other tests' sequence.
			const mediaPhone = () => `+8526${String(1000000 + ++mediaSeq * 4099).slice(-7)}`;
			const newContact = async () => upserted(await one({ phone: mediaPhone() })).id;

			it('attaches an image within the limit as it is, named with its message tag', async () => {
				const contactId = await newContact();
				const png = await noiseImage({ width: 100, height: 80, format: 'image/png' });
				const [outcome] = await attachMedia(adapter, [
					{
						ref: 0,
						contactId,
						messageId: wamid('small'),
						data: png,
						mimeType: 'image/png',
						fileName: 'menu.png',
						description: 'Is this on the menu?',
					},
				]);
				if (!outcome.ok) throw new Error(outcome.error.message);
				expect(outcome).toMatchObject({
					duplicate: false,
					reEncoded: false,
					bytes: png.length,
					originalBytes: png.length,
					mimeType: 'image/png',
				});
				expect(outcome.attachmentId).toBeTruthy();
				const stored = crm.attachments(contactId);
				expect(stored).toHaveLength(1);
				expect(stored[0].data.equals(png)).toBe(true);
				expect(stored[0].fileName).toBe(`menu (${mediaTag(wamid('small'))}).png`);
			});

			it('keeps a file name in Chinese as the customer sent it', async () => {
				const contactId = await newContact();
				const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2 * KB, 0x20)]);
				const [outcome] = await attachMedia(adapter, [
					{
						ref: 0,
						contactId,
						messageId: wamid('cjk'),
						data: pdf,
						mimeType: 'application/pdf',
						fileName: '發票 2026-11.pdf',
					},
				]);
				expect(outcome).toMatchObject({ ok: true, fileName: '發票 2026-11.pdf' });
				expect(crm.attachments(contactId).map((a) => a.fileName)).toEqual([
					`發票 2026-11 (${mediaTag(wamid('cjk'))}).pdf`,
				]);
			});

			it('shrinks an image over the limit below it, and the CRM holds a picture that still decodes', async () => {
				const contactId = await newContact();
				const png = await noiseImage({ width: 600, height: 400, format: 'image/png', seed: 7 });
				const maxBytes = 200 * KB;
				const [outcome] = await attachMedia(
					adapter,
					[
						{
							ref: 0,
							contactId,
							messageId: wamid('large'),
							data: png,
							mimeType: 'image/png',
							fileName: 'receipt.png',
						},
					],
					{ maxBytes },
				);
				if (!outcome.ok) throw new Error(outcome.error.message);
				expect(outcome).toMatchObject({
					reEncoded: true,
					mimeType: 'image/jpeg',
					fileName: 'receipt.jpg',
					originalBytes: png.length,
				});
				expect(outcome.bytes).toBeLessThanOrEqual(maxBytes);
				const [stored] = crm.attachments(contactId);
				expect(stored.data.length).toBe(outcome.bytes);
				expect(imageKind(stored.data)).toBe('jpeg');
				const picture = await decode(stored.data);
				expect(picture.width / picture.height).toBeCloseTo(600 / 400, 1);
			});

			it('attaches a message’s media once, however often it arrives', async () => {
				const contactId = await newContact();
				const png = await noiseImage({ width: 60, height: 60, format: 'image/png', seed: 3 });
				const media = {
					contactId,
					messageId: wamid('twice'),
					data: png,
					mimeType: 'image/png',
					fileName: 'photo.png',
				};
				const [first, sameCall] = await attachMedia(adapter, [
					{ ref: 0, ...media },
					{ ref: 1, ...media },
				]);
				const [again] = await attachMedia(adapter, [{ ref: 0, ...media }]);
				expect(first).toMatchObject({ ok: true, duplicate: false });
				expect(sameCall).toMatchObject({ ok: true, duplicate: true });
				expect(again).toMatchObject({ ok: true, duplicate: true });
				if (first.ok && again.ok && sameCall.ok) {
					expect(again.attachmentId).toBe(first.attachmentId);
					expect(sameCall.attachmentId).toBe(first.attachmentId);
				}
				expect(crm.attachments(contactId)).toHaveLength(1);
			});

			it('fails a document over the limit on its own, with a reason, and the rest of the batch still goes', async () => {
				const contactId = await newContact();
				const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300 * KB, 0x20)]);
				const png = await noiseImage({ width: 40, height: 40, format: 'image/png', seed: 5 });
				const outcomes = await attachMedia(
					adapter,
					[
						{
							ref: 0,
							contactId,
							messageId: wamid('pdf'),
							data: pdf,
							mimeType: 'application/pdf',
							fileName: 'invoice.pdf',
						},
						{
							ref: 1,
							contactId,
							messageId: wamid('png'),
							data: png,
							mimeType: 'image/png',
							fileName: 'ok.png',
						},
					],
					{ maxBytes: 200 * KB },
				);
				expect(outcomes.map((o) => o.ok)).toEqual([false, true]);
				if (!outcomes[0].ok) {
					expect(outcomes[0].error.code).toBe('TOO_LARGE');
					expect(outcomes[0].error.message).toMatch(
						/^"invoice\.pdf" is 0\.3 MB, over the 0\.2 MB limit, and only images can be made smaller \(a larger Max Size allows it: .+ takes files up to \d+ MB\)$/,
					);
				}
				expect(crm.attachments(contactId).map((a) => a.fileName)).toEqual([
					`ok (${mediaTag(wamid('png'))}).png`,
				]);
			});

			it('fails media for a contact that does not exist with a reason, and attaches nothing for it', async () => {
				const contactId = await newContact();
				const png = await noiseImage({ width: 40, height: 40, format: 'image/png', seed: 9 });
				const outcomes = await attachMedia(adapter, [
					{
						ref: 0,
						contactId: crm.unknownContactId,
						messageId: wamid('ghost'),
						data: png,
						mimeType: 'image/png',
					},
					{ ref: 1, contactId, messageId: wamid('real'), data: png, mimeType: 'image/png' },
				]);
				expect(outcomes.map((o) => o.ok)).toEqual([false, true]);
				if (!outcomes[0].ok) {
					expect(outcomes[0].error.code).toBe('CONTACT_NOT_FOUND');
					expect(outcomes[0].error.message).toContain(`no contact ${crm.unknownContactId}`);
				}
				expect(crm.attachments(crm.unknownContactId)).toHaveLength(0);
			});

			it('reports a file the CRM itself refuses as too large on that item alone', async () => {
				const small = await harness.start({ maxFileBytes: 50 * KB });
				try {
					const [created] = await small.adapter.upsertMany([
						{ ref: 0, properties: { [names.lastName!]: 'Big File', [names.phone!]: mediaPhone() } },
					]);
					if (!created.ok) throw new Error(created.error.message);
					const file = (label: string, size: number) => ({
						contactId: created.id,
						messageId: wamid(label),
						fileName: `${label}.pdf`,
						mimeType: 'application/pdf',
						data: Buffer.alloc(size, 0x20),
					});
					const results = await small.adapter.attachFiles([
						{ ref: 0, ...file('huge', 60 * KB) },
						{ ref: 1, ...file('fine', 10 * KB) },
					]);
					expect(results.map((r) => r.ok)).toEqual([false, true]);
					if (!results[0].ok)
						expect(results[0].error.message).toMatch(/too large|size|maximum|exceeds/i);
					expect(small.attachments(created.id).map((a) => a.data.length)).toEqual([10 * KB]);
				} finally {
					await small.close();
				}
			});
		});

		it('writes 250 new customers in the CRM’s batch size, each reported', async () => {
			const inputs = Array.from({ length: 250 }, (_, i) => ({
				ref: i,
				phone: `+8536${String(2000000 + i * 13 + phoneSeq * 1000).slice(-7)}`,
			}));
			phoneSeq++;
			const outcomes = await upsertContacts(adapter, inputs);
			expect(outcomes.filter((o) => o.outcome === 'upserted')).toHaveLength(250);
			expect(new Set(outcomes.map((o) => (o.outcome === 'upserted' ? o.id : ''))).size).toBe(250);
			// Within the batch size the CRM accepts (HubSpot and Zoho 100, Salesforce 200): nothing refused.
			expect(crm.rejected()).toBe(0);
		});

		it('describes its contact fields, with the phone fields among them', async () => {
			const fields = await adapter.describeFields();
			const byName = new Map(fields.map((f) => [f.name, f]));
			for (const field of adapter.phoneFields) expect(byName.has(field)).toBe(true);
			expect(byName.get(names.lastName!)?.label).toBeTruthy();
		});
	},
);

describe.each(CRM_HARNESSES.map((harness) => [harness.crm, harness] as [string, CrmHarness]))(
	'%s, an org without the WhatsApp custom fields',
	(_name, harness) => {
		let crm: RunningCrm;
		beforeEach(async () => {
			crm = await harness.start({ withoutWhatsAppFields: true });
		});
		afterEach(async () => {
			await crm?.close();
		});

		it('still creates and updates contacts with the standard fields, refuses nothing, and names what is missing', async () => {
			const { adapter } = crm;
			const defaults = adapter.fieldNames;
			const input = {
				ref: 0,
				phone: '+85298765431',
				userId: 'HK.2000000000000002',
				name: 'Chan Tai Man',
				tags: ['price_inquiry'],
				interactionAt: Date.parse('2026-11-21T09:30:00Z'),
				marketingConsent: 'opted_out' as const,
			};
			const [created] = await upsertContacts(adapter, [input]);
			expect(created).toMatchObject({ outcome: 'upserted', action: 'created' });
			if (created.outcome !== 'upserted') throw new Error('unreachable');
			const customFields = [
				defaults.whatsappE164,
				defaults.whatsappUserId,
				defaults.tags,
				defaults.lastInteractionAt,
				defaults.interactionCount,
				defaults.marketingConsent,
			];
			for (const field of customFields) expect(created.changed).not.toContain(field);
			// HubSpot has no lead source field among the defaults.
			expect(created.changed).toEqual(
				expect.arrayContaining(
					[defaults.lastName, defaults.firstName, defaults.leadSource].filter(Boolean),
				),
			);

			const again = await upsertContacts(adapter, [input]);
			expect(again[0]).toMatchObject({ outcome: 'upserted', id: created.id, action: 'unchanged' });
			const [tagged] = await upsertContacts(adapter, [
				{ ...input, tags: ['order_status'], interactionAt: input.interactionAt + 60_000 },
			]);
			expect(tagged).toMatchObject({ outcome: 'upserted', id: created.id, action: 'unchanged' });
			expect(crm.rejected()).toBe(0);

			const contact = (await adapter.findByPhone(['+85298765431'])).get('+85298765431')!;
			expect(contact.map((c) => c.id)).toEqual([created.id]);
			expect(contact[0].properties[defaults.lastName!]).toBe('Man');
			if (defaults.leadSource) expect(contact[0].properties[defaults.leadSource]).toBe('WhatsApp');

			const { missing, fieldNames } = await adapter.checkFields!();
			expect(missing.map((m) => m.canonical).sort()).toEqual([
				'interactionCount',
				'lastInteractionAt',
				'marketingConsent',
				'tags',
				'whatsappE164',
				'whatsappUserId',
			]);
			for (const m of missing) {
				expect(m.field).toBe(defaults[m.canonical]);
				expect(m.message).toContain(m.field);
				expect(fieldNames[m.canonical]).toBeUndefined();
			}
			expect(missing.find((m) => m.canonical === 'tags')!.message).toMatch(
				/, so tags are not kept: an admin can add it in (Setup|Settings) /,
			);
			expect(missing.find((m) => m.canonical === 'marketingConsent')!.message).toMatch(
				/, so WhatsApp marketing opt-outs and resumes are not kept: an admin can add it in (Setup|Settings) /,
			);
		});

		it('refuses a missing field someone mapped explicitly, with the CRM’s reason, item by item', async () => {
			const field = crm.adapter.fieldNames.tags!;
			const [outcome] = await upsertContacts(crm.adapter, [
				{ ref: 0, phone: '+85298765433', properties: { [field]: 'vip' } },
			]);
			expect(outcome).toMatchObject({
				outcome: 'failed',
				error: {
					code: expect.stringMatching(/^(INVALID_FIELD|INVALID_DATA|PROPERTY_DOESNT_EXIST)$/),
				},
			});
			if (outcome.outcome !== 'failed') throw new Error('unreachable');
			expect(outcome.error.message).toContain(field);
		});
	},
);
