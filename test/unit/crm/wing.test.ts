/**
 * One CRM wing: a condition the package itself recognises gets one code and one wording, whichever
 * CRM met it (issue 18). Each adapter against its vendor's simulator over loopback.
 */
import { CRM_HARNESSES } from './harnesses';
import type { CrmHarness, RunningCrm } from './harnesses';
import { CRM_ERROR, MERGE_INTO_ITSELF } from '../../../lib/crm/errors';
import { markedMessages, messageMarker } from '../../../lib/crm/marker';
import { toMillis } from '../../../lib/crm/contact';
import { storedForms } from '../../../lib/phone/storedForms';

describe.each(CRM_HARNESSES.map((harness) => [harness.crm, harness] as [string, CrmHarness]))(
	'%s',
	(_name, harness) => {
		let crm: RunningCrm;
		beforeEach(async () => {
			crm = await harness.start();
		});
		afterEach(async () => {
			await crm?.close();
		});

		it('refuses a merge into itself with MERGE_INTO_ITSELF, before calling the CRM', async () => {
			const [seeded] = await crm.adapter.upsertMany([
				{ ref: 0, properties: { [crm.adapter.fieldNames.lastName!]: 'Self' } },
			]);
			if (!seeded.ok) throw new Error(seeded.error.message);
			const result = await crm.adapter.merge(seeded.id, [seeded.id]);
			expect(result.merged).toEqual([{ id: seeded.id, ok: false, error: MERGE_INTO_ITSELF }]);
			expect(crm.rejected()).toBe(0);
		});

		it('names an unknown contact with CONTACT_NOT_FOUND and one wording', async () => {
			const [outcome] = await crm.adapter.attachFiles([
				{
					ref: 0,
					contactId: crm.unknownContactId,
					messageId: 'wamid.wing-ghost',
					fileName: 'a.txt',
					mimeType: 'text/plain',
					data: Buffer.from('hello'),
				},
			]);
			expect(outcome).toMatchObject({
				ok: false,
				error: {
					code: CRM_ERROR.contactNotFound,
					message: expect.stringMatching(
						new RegExp(`has no contact ${crm.unknownContactId} \\(wrong ID, or deleted\\)`),
					),
				},
			});
		});
	},
);

describe('the shared pieces', () => {
	it('reads the one marker and the older Salesforce one, in HTML bodies too', () => {
		expect(messageMarker('wamid.X1')).toBe('[wamid:wamid.X1]');
		expect(markedMessages('<p>hi [wamid:wamid.A]</p> [wa:wamid.B] [wamid:wamid.C<br>')).toEqual([
			'wamid.A',
			'wamid.B',
		]);
	});

	it("reads every vendor's time: numbers, digits, ISO 8601 with offsets, Salesforce's +0000", () => {
		const at = Date.parse('2024-05-01T10:00:00Z');
		expect(toMillis(at)).toBe(at);
		expect(toMillis(String(at))).toBe(at);
		expect(toMillis('2024-05-01T10:00:00Z')).toBe(at);
		expect(toMillis('2024-05-01T18:00:00+08:00')).toBe(at);
		expect(toMillis('2024-05-01T10:00:00.000+0000')).toBe(at);
		for (const none of [undefined, null, '', 'soon', Number.NaN, {}])
			expect(toMillis(none)).toBeUndefined();
	});

	it('gives each search the stored forms it can use, from one reading of the number', () => {
		const forms = storedForms('+85291234567');
		expect(forms.common.every((form) => forms.all.includes(form))).toBe(true);
		expect(forms.digits).toEqual(['85291234567', '91234567']);
		expect(forms.all).toContain('(852) 9123-4567');
		expect(storedForms('not a number')).toEqual({
			all: ['not a number'],
			common: ['not a number'],
			digits: [''],
		});
	});
});
