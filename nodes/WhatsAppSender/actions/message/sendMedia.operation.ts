import type { INodeProperties } from 'n8n-workflow';

import type { MediaType } from '../../../../lib/sender';
import { mediaMessage } from '../../../../lib/sender';
import type { Build } from './common';
import { sessionRequest, showFor } from './common';
import { sendMessages } from './sendMessages';

export const option = {
	name: 'Send Media',
	value: 'sendMedia',
	action: 'Send media',
	description: 'Image, video, audio, document or sticker within the service window',
};

export const description: INodeProperties[] = [
	{
		displayName: 'Media Type',
		name: 'mediaType',
		type: 'options',
		default: 'image',
		displayOptions: showFor('sendMedia'),
		options: [
			{ name: 'Audio', value: 'audio' },
			{ name: 'Document', value: 'document' },
			{ name: 'Image', value: 'image' },
			{ name: 'Sticker', value: 'sticker' },
			{ name: 'Video', value: 'video' },
		],
	},
	{
		displayName: 'Source',
		name: 'mediaSource',
		type: 'options',
		default: 'link',
		displayOptions: showFor('sendMedia'),
		options: [
			{ name: 'Link', value: 'link', description: 'A public HTTPS URL WhatsApp downloads' },
			{ name: 'Media ID', value: 'id', description: 'Media already uploaded to WhatsApp' },
			{ name: 'Binary File', value: 'binary', description: "Upload the item's binary data first" },
		],
	},
	{
		displayName: 'Link',
		name: 'mediaLink',
		type: 'string',
		default: '',
		displayOptions: { show: { operation: ['sendMedia'], mediaSource: ['link'] } },
	},
	{
		displayName: 'Media ID',
		name: 'mediaId',
		type: 'string',
		default: '',
		displayOptions: { show: { operation: ['sendMedia'], mediaSource: ['id'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryProperty',
		type: 'string',
		default: 'data',
		displayOptions: { show: { operation: ['sendMedia'], mediaSource: ['binary'] } },
	},
	{
		displayName: 'Caption',
		name: 'caption',
		type: 'string',
		default: '',
		displayOptions: showFor('sendMedia'),
	},
	{
		displayName: 'File Name',
		name: 'filename',
		type: 'string',
		default: '',
		displayOptions: { show: { operation: ['sendMedia'], mediaType: ['document'] } },
	},
];

export const build: Build = async ({ fn, itemIndex, envelope, client }) => {
	const type = fn.getNodeParameter('mediaType', itemIndex) as MediaType;
	const source = fn.getNodeParameter('mediaSource', itemIndex) as string;
	const caption = (fn.getNodeParameter('caption', itemIndex, '') as string) || undefined;
	const filename =
		type === 'document'
			? (fn.getNodeParameter('filename', itemIndex, '') as string) || undefined
			: undefined;
	let media: { link?: string; id?: string } = {};
	if (source === 'link') media = { link: fn.getNodeParameter('mediaLink', itemIndex) as string };
	else if (source === 'id') media = { id: fn.getNodeParameter('mediaId', itemIndex) as string };
	else {
		const property = fn.getNodeParameter('binaryProperty', itemIndex) as string;
		const binary = fn.helpers.assertBinaryData(itemIndex, property);
		const data = await fn.helpers.getBinaryDataBuffer(itemIndex, property);
		const phoneNumberId = fn.getNodeParameter('phoneNumberId', itemIndex) as string;
		media = {
			id: await client.uploadMedia(phoneNumberId, {
				data,
				mimeType: binary.mimeType,
				filename: binary.fileName,
			}),
		};
	}
	return {
		message: mediaMessage(envelope, type, { ...media, caption, filename: filename ?? undefined }),
		request: sessionRequest(fn, itemIndex),
	};
};

export const execute = sendMessages(build);
