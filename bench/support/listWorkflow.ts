/**
 * The workflow every list benchmark drives: a webhook receives `{ contacts: [...] }`, Split Out
 * makes one item per contact, and the node under test handles them all in one execution. The
 * webhook answers when the last node is done, so the POST's duration is the run's.
 */
export function listWorkflow(
	name: string,
	pathName: string,
	webhookId: string,
	node: Record<string, unknown>,
) {
	return {
		name,
		active: false,
		nodes: [
			{
				id: 'b0000000-0000-4000-8000-000000000001',
				name: 'List',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId,
				parameters: {
					httpMethod: 'POST',
					path: pathName,
					responseMode: 'lastNode',
					responseData: 'noData',
					options: {},
				},
			},
			{
				id: 'b0000000-0000-4000-8000-000000000002',
				name: 'Split',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: { fieldToSplitOut: 'body.contacts', options: {} },
			},
			{ id: 'b0000000-0000-4000-8000-000000000003', name: 'Node', position: [440, 0], ...node },
		],
		connections: {
			List: { main: [[{ node: 'Split', type: 'main', index: 0 }]] },
			Split: { main: [[{ node: 'Node', type: 'main', index: 0 }]] },
		},
		settings: {
			executionOrder: 'v1',
			saveDataSuccessExecution: 'none',
			saveDataErrorExecution: 'none',
		},
	};
}
