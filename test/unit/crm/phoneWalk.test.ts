/**
 * The customer's phone is normalised once, at the edge, and travels as E.164 from there (issue 17
 * point 4): the engine takes a caller's `e164` as given, and every adapter's findByPhone takes the
 * E.164 its contract promises without normalising it again. Each adapter against its vendor's
 * simulator over loopback.
 */
import type { CrmAdapter } from '../../../lib/crm/types';
import { upsertContacts } from '../../../lib/crm/upsert';
import { parseE164 } from '../../../lib/phone/normalize';
import { readAsked } from '../../../lib/phone/storedForms';
import { CRM_HARNESSES } from './harnesses';
import type { CrmHarness, RunningCrm } from './harnesses';

jest.setTimeout(60_000);

const E164 = '+85291234567';

describe.each(CRM_HARNESSES.map((harness) => [harness.crm, harness] as [string, CrmHarness]))(
	'%s',
	(_name, harness) => {
		let crm: RunningCrm;
		let adapter: CrmAdapter;
		beforeEach(async () => {
			crm = await harness.start();
			adapter = crm.adapter;
		});
		afterEach(async () => {
			await crm?.close();
		});

		it('findByPhone takes the E.164 it is asked for as given: any other form of the number is not normalised again, and finds nothing', async () => {
			const [created] = await upsertContacts(adapter, [{ ref: 0, phone: E164, name: 'Chan' }]);
			expect(created).toMatchObject({ outcome: 'upserted', action: 'created', e164: E164 });
			// Each of these normalises to +85291234567 (with HK as default country); an adapter that
			// ran the normaliser on what it was asked would find the contact for them too.
			const notE164 = ['+852 9123 4567', '85291234567', '0085291234567', '91234567'];
			const found = await adapter.findByPhone([E164, ...notE164], { defaultCountry: 'HK' });
			expect(found.get(E164)?.map((contact) => contact.id)).toEqual([
				(created as { id: string }).id,
			]);
			for (const form of notE164) expect(found.get(form) ?? []).toEqual([]);
			expect(crm.rejected()).toBe(0);
		});

		it("the engine takes an input's e164 as given, before and instead of its phone", async () => {
			const [outcome] = await upsertContacts(adapter, [
				{ ref: 0, e164: E164, phone: 'not a number', name: 'Chan' },
			]);
			expect(outcome).toMatchObject({ outcome: 'upserted', action: 'created', e164: E164 });
			const [again] = await upsertContacts(adapter, [{ ref: 1, phone: '9123 4567' }], {
				defaultCountry: 'HK',
			});
			expect(again).toMatchObject({
				outcome: 'upserted',
				action: 'unchanged',
				e164: E164,
				id: (outcome as { id: string }).id,
			});
		});
	},
);

describe('a number already in E.164, read once', () => {
	it('is parsed for its country and stored forms, and only when written exactly as a valid E.164', () => {
		const asked = readAsked(E164);
		expect(asked).toMatchObject({ e164: E164, country: 'HK' });
		expect(asked?.forms.digits).toEqual(['85291234567', '91234567']);
		expect(parseE164('+14155550132')?.country).toBe('US');
		for (const notE164 of [
			'+852 9123 4567',
			'85291234567',
			'0085291234567',
			'+85291234567 ',
			'+4407911123456',
			'+85212',
			'',
		])
			expect(readAsked(notE164)).toBeUndefined();
		expect(parseE164(42 as unknown as string)).toBeUndefined();
	});
});
