import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { router } from './actions/router';
import { crmProperty } from './actions/common';
import { properties, versionDescription } from './actions/versionDescription';
import { credentialTest, resourceMapping } from './methods';
import { choiceLabel, choiceLabels } from '../shared/subtitle';

export class CrmUpsert implements INodeType {
	description: INodeTypeDescription = {
		...versionDescription,
		icon: { light: 'file:crmUpsert.svg', dark: 'file:crmUpsert.dark.svg' },
		// The CRM and the operation as the panel labels them, not their stored values.
		subtitle: `={{ ${choiceLabel('crm', choiceLabels([crmProperty], 'crm'))} + ": " + ${choiceLabel('operation', choiceLabels(properties, 'operation'))} }}`,
		usableAsTool: true,
	};

	methods = { resourceMapping, credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
